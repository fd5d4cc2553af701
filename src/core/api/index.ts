/** The Ongage API client: the public surface. Editor-free; never imports 'vscode'. */
export { OngageClient, retryAfterMs } from './client';
export type { OngageClientOptions, OngageCredentials, RetryOptions, CallOptions, ListAllOptions } from './client';
export { OngageError, isOngageError, isCancellation, parseFieldErrors } from './errors';
export type { OngageErrorKind, OngageFieldError, OngageErrorInit } from './errors';
export { RateLimiter, sharedLimiter, DEFAULT_LIMITS } from './limiter';
export type { LimiterOptions, LimiterStats, Release } from './limiter';
export { paginate, collectAll } from './paginate';
export type { PageFetcher, PageResult, PaginateOptions } from './paginate';
export {
  toNumber,
  toBool,
  toDate,
  toUnixSeconds,
  parseEmail,
  parseMailing,
  parseList,
  parseListField,
  parseEspConnection,
  parseContact,
  parseTransactionalCampaign,
  emailInputToWire,
  statusName,
} from './parse';
export * from './types';
