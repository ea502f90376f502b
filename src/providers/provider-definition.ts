import type { z } from 'zod';
import type { HTTPTransport } from '../http/http-transport.js';
import type { Provider } from '../spec/provider.js';

/** How a provider's key travels: `Authorization: Bearer`, Anthropic's `x-api-key`, or not at all. */
export type ProviderAuthStyle = 'bearer' | 'x-api-key' | 'none';

/** What a provider's API offers; `liter-llm providers` lists it, routing may consult it later. */
export interface ProviderCapabilities {
  chat: boolean;
  stream: boolean;
  embed: boolean;
  tools: boolean;
  images: boolean;
  reasoning: boolean;
}

export interface ProviderDefaults {
  /** The vendor's public endpoint. Absent: `base_url` is required (a local server, a workspace URL). */
  baseURL?: string;
  /** Shown when `base_url` is required and missing. */
  baseURLExample?: string;
  auth: ProviderAuthStyle;
  /** Variables that hold the key, the documented one first (`OPENAI_API_KEY`, `HF_TOKEN`). */
  apiKeyVariables: readonly string[];
  /** The variable that points the provider at another server (`OPENAI_BASE_URL`). */
  baseURLVariable?: string;
}

/** What `create()` receives: the config's common settings, its transport and its own options. */
export interface ProviderCreateSettings {
  name: string;
  /** Without a trailing slash. */
  baseURL: string;
  apiKey?: string;
  headers: Record<string, string>;
  transport: HTTPTransport;
  /**
   * The keys of `optionsSchema` that the config set, camelCase (`chat_api` → `chatAPI`), already
   * validated by that schema.
   */
  options: Readonly<Record<string, unknown>>;
}

/**
 * Everything Liter-LLM knows about one provider type, in one place: its defaults, the config keys
 * only it accepts, what it can do and how to build its adapter. The engine, config validation, the
 * environment config source and the CLI read definitions from a ProviderRegistry; none keeps its own
 * list. Consulted when a config is validated or built, never per request.
 */
export interface ProviderDefinition {
  /** The `type` in a provider's config. */
  readonly type: string;
  /**
   * True when a provider named like the type needs no `type` key (`providers: { openai: {} }`), and
   * when a key variable of the defaults enables it with no config at all.
   */
  readonly typeFromName: boolean;
  /** What it is for, in messages (`for Ollama, vLLM, llama.cpp and similar servers`). */
  readonly description?: string;
  readonly defaults: ProviderDefaults;
  /**
   * The config keys only this type accepts, snake_case as in a file, every one optional. Their
   * values are checked with paths like every other key (`providers.hf.chat_api: expected one of ...`).
   */
  readonly optionsSchema: z.ZodObject<Record<string, z.ZodType>, z.core.$strict>;
  readonly capabilities: ProviderCapabilities;
  create(settings: ProviderCreateSettings): Provider;
}
