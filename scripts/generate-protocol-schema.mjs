// Writes docs/protocol.schema.json from the zod schemas of src/protocol/, as built in dist/:
//   npx tsc -b && node scripts/generate-protocol-schema.mjs
// src/protocol/protocol-schema-file.test.ts fails while the committed file differs from this output.
import { writeFileSync } from 'node:fs';
import { formatProtocolSchemaFile } from '../dist/protocol/format-protocol-schema-file.js';

const target = new URL('../docs/protocol.schema.json', import.meta.url);
writeFileSync(target, formatProtocolSchemaFile());
console.log(`wrote ${target.pathname}`);
