// The stdio protocol the Python and Go bindings speak to the engine (docs/protocol.md).
export { encodeFrame } from './encode-frame.js';
export { createFrameDecoder, DEFAULT_MAX_FRAME_BYTES, type DecodedFrame, type FrameDecoder } from './create-frame-decoder.js';
export { PROTOCOL_VERSION, checkProtocolVersion } from './protocol-version.js';
export * from './client-frame-schema.js';
export * from './engine-frame-schema.js';
export * from './chat-request-schema.js';
export * from './chat-response-schema.js';
export { embedRequestSchema } from './embed-request-schema.js';
export { embedResponseSchema } from './embed-response-schema.js';
export { streamEventSchema } from './stream-event-schema.js';
export { jsonObjectSchema, jsonValueSchema } from './json-value-schema.js';
export { toProtocolError } from './to-protocol-error.js';
export { serveProtocol, type ProtocolLogEntry, type ServeProtocolEnd, type ServeProtocolOptions } from './serve-protocol.js';
export { createLoopbackClient, type LoopbackChatStream, type LoopbackClient } from './create-loopback-client.js';
export {
  createProtocolClient,
  type ProtocolChatStream,
  type ProtocolClient,
  type ProtocolClientOptions,
} from './create-protocol-client.js';
export {
  spawnEngineClient,
  type EngineExit,
  type EngineProcessClient,
  type SpawnEngineClientOptions,
} from './spawn-engine-client.js';
export { createProtocolJSONSchema } from './create-protocol-json-schema.js';
