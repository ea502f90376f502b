import { z } from 'zod';
import type { JSONObject, JSONValue } from '../spec/chat-request.js';

/** Any JSON value, recursively (tool parameter schemas, providerOptions, providerMetadata). */
export const jsonValueSchema: z.ZodType<JSONValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)]),
);

export const jsonObjectSchema: z.ZodType<JSONObject> = z.record(z.string(), jsonValueSchema);
