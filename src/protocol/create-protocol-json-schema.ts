import { z } from 'zod';
import { chatRequestSchema } from './chat-request-schema.js';
import { chatResponseSchema } from './chat-response-schema.js';
import { clientFrameSchema } from './client-frame-schema.js';
import { embedRequestSchema } from './embed-request-schema.js';
import { embedResponseSchema } from './embed-response-schema.js';
import { engineFrameSchema, protocolErrorSchema } from './engine-frame-schema.js';
import { jsonValueSchema } from './json-value-schema.js';
import { PROTOCOL_VERSION } from './protocol-version.js';
import { streamEventSchema } from './stream-event-schema.js';

/**
 * The JSON Schema of every frame, generated from the zod schemas (the one definition), for the
 * Python and Go bindings and for readers: committed as docs/protocol.schema.json and regenerated
 * by scripts/generate-protocol-schema.mjs. A local registry, not zod's global one, so loading two
 * copies of this module (src and dist in one test run) cannot collide on ids.
 */
export function createProtocolJSONSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(clientFrameSchema, { id: 'ClientFrame' });
  registry.add(engineFrameSchema, { id: 'EngineFrame' });
  registry.add(chatRequestSchema, { id: 'ChatRequest' });
  registry.add(embedRequestSchema, { id: 'EmbedRequest' });
  registry.add(chatResponseSchema, { id: 'ChatResponse' });
  registry.add(embedResponseSchema, { id: 'EmbedResponse' });
  registry.add(streamEventSchema, { id: 'StreamEvent' });
  registry.add(protocolErrorSchema, { id: 'ProtocolError' });
  registry.add(jsonValueSchema, { id: 'JSONValue' });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/$defs/${id}`, unrepresentable: 'throw' });
  const defs: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
    defs[id] = rest;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/liter-llm/liter-llm/docs/protocol.schema.json',
    title: `Liter-LLM stdio protocol ${PROTOCOL_VERSION}`,
    description:
      'Each frame is a 4-byte big-endian length, then that many bytes of UTF-8 JSON: a ClientFrame (binding → engine) or an EngineFrame (engine → binding). Generated from src/protocol/; do not edit.',
    oneOf: [{ $ref: '#/$defs/ClientFrame' }, { $ref: '#/$defs/EngineFrame' }],
    $defs: defs,
  };
}
