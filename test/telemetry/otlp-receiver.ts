import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One export request the receiver got, raw. */
export interface OTLPRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A span decoded from OTLP/JSON, attributes flattened to plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: { code?: number; message?: string };
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
}

/**
 * A minimal OTLP/HTTP trace receiver: accepts POST /v1/traces in JSON or protobuf, answers as a
 * collector does (an empty ExportTraceServiceResponse), and keeps every request for assertions.
 */
export class OTLPReceiver {
  readonly requests: OTLPRequest[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<OTLPReceiver> {
    const server = createServer();
    const receiver = new OTLPReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        receiver.requests.push({ path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks) });
        const json = String(request.headers['content-type'] ?? '').includes('json');
        response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
        response.end(json ? '{}' : undefined);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Every span of every JSON export so far. */
  spans(): ReceivedSpan[] {
    const spans: ReceivedSpan[] = [];
    for (const request of this.requests) {
      const payload = JSON.parse(request.body.toString('utf8')) as ExportRequest;
      for (const resourceSpans of payload.resourceSpans ?? []) {
        const resource = flattenAttributes(resourceSpans.resource?.attributes);
        for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
          for (const span of scopeSpans.spans ?? []) {
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind,
              status: span.status ?? {},
              attributes: flattenAttributes(span.attributes),
              events: (span.events ?? []).map((event) => ({ name: event.name, attributes: flattenAttributes(event.attributes) })),
              resource,
            });
          }
        }
      }
    }
    return spans;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface KeyValue {
  key: string;
  value: AnyValue;
}
interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}
interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        status?: { code?: number; message?: string };
        attributes?: KeyValue[];
        events?: { name: string; attributes?: KeyValue[] }[];
      }[];
    }[];
  }[];
}

function flattenAttributes(attributes: KeyValue[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of attributes ?? []) result[key] = valueOf(value);
  return result;
}

function valueOf(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}
