export * from './types.ts';
export * from './profiles.ts';
export * from './normalise.ts';
export * from './problems.ts';
export * from './patron.ts';
export * from './wms-scim.ts';
export * from './client.ts';
export { checkXmlSafety, DEFAULT_MAX_REQUEST_BYTES, type SafetyResult, type UnsafeReason } from './safety.ts';
export { buildRequest } from './wire/build-request.ts';
export { buildResponse, responseHeaderFor } from './wire/build-response.ts';
export { parseRequest, type ParseRequestOptions, type ParseRequestResult, type RequestRejection } from './wire/parse-request.ts';
export {
  parseResponse,
  type NcipClientError,
  type NcipFailureReason,
  type ParseResponseOptions,
  type ParseResponseResult,
} from './wire/parse-response.ts';
export { NCIP1_VERSION, NCIP2_NAMESPACE, NCIP2_VERSION } from './wire/dialect.ts';
