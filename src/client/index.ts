export { createClient, type ClientOptions, type GatewayClient } from './create-client.js';
export { convertGatewayError, type GatewayErrorSource } from './convert-gateway-error.js';
