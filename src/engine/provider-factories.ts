import type { HTTPTransport } from '../http/http-transport.js';
import type { Provider, ProviderType } from '../spec/provider.js';
import type { ProviderConfig } from './config/liter-llm-config.js';

/**
 * How the engine builds adapters. The engine never imports a provider: the package entry point
 * injects the real factories, tests inject scripted ones.
 */
export type ProviderFactory = (config: ProviderConfig, transport: HTTPTransport) => Provider;
export type ProviderFactories = Partial<Record<ProviderType, ProviderFactory>>;
