import type { ChatRequest } from '../../spec/chat-request.js';
import type { Warning } from '../../spec/warning.js';
import type { TGIGenerateParameters, TGIGenerateRequest } from './huggingface-api.js';
import { renderTGIInputs } from './render-tgi-inputs.js';

export interface TGIGenerateRequestOptions {
  /** providerOptions keys merged into `parameters` (the only place /generate takes settings). */
  providerOptionKeys: readonly string[];
  /** Set on the hosted `/hf-inference/models/{model}` route, which picks the stream form by flag. */
  streamFlag?: boolean;
}

/**
 * Maps a ChatRequest onto TGI's native /generate body. `details: true` is always asked for (finish
 * reason and token counts), and `return_full_text: false` because the hosted API otherwise echoes
 * the prompt in front of the answer.
 *
 * TGI rejects `temperature: 0` and `top_p: 1` (both must lie strictly inside their range), so
 * temperature 0 is sent as greedy decoding (no temperature: TGI's default, do_sample false) and
 * top_p ≥ 1 is left out (no nucleus cut), which is what those values mean elsewhere.
 */
export function convertToTGIGenerateRequest(
  request: ChatRequest,
  options: TGIGenerateRequestOptions,
): { body: TGIGenerateRequest; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const inputs = renderTGIInputs(request.messages, warnings);
  const parameters: TGIGenerateParameters = { details: true, return_full_text: false };
  if (request.maxTokens !== undefined) parameters.max_new_tokens = request.maxTokens;
  if (request.temperature !== undefined && request.temperature > 0) parameters.temperature = request.temperature;
  if (request.topP !== undefined && request.topP < 1) parameters.top_p = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) parameters.stop = request.stop;
  if (request.seed !== undefined) parameters.seed = request.seed;
  const format = request.responseFormat;
  if (format?.type === 'json-schema') parameters.grammar = { type: 'json', value: format.schema };
  else if (format?.type === 'json') parameters.grammar = { type: 'json', value: { type: 'object' } };
  if (request.tools !== undefined && request.tools.length > 0) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'tools',
      message: 'TGI /generate has no tools; use the chat route for tool calling',
    });
  }
  if (request.toolChoice !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'toolChoice',
      message: 'TGI /generate has no tools; toolChoice was ignored',
    });
  }
  if (request.user !== undefined) {
    warnings.push({ type: 'unsupported-setting', setting: 'user', message: 'TGI /generate has no user field; it was not sent' });
  }
  const providerOptions = request.providerOptions;
  if (providerOptions !== undefined) {
    for (const key of options.providerOptionKeys) {
      const extra = providerOptions[key];
      if (extra !== undefined) Object.assign(parameters, extra);
    }
  }
  const body: TGIGenerateRequest = { inputs, parameters };
  if (options.streamFlag !== undefined) body.stream = options.streamFlag;
  return { body, warnings };
}
