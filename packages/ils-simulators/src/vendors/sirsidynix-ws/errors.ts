/**
 * The Web Services error vocabulary: a non-2xx answer with `{messageList:[{code, message}]}`, and
 * the blocking *prompt* — `promptRequired: true` with a `dataMap` naming the prompt type — which a
 * client answers by repeating the call with `SD-Prompt-Return: <type>/<override code>`.
 *
 * Codes marked "documented" appear in public clients (UVA ils-connector, libilsws, Pika); the
 * others are simulator stand-ins where no public source names the code (see the README).
 */
import type { EngineError } from '../../engine/errors.ts';

export interface SirsiMessage {
  code: string;
  message: string;
}

export class SirsiError extends Error {
  override readonly name = 'SirsiError';
  constructor(
    readonly status: number,
    readonly messageList: SirsiMessage[],
  ) {
    super(messageList.map((m) => m.message).join('; '));
  }
}

/** Prompt types seen in public clients' `SD-Prompt-Return` headers. */
export const promptTypes = ['CKOBLOCKS', 'USER_PRIVILEGE_OVRCD', 'CIRC_NONCHARGEABLE_OVRCD', 'HOLD_NO_HOLDS_OVRCD'] as const;
export type PromptType = (typeof promptTypes)[number];

export class SirsiPrompt extends Error {
  override readonly name = 'SirsiPrompt';
  constructor(
    readonly promptType: PromptType,
    message: string,
    readonly recommendedAction = 'Override with the override code, or refuse.',
  ) {
    super(message);
  }

  body() {
    return {
      messageList: [{ code: this.promptType, message: this.message }],
      promptRequired: true,
      dataMap: { promptType: this.promptType, recommendedAction: this.recommendedAction, promptRequiresData: true, promptDataType: 'PASSWORD' },
    };
  }
}

const error = (status: number, code: string, message: string) => new SirsiError(status, [{ code, message }]);

export const sirsiErrors = {
  // Documented codes.
  sessionTimedOut: () => error(401, 'sessionTimedOut', 'The session has timed out. Please log in again.'),
  keyParse: (resource: string, key: string) => error(400, 'keyParseError', `Unable to parse the key ${key} of ${resource}.`),
  recordNotFound: (resource: string, key: string) => error(404, 'recordNotFound', `Could not find a(n) ${resource} record with the key ${key}.`),
  // Simulator stand-ins.
  clientIdRequired: () => error(401, 'clientIDRequired', 'The x-sirs-clientID header is required.'),
  clientIdUnknown: (clientId: string) => error(401, 'clientNotAuthorized', `Client ID ${clientId} is not configured for Web Services.`),
  userAgentRequired: () => error(403, 'forbidden', 'Forbidden: requests without a User-Agent are refused.'),
  sessionTokenRequired: () => error(401, 'sessionTokenRequired', 'This resource needs an x-sirs-sessionToken; log in first.'),
  loginFailed: () => error(401, 'unableToLogin', 'Unable to log in: login or password is incorrect.'),
  accessDenied: (what: string) => error(403, 'accessDenied', `Access denied: ${what}.`),
  badRequest: (message: string) => error(400, 'invalidRequest', message),
  fieldRequired: (field: string) => error(400, 'fieldRequired', `The field ${field} is required.`),
  invalidFieldName: (resource: string, field: string) => error(400, 'invalidFieldName', `${field} is not a field of ${resource}.`),
  invalidSearchIndex: (index: string) => error(400, 'invalidSearchIndex', `${index} is not a valid search index.`),
  invalidPolicy: (policy: string, key: string) => error(400, 'invalidPolicyKey', `${key} is not a valid ${policy} policy.`),
  barcodeInUse: (barcode: string) => error(400, 'barcodeAlreadyExists', `Item barcode ${barcode} already exists.`),
  userNotFound: (barcode: string) => error(404, 'userNotFound', `User ${barcode} not found.`),
  itemNotFound: (barcode: string) => error(404, 'itemNotFound', `Item ${barcode} not found.`),
  itemNotCharged: (barcode: string) => error(400, 'itemNotCharged', `Item ${barcode} is not charged.`),
  itemAlreadyCharged: (barcode: string) => error(400, 'itemAlreadyCharged', `Item ${barcode} is already charged.`),
  itemHeldForOther: (barcode: string) => error(400, 'itemHeldForAnotherUser', `Item ${barcode} is on the hold shelf or in transit for another user.`),
  libraryUseOnly: (barcode: string) => error(400, 'itemNonCharge', `Item ${barcode} is for use in the library only.`),
  holdExists: (barcode: string) => error(400, 'userAlreadyHasHold', `User already has a hold on ${barcode}.`),
  holdNotActive: (key: string) => error(400, 'holdNotActive', `Hold ${key} is not active.`),
  noItemToFillHold: () => error(400, 'noHoldableItems', 'There are no holdable items for this title.'),
  renewalRefused: (reason: string) => error(400, 'renewalNotAllowed', `Renewal not allowed: ${reason}.`),
  dueDateInPast: () => error(400, 'invalidDueDate', 'The due date is in the past.'),
  itemInUse: (barcode: string) => error(400, 'itemHasCirculationActivity', `Item ${barcode} is charged or has holds; it cannot be removed.`),
  callHasItems: () => error(400, 'callHasItems', 'The call number still has items.'),
  bibHasCalls: () => error(400, 'titleHasCallNumbers', 'The title still has call numbers.'),
  fieldNotEditable: (field: string) => error(400, 'fieldNotEditable', `${field} cannot be changed through Web Services on this system.`),
  unknownPath: (path: string) => error(404, 'notFound', `No Web Services resource at ${path}.`),
  internal: (message: string) => error(500, 'unexpectedError', message),
};

/** The default rendering of an engine refusal (handlers refine it where they know more). */
export function fromEngineError(error: EngineError): SirsiError {
  const d = (key: string) => String(error.details[key] ?? '');
  switch (error.code) {
    case 'PATRON_NOT_FOUND':
      return sirsiErrors.userNotFound(d('identifier'));
    case 'ITEM_NOT_FOUND':
      return sirsiErrors.itemNotFound(d('barcode') || d('itemId'));
    case 'BARCODE_IN_USE':
      return sirsiErrors.barcodeInUse(d('barcode'));
    case 'LIBRARY_NOT_FOUND':
      return sirsiErrors.invalidPolicy('library', d('library'));
    case 'LOCATION_NOT_FOUND':
      return sirsiErrors.invalidPolicy('location', d('location'));
    case 'ITEM_ALREADY_ON_LOAN':
      return sirsiErrors.itemAlreadyCharged(d('barcode'));
    case 'ITEM_HELD_FOR_ANOTHER_PATRON':
      return sirsiErrors.itemHeldForOther(d('barcode'));
    case 'ITEM_LIBRARY_USE_ONLY':
      return sirsiErrors.libraryUseOnly(d('barcode'));
    case 'HOLD_EXISTS':
      return sirsiErrors.holdExists(d('barcode'));
    case 'HOLD_NOT_FOUND':
      return sirsiErrors.holdNotActive(d('holdId'));
    case 'NO_ITEM_AVAILABLE':
      return sirsiErrors.noItemToFillHold();
    case 'NOT_RENEWABLE':
      return sirsiErrors.renewalRefused(d('reason') || error.message);
    case 'DUE_DATE_IN_PAST':
      return sirsiErrors.dueDateInPast();
    case 'ITEM_HAS_ACTIVITY':
      return sirsiErrors.itemInUse(d('barcode'));
    case 'HOLDING_HAS_ITEMS':
      return sirsiErrors.callHasItems();
    case 'BIB_HAS_INVENTORY':
      return sirsiErrors.bibHasCalls();
    default:
      return sirsiErrors.badRequest(error.message);
  }
}

/**
 * The legacy `/rest/…` calls' fault (SirsiDynix Symphony Web Services SDK 3.x, "Handling faults"):
 * not the ROA `messageList` but a fault with a Java exception `code` and a `string`, with HTTP 500
 * ("typically HTTP 500"). The SDK's REST example is XML:
 * `<Fault xmlns="http://schemas.sirsidynix.com/rest"><code>com.sirsidynix.symws.service.exceptions.SecurityServiceException.unableToLogin</code><string>Unable to log in.</string></Fault>`;
 * asked for JSON the same fault comes as `{"faultResponse": {"code", "string"}}` (the key UVA's
 * ils_connector reads, `response.dig('faultResponse', 'code')` in app/models/sirsi_base.rb).
 * **Stand-ins:** every code but `unableToLogin` (the SDK's example) is the ROA code under the same
 * exception class, and its string the ROA message.
 */
export interface LegacyFault {
  status: 500;
  code: string;
  string: string;
}

const LEGACY_EXCEPTIONS = 'com.sirsidynix.symws.service.exceptions';

export function legacyFault(known: SirsiError): LegacyFault {
  const first = known.messageList[0] ?? { code: 'internalError', message: 'An internal error occurred.' };
  if (first.code === 'unableToLogin') return { status: 500, code: `${LEGACY_EXCEPTIONS}.SecurityServiceException.unableToLogin`, string: 'Unable to log in.' };
  return { status: 500, code: `${LEGACY_EXCEPTIONS}.SecurityServiceException.${first.code}`, string: first.message };
}

const xmlText = (value: string) => value.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');

/** The fault in the representation the caller asked for: JSON (`json=true` or an Accept naming JSON) or the SDK's XML. */
export function renderLegacyFault(fault: LegacyFault, wantsJson: boolean): { body: string; contentType: string } {
  if (wantsJson) return { body: JSON.stringify({ faultResponse: { code: fault.code, string: fault.string } }), contentType: 'application/json;charset=UTF-8' };
  return {
    body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Fault xmlns="http://schemas.sirsidynix.com/rest"><code>${xmlText(fault.code)}</code><string>${xmlText(fault.string)}</string></Fault>`,
    contentType: 'text/xml;charset=UTF-8',
  };
}
