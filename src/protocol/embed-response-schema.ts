import { z } from 'zod';
import { warningSchema } from './chat-response-schema.js';

/** The canonical EmbedResponse, the `result` of `embed`. */
export const embedResponseSchema = z.object({
  provider: z.string(),
  model: z.string(),
  embeddings: z.array(z.array(z.number())),
  usage: z.object({ inputTokens: z.number() }),
  warnings: z.array(warningSchema),
  requestId: z.string().optional(),
});
