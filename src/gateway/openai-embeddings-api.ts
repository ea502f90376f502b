import { z } from 'zod';

/** The OpenAI Embeddings request as the gateway accepts it (platform.openai.com/docs/api-reference/embeddings). */
export const openAIEmbeddingsBodySchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.int().positive().nullish(),
  user: z.string().nullish(),
});

export type OpenAIEmbeddingsBody = z.infer<typeof openAIEmbeddingsBodySchema>;

export const MAPPED_EMBEDDINGS_FIELDS = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);

export interface OpenAIEmbeddingList {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}
