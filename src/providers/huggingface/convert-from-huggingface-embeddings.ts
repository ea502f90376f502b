import { ProviderUnavailableError, type LiterLLMError } from '../../spec/errors.js';
import type { Warning } from '../../spec/warning.js';
import type { FeatureExtractionOutput } from './huggingface-api.js';

export interface HuggingFaceEmbeddingsResult {
  embeddings: number[][];
  warnings: Warning[];
}

/**
 * Normalises what TEI and the feature-extraction pipeline return into one vector per input.
 *
 * Sentence models answer with a vector per input: a flat array for one string
 * (feature-extraction-sentence.json), `number[][]` for a batch or from TEI /embed. Plain
 * transformer models answer per token: `[1][tokens][dim]` for one string and `[n][1][tokens][dim]`
 * for a batch (feature-extraction-token-level*.json). Those are mean-pooled over every token
 * vector of an input (special tokens included, as the server returned them), with a warning:
 * this is the usual pooling, but a sentence-embedding model is the better tool.
 */
export function convertFromHuggingFaceEmbeddings(
  output: unknown,
  inputCount: number,
  singleInput: boolean,
  provider: string,
): HuggingFaceEmbeddingsResult {
  const perInput: unknown[] | undefined = singleInput ? [output] : Array.isArray(output) ? output : undefined;
  if (perInput === undefined || perInput.length !== inputCount) {
    throw unusable(provider, `expected ${inputCount} embedding(s), got ${describeShape(output)}`);
  }
  const embeddings = new Array<number[]>(perInput.length);
  let pooled = false;
  for (let index = 0; index < perInput.length; index++) {
    const item = perInput[index] as FeatureExtractionOutput;
    if (isVector(item)) {
      embeddings[index] = item;
      continue;
    }
    const vectors: number[][] = [];
    collectVectors(item, vectors);
    const first = vectors[0];
    if (first === undefined || vectors.some((vector) => vector.length !== first.length)) {
      throw unusable(provider, `input ${index} has no consistent vectors (${describeShape(item)})`);
    }
    // One vector wrapped in arrays (TEI for a single string) needs no pooling.
    if (vectors.length > 1) pooled = true;
    embeddings[index] = vectors.length === 1 ? first : meanPool(vectors);
  }
  const warnings: Warning[] = pooled
    ? [{ type: 'other', message: 'the model returned one vector per token; they were mean-pooled into one vector per input' }]
    : [];
  return { embeddings, warnings };
}

function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && typeof value[0] === 'number';
}

function collectVectors(value: FeatureExtractionOutput, into: number[][]): void {
  if (!Array.isArray(value)) return;
  if (isVector(value)) {
    into.push(value);
    return;
  }
  for (const item of value) collectVectors(item, into);
}

function meanPool(vectors: number[][]): number[] {
  const size = vectors[0]!.length;
  const sum = new Float64Array(size);
  for (const vector of vectors) for (let index = 0; index < size; index++) sum[index]! += vector[index]!;
  const mean = new Array<number>(size);
  for (let index = 0; index < size; index++) mean[index] = sum[index]! / vectors.length;
  return mean;
}

function describeShape(value: unknown): string {
  const dimensions: number[] = [];
  let current = value;
  while (Array.isArray(current)) {
    dimensions.push(current.length);
    current = current[0];
  }
  return dimensions.length > 0 ? `an array of shape [${dimensions.join('][')}]` : typeof value;
}

function unusable(provider: string, what: string): LiterLLMError {
  return new ProviderUnavailableError({
    message: `${provider} returned unusable embeddings: ${what}`,
    provider,
    retryable: false,
  });
}
