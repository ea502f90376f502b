import { describe, expect, it } from 'vitest';
import { parseOTelKeyValues } from './parse-otel-key-values.js';
import { resolveOTLPSettings } from './resolve-otlp-settings.js';

describe('resolveOTLPSettings', () => {
  it('asks for nothing without an endpoint, when the SDK is disabled or the traces exporter is none', () => {
    expect(resolveOTLPSettings({})).toBeUndefined();
    expect(resolveOTLPSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeUndefined();
    expect(
      resolveOTLPSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' }),
    ).toBeUndefined();
    expect(
      resolveOTLPSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }),
    ).toBeUndefined();
  });

  it('appends /v1/traces to the general endpoint and defaults to http/protobuf and service liter-llm', () => {
    expect(resolveOTLPSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_SDK_DISABLED: 'false' })).toEqual({
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      headers: {},
      serviceName: 'liter-llm',
      resourceAttributes: {},
      warnings: [],
    });
  });

  it('prefers the traces-specific endpoint, headers and protocol, used as given', () => {
    const settings = resolveOTLPSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/traces',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20abc,x-team=llm',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=traces',
      OTEL_SERVICE_NAME: 'gateway',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,deployment.environment=prod',
      OTEL_TRACES_EXPORTER: 'console, otlp',
    });
    expect(settings).toEqual({
      url: 'https://traces.example/otlp/traces',
      protocol: 'http/json',
      headers: { authorization: 'Basic abc', 'x-team': 'traces' },
      serviceName: 'gateway',
      resourceAttributes: { 'service.name': 'ignored', 'deployment.environment': 'prod' },
      warnings: [],
    });
  });

  it('takes service.name from OTEL_RESOURCE_ATTRIBUTES when OTEL_SERVICE_NAME is unset', () => {
    expect(
      resolveOTLPSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_RESOURCE_ATTRIBUTES: 'service.name=llm-edge' })!
        .serviceName,
    ).toBe('llm-edge');
  });

  it('falls back to http/protobuf with a warning for gRPC', () => {
    const settings = resolveOTLPSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })!;
    expect(settings.protocol).toBe('http/protobuf');
    expect(settings.warnings).toEqual([
      'OTLP protocol "grpc" is not supported; exporting traces over http/protobuf to http://c:4317/v1/traces instead',
    ]);
  });
});

describe('parseOTelKeyValues', () => {
  it('splits on commas, decodes percent-escapes, keeps "=" inside values and skips broken entries', () => {
    expect(parseOTelKeyValues('a=1, b = two%2C3 ,=x,novalue,c=d=e,bad=%E0%A4%A')).toEqual({
      a: '1',
      b: 'two,3',
      c: 'd=e',
      bad: '%E0%A4%A',
    });
    expect(parseOTelKeyValues(undefined)).toEqual({});
  });
});
