import type { z } from 'zod';

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['params', 'messages', 0, 'role']` → `params.messages[0].role`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** The field a frame got wrong and a sentence saying how, from zod's first issue. */
export function describeFrameIssue(issue: z.core.$ZodIssue): { param: string; message: string } {
  if (issue.code === 'unrecognized_keys') {
    const param = formatIssuePath([...issue.path, issue.keys[0]!]);
    return { param, message: `${param}: unknown field` };
  }
  const param = formatIssuePath(issue.path);
  return { param, message: `${param === '' ? 'frame' : param}: ${issue.message}` };
}
