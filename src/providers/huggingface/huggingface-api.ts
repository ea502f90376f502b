/**
 * Hugging Face wire types: TGI's native /generate and /generate_stream, TEI's /embed and the hosted
 * feature-extraction pipeline, and the `{"error": "...", "error_type": "..."}` error body shared by
 * TGI, TEI and the hosted Inference API. The chat route speaks the OpenAI wire (see ../openai/).
 */

export interface TGIGenerateParameters {
  max_new_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
  /** Ask for finish_reason and token counts; the adapter always does. */
  details?: boolean;
  /** The hosted API defaults to echoing the prompt; TGI itself does not. Sent as false always. */
  return_full_text?: boolean;
  /** Constrained decoding (TGI ≥ 1.4.3): `{ type: 'json', value: <JSON Schema> }`. */
  grammar?: { type: 'json'; value: Record<string, unknown> };
  [extra: string]: unknown;
}

export interface TGIGenerateRequest {
  inputs: string;
  parameters: TGIGenerateParameters;
  /** Only on the hosted `/hf-inference/models/{model}` route, which serves both forms. */
  stream?: boolean;
}

export interface TGIToken {
  id?: number;
  text?: string;
  logprob?: number | null;
  special?: boolean;
}

export interface TGIDetails {
  finish_reason?: string | null;
  generated_tokens?: number | null;
  seed?: number | null;
  prefill?: TGIToken[] | null;
  tokens?: TGIToken[] | null;
  /** Newer TGI reports the prompt length in stream details. */
  input_length?: number | null;
  best_of_sequences?: unknown[] | null;
}

export interface TGIGenerateResponse {
  generated_text?: string | null;
  details?: TGIDetails | null;
}

/** One `/generate_stream` event; the last one carries `generated_text` (and details when asked). */
export interface TGIStreamEvent {
  index?: number;
  token?: TGIToken | null;
  generated_text?: string | null;
  details?: TGIDetails | null;
  error?: unknown;
  error_type?: string;
}

export interface TEIEmbedRequest {
  inputs: string | string[];
  [extra: string]: unknown;
}

/** TEI returns number[][]; feature-extraction returns 1-D to 4-D arrays depending on the model. */
export type FeatureExtractionOutput = number | FeatureExtractionOutput[];

export interface HuggingFaceErrorBody {
  error?: string | string[] | { message?: string } | null;
  error_type?: string;
  /** Seconds until a cold model is loaded (hosted Inference API 503). */
  estimated_time?: number;
}
