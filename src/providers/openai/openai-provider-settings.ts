import type { ProviderSettings } from '../provider-settings.js';

export interface OpenAIProviderSettings extends ProviderSettings {
  /**
   * `openai` (api.openai.com, the default) or `openai-compatible` (vLLM, Ollama, llama.cpp, Groq,
   * Together...). The type picks wire details that differ between them; see createOpenAIProvider.
   */
  type?: 'openai' | 'openai-compatible';
  /**
   * Ask for the final usage chunk in streams (`stream_options.include_usage`). On by default; turn it
   * off for the few compatible servers that reject `stream_options` (usage then reads as zero).
   */
  includeUsage?: boolean;
  /**
   * How embeddings travel. `base64` (little-endian float32) is about a quarter of the bytes of the
   * JSON numbers; it is the default for `openai`. Compatible servers default to `float` because not
   * all of them implement base64. Both are decoded whatever was asked.
   */
  embeddingEncoding?: 'base64' | 'float';
}
