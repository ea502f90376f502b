/**
 * Canonical chat request: the one shape every provider adapter maps from.
 * camelCase everywhere; wire formats keep their snake_case inside the adapters.
 */

export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };
export type JSONObject = { [key: string]: JSONValue };

export interface TextPart {
  type: 'text';
  text: string;
}

/** An image given by URL (http(s) or data:) or by base64 bytes with a media type. */
export interface ImagePart {
  type: 'image';
  /** http(s) URL or a `data:` URL. */
  url?: string;
  /** base64 bytes (without the `data:` prefix); requires mediaType. */
  data?: string;
  mediaType?: string;
  /** OpenAI's `detail` hint; ignored (with a warning) by providers that have no such knob. */
  detail?: 'auto' | 'low' | 'high';
}

/** Model reasoning ("thinking"). Anthropic signs it; the signature must be sent back unchanged. */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
}

/** Reasoning the provider returned encrypted; opaque, passed back as-is. */
export interface RedactedReasoningPart {
  type: 'redacted-reasoning';
  data: string;
}

export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
}

export type UserContentPart = TextPart | ImagePart;
export type AssistantContentPart = TextPart | ReasoningPart | RedactedReasoningPart | ToolCallPart;

export interface SystemMessage {
  role: 'system';
  content: string | TextPart[];
}

export interface UserMessage {
  role: 'user';
  content: string | UserContentPart[];
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | AssistantContentPart[];
  name?: string;
}

export interface ToolMessage {
  role: 'tool';
  toolCallId: string;
  content: string | TextPart[];
  /** Marks the result as a failure (Anthropic `is_error`). */
  isError?: boolean;
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface ToolDefinition {
  type: 'function';
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JSONObject;
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; name: string; schema: JSONObject; description?: string; strict?: boolean };

export interface ChatRequest {
  /** `provider/model` or a route name; adapters receive the provider's own model id here. */
  model: string;
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  responseFormat?: ResponseFormat;
  /** End-user id for abuse monitoring (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /**
   * Escape hatch: extra wire fields per provider type, merged into the upstream body as given
   * (`{ openai: { logprobs: true }, anthropic: { thinking: {...} } }`). Keys are sent verbatim.
   */
  providerOptions?: ProviderOptions;
}

export type ProviderOptions = Partial<Record<string, JSONObject>>;
