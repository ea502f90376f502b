export { createGatewayHandler, type GatewayHandler, type GatewayHandlerOptions } from './create-gateway-handler.js';
export { startGateway, type DrainResult, type RunningGateway, type StartGatewayOptions } from './start-gateway.js';
export {
  injectRequest,
  createMemoryRequest,
  createMemoryResponse,
  type InjectedResponse,
  type InjectRequestInit,
  type MemoryResponse,
} from './inject-request.js';
export { createMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.js';
export { mapErrorToHTTP } from './map-error-to-http.js';
export type { HTTPErrorInfo } from './gateway-http-error.js';
export type { GatewayRequest, GatewayResponse } from './gateway-http.js';
