import type { Message, TextPart } from '../../spec/chat-request.js';
import type { Warning } from '../../spec/warning.js';

/**
 * Renders canonical messages as the one `inputs` string TGI's /generate takes. TGI applies no chat
 * template on this route, so the rendering is ours and deliberately plain:
 *
 * - a conversation that is a single user message is sent verbatim (raw completion: the prompt is
 *   exactly what the caller wrote);
 * - anything else becomes a transcript, one block per message, blocks separated by a blank line:
 *   `System: ...`, `User: ...`, `Assistant: ...`, `Tool result (<id>): ...`, ending with
 *   `Assistant:` so the model continues as the assistant.
 *
 * Callers who need the model's real chat template should use the chat route (the default chatAPI).
 * Images cannot be rendered as text and are dropped with a warning; assistant tool calls are
 * rendered as `Called <name>(<arguments>)` lines.
 */
export function renderTGIInputs(messages: readonly Message[], warnings: Warning[]): string {
  if (messages.length === 1 && messages[0]!.role === 'user') return renderContent(messages[0]!.content, 0, warnings);
  const blocks: string[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    switch (message.role) {
      case 'system':
        blocks.push(`System: ${joinText(message.content)}`);
        break;
      case 'user':
        blocks.push(`User: ${renderContent(message.content, index, warnings)}`);
        break;
      case 'assistant': {
        if (typeof message.content === 'string') {
          blocks.push(`Assistant: ${message.content}`);
          break;
        }
        const lines: string[] = [];
        let text = '';
        let droppedReasoning = false;
        for (const part of message.content) {
          if (part.type === 'text') text += part.text;
          else if (part.type === 'tool-call') lines.push(`Called ${part.name}(${part.arguments})`);
          else droppedReasoning = true;
        }
        if (droppedReasoning) {
          warnings.push({
            type: 'unsupported-setting',
            setting: `messages[${index}].content`,
            message: 'reasoning parts cannot be sent to TGI /generate and were dropped',
          });
        }
        blocks.push(`Assistant: ${[text, ...lines].filter((line) => line !== '').join('\n')}`);
        break;
      }
      case 'tool':
        blocks.push(`Tool result (${message.toolCallId}): ${joinText(message.content)}`);
        break;
    }
  }
  blocks.push('Assistant:');
  return blocks.join('\n\n');
}

function renderContent(content: Message['content'], index: number, warnings: Warning[]): string {
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) {
    if (part.type === 'text') text += text === '' ? part.text : `\n${part.text}`;
    else if (part.type === 'image') {
      warnings.push({
        type: 'unsupported-setting',
        setting: `messages[${index}].content`,
        message: 'TGI /generate takes text only; an image was dropped',
      });
    }
  }
  return text;
}

function joinText(content: string | TextPart[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}
