import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientFrameSchema } from './client-frame-schema.js';
import { formatProtocolSchemaFile } from './format-protocol-schema-file.js';

const committed = readFileSync(new URL('../../docs/protocol.schema.json', import.meta.url), 'utf8');

describe('docs/protocol.schema.json', () => {
  it('is what the zod schemas generate (regenerate: npx tsc -b && node scripts/generate-protocol-schema.mjs)', () => {
    expect(committed).toBe(formatProtocolSchemaFile());
  });

  it('describes every method and the canonical types by name', () => {
    const schema = JSON.parse(committed) as {
      $defs: Record<string, { oneOf?: { properties: { method: { const: string } } }[] }>;
    };
    const methods = schema.$defs.ClientFrame!.oneOf!.map((frame) => frame.properties.method.const);
    expect(methods).toEqual(clientFrameSchema.options.map((option) => option.shape.method.value));
    expect(Object.keys(schema.$defs)).toEqual(
      expect.arrayContaining(['ChatRequest', 'StreamEvent', 'ProtocolError', 'EngineFrame']),
    );
  });
});
