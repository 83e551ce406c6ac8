import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { storageFault } from '../store/faults.ts';

/**
 * Every error the API returns is `{error: {code, message, details?}}` with a status that follows
 * from the code. Handlers throw `ApiError`; one `onError` renders everything, so no route can
 * leak a stack trace or invent its own shape.
 */
export const errorStatus = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ACTION_NOT_ALLOWED: 409,
  NOT_YET_AGED_OUT: 409,
  STEP_NOT_RETRYABLE: 409,
  STEP_NOT_RESOLVABLE: 409,
  STEP_NOT_SKIPPABLE: 409,
  FINDING_NOT_OPEN: 409,
  CORRECTION_NOT_ALLOWED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  // draft-ietf-httpapi-idempotency-key-header §2.7: a key reused with another payload is a 422
  IDEMPOTENCY_KEY_REUSED: 422,
  PATRON_ID_REQUIRED: 422,
  DUE_DATE_UNAVAILABLE: 422,
  CONNECTION_CHECK_FAILED: 422,
  NOT_SUPPORTED: 501,
  ILS_UNAVAILABLE: 502,
  STORAGE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ErrorCode = keyof typeof errorStatus;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }
}

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');
export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });

/** The error responses every route documents, so clients see them in the OpenAPI document. */
export const commonErrorResponses = {
  400: errorResponse('The input is malformed or invalid; nothing was changed.'),
  401: errorResponse('No API key, or an unknown one.'),
  403: errorResponse('The key may not use this route.'),
  404: errorResponse('Not found (or not visible to this key).'),
  500: errorResponse('Unexpected failure; nothing is leaked but a tracking message.'),
  503: errorResponse('The database is unavailable (disk full, I/O error, locked…); nothing was changed, try again later.'),
} as const;
export const conflictResponses = {
  409: errorResponse('The request is not in a state that allows this.'),
  422: errorResponse('Well-formed, but the workflow refuses it (e.g. a loan needs the patron ID).'),
} as const;

/**
 * zod issues as a flat list of `{path, message}`, the same shape settings problems use. An unknown
 * key (strict objects) is one entry per key with the key in the path, so a typo such as
 * `settings.borrowing.localLoanDayz` is named where it is, not as a problem of its parent.
 */
export function issueDetails(issues: readonly ZodError['issues'][number][], prefix: readonly string[] = []): { path: string; message: string }[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: `unknown field "${key}"` }));
    }
    return [{ path: at.join('.'), message: issue.message }];
  });
}

export function zodDetails(error: ZodError): { path: string; message: string }[] {
  return issueDetails(error.issues);
}

/** The OpenAPIHono `defaultHook`: zod failures become 400 INVALID_INPUT with every problem listed. */
export function validationHook(result: { success: true; data: unknown } | { success: false; error: ZodError; target?: string }, c: Context) {
  if (result.success) return undefined;
  const details = zodDetails(result.error);
  const where = 'target' in result && result.target ? ` ${result.target}` : '';
  const first = details[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid input';
  return c.json(errorBody('INVALID_INPUT', `Invalid${where}: ${summary}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}`, details), 400);
}

const statusCodes: Partial<Record<number, ErrorCode>> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
};

/**
 * Maps anything thrown to the error body and status; unknown errors are a bare 500. A storage
 * fault is a 503 naming its cause: the operator can act on it, and the client may retry.
 */
export function toErrorResponse(error: unknown): { status: ContentfulStatusCode; body: ErrorBody; unexpected: boolean } {
  if (error instanceof ApiError) return { status: error.status, body: errorBody(error.code, error.message, error.details), unexpected: false };
  if (error instanceof HTTPException) {
    const code = statusCodes[error.status] ?? (error.status >= 500 ? 'INTERNAL' : 'INVALID_INPUT');
    const status = error.status >= 500 ? 500 : (error.status as ContentfulStatusCode);
    const message = error.status >= 500 ? 'Internal error' : error.message || code;
    return { status, body: errorBody(code, message), unexpected: error.status >= 500 };
  }
  if (error instanceof SyntaxError) return { status: 400, body: errorBody('INVALID_INPUT', 'Malformed JSON in request body'), unexpected: false };
  const fault = storageFault(error);
  // Still logged (unexpected): the operator must hear about a full disk.
  if (fault) return { status: 503, body: errorBody('STORAGE_UNAVAILABLE', `Storage unavailable: ${fault.message} (${fault.code})`), unexpected: true };
  return { status: 500, body: errorBody('INTERNAL', 'Internal error'), unexpected: true };
}
