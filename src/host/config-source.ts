import type { ConfigIssue } from '../engine/config/config-issue.js';
import type { LiterLLMConfig } from '../engine/config/liter-llm-config.js';

/** A validated config and what is worth saying about it (an unset variable, say). */
export interface ConfigSnapshot {
  config: LiterLLMConfig;
  warnings: ConfigIssue[];
}

export interface ConfigSourceListener {
  /** A new, valid version. Must not throw. */
  onChange(config: LiterLLMConfig, warnings: ConfigIssue[]): void;
  /** A new version that is invalid or cannot be read: the caller keeps the last good one. Must not throw. */
  onError(issues: ConfigIssue[]): void;
  /**
   * One line worth logging that changes nothing by itself: a config store became unreachable or
   * came back, one of its keys was refused. Without it, the line is reported through onError.
   */
  onNotice?(message: string): void;
}

/**
 * Where the engine's config comes from: a file today (createFileConfigSource), the environment
 * when there is none (createEnvironmentConfigSource), a store such as etcd or Consul next. The
 * engine host (startEngineHost) asks it once for the config to start on, then for the versions
 * that follow; it never knows which kind it has. Validation is the source's job, so whatever it
 * hands over is a LiterLLMConfig the engine can take as it is.
 */
export interface ConfigSource {
  /** How log lines name it: `config <name> reloaded` (the file's path). */
  readonly name: string;
  /**
   * The config as it is now, called once before `watch`. An invalid one throws an
   * InvalidRequestError listing every issue with its path.
   */
  load(): Promise<ConfigSnapshot>;
  /**
   * Reports every later version that differs from what `load` returned, including one made
   * between `load` and this call. A source that never changes reports nothing.
   */
  watch(listener: ConfigSourceListener): void;
  /** Stops watching: no listener call follows. Idempotent. */
  close(): void;
}
