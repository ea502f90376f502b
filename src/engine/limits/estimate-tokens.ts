import type { ChatRequest, ToolDefinition } from '../../spec/chat-request.js';
import type { EmbedRequest } from '../../spec/embed.js';

/** About four characters per token for English text with the common BPE vocabularies. */
const CHARS_PER_TOKEN = 4;
/** Role markers and separators each message costs (OpenAI's cookbook counts 3-4). */
const TOKENS_PER_MESSAGE = 4;
/** OpenAI's cost of a 1024×1024 image at high detail: a middle-of-the-road guess for any image. */
const TOKENS_PER_IMAGE = 765;

/** JSON size of each tool's schema, computed once per (config-owned, reused) tool object. */
const toolCharsCache = new WeakMap<ToolDefinition, number>();

/**
 * A cheap upper-bound-ish token estimate for the tokens-per-minute bucket: characters / 4, plus
 * per-message and per-image allowances, plus `maxTokens` (OpenAI counts the requested completion
 * against the limit when the call is admitted). `Lease.settleTokens` corrects it afterwards.
 */
export function estimateTokens(input: string | ChatRequest | EmbedRequest): number {
  if (typeof input === 'string') return Math.ceil(input.length / CHARS_PER_TOKEN);
  if ('messages' in input) return estimateChatTokens(input);
  const texts = input.input;
  if (typeof texts === 'string') return Math.ceil(texts.length / CHARS_PER_TOKEN);
  let chars = 0;
  for (const text of texts) chars += text.length;
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

function estimateChatTokens(request: ChatRequest): number {
  let chars = 0;
  let tokens = request.maxTokens ?? 0;
  for (const message of request.messages) {
    tokens += TOKENS_PER_MESSAGE;
    const content = message.content;
    if (typeof content === 'string') {
      chars += content.length;
      continue;
    }
    for (const part of content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
          chars += part.text.length;
          break;
        case 'image':
          tokens += TOKENS_PER_IMAGE;
          break;
        case 'tool-call':
          chars += part.name.length + part.arguments.length;
          break;
        case 'redacted-reasoning':
          // Opaque encrypted payload: its length says little about tokens; count a quarter of it.
          chars += part.data.length / 4;
          break;
      }
    }
  }
  if (request.tools) {
    for (const tool of request.tools) chars += countToolChars(tool);
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + tokens;
}

function countToolChars(tool: ToolDefinition): number {
  let chars = toolCharsCache.get(tool);
  if (chars === undefined) {
    chars = tool.name.length + (tool.description?.length ?? 0) + JSON.stringify(tool.parameters).length;
    toolCharsCache.set(tool, chars);
  }
  return chars;
}
