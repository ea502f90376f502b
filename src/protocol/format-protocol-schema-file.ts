import { createProtocolJSONSchema } from './create-protocol-json-schema.js';

/** The exact text of docs/protocol.schema.json: the script writes it, a test compares it. */
export function formatProtocolSchemaFile(): string {
  return `${JSON.stringify(createProtocolJSONSchema(), null, 2)}\n`;
}
