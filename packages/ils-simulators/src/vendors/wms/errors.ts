/**
 * Errors of the WMS circulation JSON API in OCLC's JSON shape `{code, message, detail}` (the shape
 * OCLC's token service and WSKey-protected APIs answer with), engine refusals mapped to statuses.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { EngineError } from '../../engine/errors.ts';
import { type BearerFailure, describeBearerFailure, oclcErrorBody } from './oauth.ts';

export class WmsError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function wmsErrorResponse(c: Context, error: WmsError): Response {
  return c.json(oclcErrorBody(error.status, error.message, error.detail), error.status);
}

export function renderCirculationAuthFailure(c: Context, failure: BearerFailure): Response {
  const { status, message } = describeBearerFailure(failure);
  if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="OCLC"');
  return c.json(oclcErrorBody(status, message), status);
}

/** Staff-facing wording WMS shows at the desk, with the engine's sentence as the detail. */
export function fromEngineError(error: EngineError): WmsError {
  const say = (status: ContentfulStatusCode, message: string) => new WmsError(status, message, error.message);
  switch (error.code) {
    case 'PATRON_NOT_FOUND':
      return say(404, 'Patron not found');
    case 'ITEM_NOT_FOUND':
      return say(404, 'Item not found');
    case 'LIBRARY_NOT_FOUND':
    case 'LOCATION_NOT_FOUND':
    case 'CIRC_DESK_NOT_FOUND':
      return say(400, 'Unknown branch or location');
    case 'PATRON_BLOCKED':
      return say(409, 'Patron is blocked');
    case 'PATRON_EXPIRED':
      return say(409, 'Patron account has expired');
    case 'ITEM_NOT_LOANABLE':
      return say(409, 'Item does not circulate');
    case 'ITEM_LIBRARY_USE_ONLY':
      return say(409, 'Item is for in-library use only');
    case 'ITEM_ALREADY_ON_LOAN':
      return say(409, 'Item is already checked out');
    case 'ITEM_HELD_FOR_ANOTHER_PATRON':
      return say(409, 'Item is on hold for another patron');
    case 'DUE_DATE_IN_PAST':
      return say(400, 'Due date cannot be in the past');
    case 'LOAN_NOT_FOUND':
      return say(404, 'Item is not checked out to this patron');
    case 'NOT_RENEWABLE':
      return say(409, 'Item cannot be renewed');
    case 'HOLD_EXISTS':
      return say(409, 'Patron already has a hold on this item');
    case 'HOLD_NOT_FOUND':
      return say(404, 'Hold not found');
    case 'BARCODE_IN_USE':
      return say(409, 'Barcode already in use');
    case 'INVALID_INPUT':
    case 'INVALID_AMOUNT':
      return say(400, 'Invalid request');
    default:
      return say(500, 'Unable to handle the request');
  }
}
