import type { HTTPTransport, HTTPTransportOptions } from '../http/http-transport.js';

/** What every adapter factory accepts. */
export interface ProviderSettings {
  /** Config key; errors and responses carry it. Defaults to the provider type. */
  name?: string;
  /** Defaults to the vendor's public endpoint (see each adapter). */
  baseURL?: string;
  apiKey?: string;
  /** Extra headers sent on every request (after the adapter's own, so they can override). */
  headers?: Record<string, string>;
  /** A shared transport (connection pool); when absent the adapter creates and owns one. */
  transport?: HTTPTransport;
  /** Options for the transport the adapter creates when none is given. */
  transportOptions?: HTTPTransportOptions;
}
