import type { ProviderSettings } from '../provider-settings.js';

export interface HuggingFaceProviderSettings extends ProviderSettings {
  /**
   * `openai` (default): the OpenAI-compatible `/v1/chat/completions` of TGI ≥ 1.4 and of the hosted
   * router, which applies the model's chat template and supports tools. `tgi-generate`: TGI's native
   * `/generate` and `/generate_stream` on raw text (see renderTGIInputs), for base models and old
   * servers.
   */
  chatAPI?: 'openai' | 'tgi-generate';
  /**
   * `tei`: Text Embeddings Inference `POST /embed`. `feature-extraction`: the hosted pipeline
   * `POST /hf-inference/models/{model}/pipeline/feature-extraction`. Guessed from baseURL when unset:
   * the hosted hosts (router.huggingface.co, api-inference.huggingface.co) mean feature-extraction.
   */
  embedAPI?: 'tei' | 'feature-extraction';
  /** As for OpenAI: ask chat streams for the final usage chunk. On by default. */
  includeUsage?: boolean;
}
