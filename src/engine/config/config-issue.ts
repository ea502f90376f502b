import type { LiterLLMConfig } from './liter-llm-config.js';

/** One problem in a config, named by its path (`routes.chat.targets[1].provider`; "" = the whole file). */
export interface ConfigIssue {
  path: string;
  /** Plain words; never contains a secret value. */
  message: string;
  /** 1-based position in the source text, when the config came from text. */
  line?: number;
  column?: number;
}

/**
 * Every loader returns this. Warnings never make a config invalid (for example an api_key whose
 * environment variable is unset); they are worth printing.
 */
export type ConfigResult =
  { ok: true; config: LiterLLMConfig; warnings: ConfigIssue[] } | { ok: false; errors: ConfigIssue[]; warnings: ConfigIssue[] };
