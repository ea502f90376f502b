import { parseOTelKeyValues } from './parse-otel-key-values.js';

export type OTLPProtocol = 'http/protobuf' | 'http/json';

export interface OTLPSettings {
  /** The full traces URL (`…/v1/traces`). */
  url: string;
  protocol: OTLPProtocol;
  headers: Record<string, string>;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  /** Why a requested setting was not honoured (an unsupported protocol), for a startup warning. */
  warnings: string[];
}

type Env = Record<string, string | undefined>;

/**
 * The trace export the standard OTEL_* variables ask for, or undefined when they ask for none:
 * no OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none.
 * Signal-specific variables win over the general ones; the general endpoint gets `/v1/traces`
 * appended, the traces endpoint is used as given (as the OTLP exporter spec says).
 */
export function resolveOTLPSettings(env: Env): OTLPSettings | undefined {
  if (isTrue(env['OTEL_SDK_DISABLED'])) return undefined;
  const exporters = (env['OTEL_TRACES_EXPORTER'] ?? 'otlp').split(',').map((name) => name.trim().toLowerCase());
  if (!exporters.includes('otlp')) return undefined;
  const tracesEndpoint = nonEmpty(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
  const endpoint = nonEmpty(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
  if (tracesEndpoint === undefined && endpoint === undefined) return undefined;
  const url = tracesEndpoint ?? `${endpoint!.replace(/\/+$/, '')}/v1/traces`;
  const warnings: string[] = [];
  const requested = (
    nonEmpty(env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']) ??
    nonEmpty(env['OTEL_EXPORTER_OTLP_PROTOCOL']) ??
    'http/protobuf'
  ).toLowerCase();
  let protocol: OTLPProtocol = 'http/protobuf';
  if (requested === 'http/json') protocol = 'http/json';
  else if (requested !== 'http/protobuf') {
    warnings.push(`OTLP protocol "${requested}" is not supported; exporting traces over http/protobuf to ${url} instead`);
  }
  const resourceAttributes = parseOTelKeyValues(env['OTEL_RESOURCE_ATTRIBUTES']);
  return {
    url,
    protocol,
    headers: {
      ...parseOTelKeyValues(env['OTEL_EXPORTER_OTLP_HEADERS']),
      ...parseOTelKeyValues(env['OTEL_EXPORTER_OTLP_TRACES_HEADERS']),
    },
    serviceName: nonEmpty(env['OTEL_SERVICE_NAME']) ?? resourceAttributes['service.name'] ?? 'liter-llm',
    resourceAttributes,
    warnings,
  };
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
