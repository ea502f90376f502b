import { looksLikeSecret } from './looks-like-secret.js';

export type ConfigPath = readonly (string | number)[];

const PLAIN_SEGMENT = /^[A-Za-z0-9_-]+$/;

/** `['routes', 'chat', 'targets', 1, 'provider']` → `routes.chat.targets[1].provider`; odd keys are quoted. */
export function formatConfigPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    // A key pasted as a mapping key (`sk-...: x`) would otherwise be printed as part of the path.
    else if (looksLikeSecret(segment, { includeWords: false })) text += '[<not shown>]';
    else if (PLAIN_SEGMENT.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

// Values under these keys may be credentials: redis_url can carry a password, headers an Authorization;
// password and token are config_source's etcd password and Consul ACL token.
const SECRET_KEYS = new Set(['api_key', 'api_keys', 'headers', 'redis_url', 'password', 'token']);

/** Whether a value at this (snake_case) path must never be echoed in a message. */
export function isSecretPath(path: ConfigPath): boolean {
  return path.some((segment) => typeof segment === 'string' && SECRET_KEYS.has(segment));
}
