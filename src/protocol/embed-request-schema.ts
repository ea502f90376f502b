import { z } from 'zod';
import { providerOptionsSchema } from './chat-request-schema.js';

/** The canonical EmbedRequest of src/spec, as the `params` of `embed`. */
export const embedRequestSchema = z.strictObject({
  model: z.string(),
  input: z.union([z.string(), z.array(z.string())]),
  dimensions: z.number().optional(),
  user: z.string().optional(),
  providerOptions: providerOptionsSchema.optional(),
});
