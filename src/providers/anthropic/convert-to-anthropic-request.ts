import type { ChatRequest, JSONObject, ToolChoice } from '../../spec/chat-request.js';
import type { Warning } from '../../spec/warning.js';
import type { AnthropicMessagesRequest, AnthropicToolChoice } from './anthropic-api.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';

export interface ConvertToAnthropicRequestOptions {
  provider: string;
  /** Anthropic requires max_tokens; used when the caller gives none. */
  defaultMaxTokens: number;
  stream: boolean;
}

export interface AnthropicRequestResult {
  body: AnthropicMessagesRequest;
  warnings: Warning[];
}

/** Canonical ChatRequest → Messages API body, plus warnings for settings Anthropic cannot honour. */
export function convertToAnthropicRequest(
  request: ChatRequest,
  options: ConvertToAnthropicRequestOptions,
): AnthropicRequestResult {
  const warnings: Warning[] = [];
  const { system, messages } = convertToAnthropicMessages(request.messages, options.provider, warnings);
  const body: AnthropicMessagesRequest = {
    model: request.model,
    max_tokens: request.maxTokens ?? options.defaultMaxTokens,
    messages,
  };
  if (system !== undefined) body.system = system;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body.stop_sequences = request.stop;
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      input_schema: tool.parameters,
      ...(tool.strict !== undefined && { strict: tool.strict }),
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.seed !== undefined) {
    warnings.push({ type: 'unsupported-setting', setting: 'seed', message: 'Anthropic has no seed parameter; it was ignored' });
  }
  const format = request.responseFormat;
  if (format?.type === 'json-schema') {
    // Structured outputs are GA under output_config.format (the beta `output_format` is deprecated);
    // the recorded messages-stream-json-output request shows the exact shape the API accepted.
    body.output_config = { format: { type: 'json_schema', schema: format.schema } };
  } else if (format?.type === 'json') {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'responseFormat',
      message: 'Anthropic has no schema-less JSON mode; give a json-schema response format or ask for JSON in the prompt',
    });
  }
  if (options.stream) body.stream = true;
  const extra = request.providerOptions?.['anthropic'];
  if (extra !== undefined) mergeProviderOptions(body, extra);
  return { body, warnings };
}

function convertToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (typeof choice === 'object') return { type: 'tool', name: choice.name };
  switch (choice) {
    case 'auto':
      return { type: 'auto' };
    case 'required':
      return { type: 'any' };
    case 'none':
      return { type: 'none' };
  }
}

/**
 * providerOptions.anthropic keys go into the body as given; where both we and the caller set an
 * object (output_config with `effort` next to our `format`, metadata), the two are merged with the
 * caller's keys winning, so one setting does not silently erase the other.
 */
function mergeProviderOptions(body: AnthropicMessagesRequest, extra: JSONObject): void {
  for (const key in extra) {
    const value = extra[key];
    const current = body[key];
    body[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
