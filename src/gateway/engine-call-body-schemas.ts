import { z } from 'zod';
import { chatRequestSchema } from '../protocol/chat-request-schema.js';
import { callOptionsSchema } from '../protocol/client-frame-schema.js';
import { embedRequestSchema } from '../protocol/embed-request-schema.js';

// The bodies of /v1/engine/*: the stdio protocol's call frames without `id` and `method` (the URL
// names the method, the HTTP exchange is the call), so the same schemas name the same fields.

/** `POST /v1/engine/chat` and `/v1/engine/chat.stream`. */
export const engineChatBodySchema = z.strictObject({ params: chatRequestSchema, options: callOptionsSchema.optional() });

/** `POST /v1/engine/embed`. */
export const engineEmbedBodySchema = z.strictObject({ params: embedRequestSchema, options: callOptionsSchema.optional() });
