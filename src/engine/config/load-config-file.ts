import { readFile } from 'node:fs/promises';
import type { ConfigResult } from './config-issue.js';
import { parseConfig, type ParseConfigOptions } from './parse-config.js';

export interface LoadConfigFileOptions extends ParseConfigOptions {
  /** The text as read, for a caller that watches the file afterwards (watchConfigFile's baseline). */
  onRead?: (text: string) => void;
}

/** Reads and validates a config file. An unreadable file is an issue with path "", not an exception. */
export async function loadConfigFile(path: string, options: LoadConfigFileOptions = {}): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: describeReadError(path, error) }], warnings: [] };
  }
  options.onRead?.(text);
  return parseConfig(text, { ...options, sourceName: options.sourceName ?? path });
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

export function describeReadError(path: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    typeof code === 'string' && REASONS[code] !== undefined
      ? REASONS[code]
      : error instanceof Error
        ? error.message
        : String(error);
  return `cannot read config file ${path}: ${reason}`;
}
