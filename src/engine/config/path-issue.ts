import type { ConfigPath } from './config-path.js';

/** An issue before its path is formatted and its line looked up. */
export interface PathIssue {
  path: ConfigPath;
  message: string;
}

/** Environment variables, as in process.env. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;
