import { z } from 'zod';
import { automationRuleSchema } from './automation.ts';
import { documentedCapabilities, type IlsCapabilities, type IlsKind, ilsKinds } from './ils.ts';
import { closedDayMoves, dueDateRules } from './policies/due-date.ts';

/**
 * Per-library integration settings (SPEC §4). Every field has a safe default, so an empty
 * object is a valid configuration; combinations that cannot work are refused here, at
 * configuration time, with a message that names the setting. Objects are strict: an unknown key
 * (`localLoanDayz`) is a typo that would otherwise silently leave the default in force.
 */

const locationCode = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "-" and "."');

export const pickupLocationSchema = z.strictObject({
  code: locationCode,
  name: z.string().trim().min(1),
  /** the ILS's own code for the pickup library/branch/desk */
  ilsLocationCode: locationCode,
  active: z.boolean().default(true),
});
export type PickupLocation = z.infer<typeof pickupLocationSchema>;

const money = z.number().finite().nonnegative().max(100_000);

export const closedDaysCalendarSchema = z.strictObject({
  /** 0 = Sunday … 6 = Saturday */
  closedWeekdays: z.array(z.number().int().min(0).max(6)).default([]),
  closedDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')).default([]),
});
export type ClosedDaysCalendar = z.infer<typeof closedDaysCalendarSchema>;

/**
 * ILL-side patron notices (seed 004's Tipasa notifications), mailed by the service when it has a
 * mail transport; each kind off unless switched on. `dueSoonDays`: how many days before the
 * patron's (strap) due date "Item about to be due" goes out; absent: never.
 */
export const patronNoticeSettingsSchema = z.strictObject({
  requestConfirmation: z.boolean().default(false),
  cancelled: z.boolean().default(false),
  dueSoonDays: z.number().int().min(0).max(30).optional(),
  overdue: z.boolean().default(false),
  /** the sender's address; default the service's BOOKSTRAP_MAIL_FROM */
  from: z.email().optional(),
  /** how notices sign: "Tulsa Community College Library" */
  libraryName: z.string().trim().min(1).max(200).optional(),
  /** a phone number, address or web page patrons can reach the ILL office at */
  contact: z.string().trim().min(1).max(300).optional(),
});
export type PatronNoticeSettings = z.infer<typeof patronNoticeSettingsSchema>;

/**
 * What the book strap says besides the request's own facts (seed 004: the back of the strap tells
 * the patron to return the item in person; in-library-use-only items carry a flap for patron and
 * staff). Printed as given: plain text, newlines kept, no control characters.
 */
const strapText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(600, 'must be at most 600 characters')
  .refine((text) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text), 'may not contain control characters (newlines are fine)');

export const strapSettingsSchema = z.strictObject({
  returnInPersonText: strapText.default(
    'Please return this item IN PERSON to a library service desk during opening hours. Do not use the book drop, and do not remove this strap: its barcode is how we check the item in.',
  ),
  libraryUseOnlyText: strapText.default(
    'LIBRARY USE ONLY. The lending library asks that this item stay in the library. Patron: use it here and return it to the desk. Staff: do not check it out; record in-house use.',
  ),
});
export type StrapSettings = z.infer<typeof strapSettingsSchema>;

export const borrowingSettingsSchema = z.strictObject({
  createItemOnReceived: z.boolean().default(true),
  /** where the temporary barcode is pre-filled from; the request ID is the recommended default */
  temporaryBarcodeSource: z.enum(['request-id', 'supplier-barcode']).default('request-id'),
  verifyPatronOnRequest: z.boolean().default(true),
  chargePatronOnShipped: z.boolean().default(false),
  illFee: z.strictObject({ amount: money, feeType: z.string().trim().min(1).default('ILL_FEE') }).default({ amount: 0, feeType: 'ILL_FEE' }),
  lostItemCharges: z
    .strictObject({
      replacementCost: money,
      processingFee: money,
      replacementFeeType: z.string().default('LOSTITEMREPLACEMENTFEE'),
      processingFeeType: z.string().default('LOSTITEMPROCESSFEE'),
      /** the lost item came back: take back the charges this request made (seed 004: the office removes them) */
      removeWhenReturned: z.boolean().default(true),
    })
    .default({
      replacementCost: 0,
      processingFee: 0,
      replacementFeeType: 'LOSTITEMREPLACEMENTFEE',
      processingFeeType: 'LOSTITEMPROCESSFEE',
      removeWhenReturned: true,
    }),
  updateDueDateOnRenewal: z.boolean().default(true),
  checkInItemOnReturned: z.boolean().default(true),
  deleteTemporaryItemOnReturn: z.boolean().default(true),
  /** ILL holding location of temporary items, and the shelving location within it */
  illLocation: locationCode.default('ILL'),
  /**
   * Where temporary items are shelved, when not the ILL location itself: the item's one location
   * field over Alma REST, Sierra (REST, also after NCIP AcceptItem) and SirsiDynix Web Services
   * (core `shelfOf`). Over Alma, Symphony, Horizon and Millennium NCIP and on WMS the responder's
   * own configuration shelves AcceptItem items (Alma partner, WMS ILL Settings).
   */
  shelvingLocation: locationCode.optional(),
  /** the ILS item policy of temporary items, and of library-use-only ones (omitted: the ILS default) */
  temporaryItemPolicy: locationCode.optional(),
  libraryUseOnlyItemPolicy: locationCode.optional(),
  /**
   * Who tells the patron the loan is ready: the ILS, when circulation checks the hold in at the
   * pickup location (B5, the default), or Bookstrap's notice queue, `pickupNoticeDelayMinutes`
   * after ILL staff mark the item received (Tipasa's "Loan available for pickup" notification).
   */
  pickupNoticeFrom: z.enum(['ils', 'bookstrap']).default('ils'),
  pickupNoticeDelayMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(0),
  patronNotices: patronNoticeSettingsSchema.default(patronNoticeSettingsSchema.parse({})),
  /** Automated Request Manager rules (automation.ts): the first that matches reviews and sends */
  automation: z.array(automationRuleSchema).max(50).default([]),
  /** the book strap's printed messages */
  strap: strapSettingsSchema.default(strapSettingsSchema.parse({})),
  /** days subtracted from the lender's due date so the item can travel back in time */
  returnShippingOffsetDays: z.number().int().min(0).max(60).default(7),
  /**
   * the local loan rule for ILL items, in days: the due date when the lender gave none, and under
   * `dueDateRule: 'stricter-of-lender-and-local'` a cap on the lender's date
   */
  localLoanDays: z.number().int().min(1).max(365).default(28),
  /** the patron's due date: the strap date (seed 004, default) or the stricter of it and local policy (seed 001) */
  dueDateRule: z.enum(dueDateRules).default('strap'),
  /** a due date on a closed day moves to the previous open day (default) or the next one */
  closedDayMove: z.enum(closedDayMoves).default('earlier'),
  /**
   * What the ILS sync does when it sees the desk give the patron's loan another date than the strap
   * date (the ILS's own loan policy at check-out): put the strap date back and say so (default), or
   * only say so.
   */
  setStrapDateAtCheckOut: z.boolean().default(true),
  /**
   * A renewal done in circulation, not granted by the lender (seed 004: "Never renew an ILL for a
   * patron in WMS Circulation"), is always flagged for ILL staff; with this on, the sync also puts
   * the loan back to the strap date.
   */
  revertCirculationRenewal: z.boolean().default(false),
});
export type BorrowingSettings = z.infer<typeof borrowingSettingsSchema>;

export const lendingSettingsSchema = z.strictObject({
  placeHoldOnRequestedItem: z.boolean().default(false),
  checkOutOnShipped: z.boolean().default(true),
  checkInOnComplete: z.boolean().default(true),
  /** where a lent item sits while it is away; omit to leave its location alone */
  illTemporaryLocation: locationCode.optional(),
  borrowerIdentifiers: z
    .strictObject({
      /** borrowing library's symbol → the ILS patron id of its institutional account */
      map: z.record(z.string().trim().min(1), z.string().trim().min(1)).default({}),
      defaultId: z.string().trim().min(1).optional(),
    })
    .default({ map: {} }),
});
export type LendingSettings = z.infer<typeof lendingSettingsSchema>;

/**
 * Known records in the library's own ILS that the connection check (`POST /v1/libraries/{symbol}/check`)
 * reads: a test patron and a test item. Absent: those checks are skipped, never guessed.
 */
export const preflightSettingsSchema = z.strictObject({
  testPatronId: z.string().trim().min(1).max(100).optional(),
  testItemBarcode: z.string().trim().min(1).max(40).optional(),
});
export type PreflightSettings = z.infer<typeof preflightSettingsSchema>;

/**
 * The ILS sync (see what circulation did first): how often the service reads, through the ILS's own
 * API, the records of this library's live requests. Off: nothing is read.
 */
export const ilsSyncSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  intervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(15),
});
export type IlsSyncSettings = z.infer<typeof ilsSyncSettingsSchema>;

export const integrationSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  ilsSync: ilsSyncSettingsSchema.default(ilsSyncSettingsSchema.parse({})),
  preflight: preflightSettingsSchema.default({}),
  borrowing: borrowingSettingsSchema.default(borrowingSettingsSchema.parse({})),
  lending: lendingSettingsSchema.default(lendingSettingsSchema.parse({})),
  calendar: closedDaysCalendarSchema.default({ closedWeekdays: [], closedDates: [] }),
});
export type IntegrationSettings = z.infer<typeof integrationSettingsSchema>;
export type IntegrationSettingsInput = z.input<typeof integrationSettingsSchema>;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const connectionSchema = z.strictObject({
  ils: z.enum(ilsKinds),
  /** how Bookstrap talks to the ILS: the vendor's REST/Web Services API, or its NCIP responder */
  protocol: z.enum(['rest', 'ncip']),
  baseUrl: httpUrl.optional(),
  ncipUrl: httpUrl.optional(),
  credentials: z
    .strictObject({
      apiKey: z.string().min(1).optional(),
      clientKey: z.string().min(1).optional(),
      clientSecret: z.string().min(1).optional(),
      username: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      clientId: z.string().min(1).optional(),
      /** SirsiDynix: the override code staff type at a prompt (used only for `overridePrompts`) */
      overrideCode: z.string().min(1).optional(),
    })
    .default({}),
  ncip: z
    .strictObject({
      toAgencyId: z.string().min(1),
      fromAgencyId: z.string().min(1).optional(),
      applicationProfileType: z.string().min(1).optional(),
    })
    .optional(),
  /** the circulation desk and library Bookstrap acts at, where the ILS needs one */
  circulationDesk: z.string().min(1).optional(),
  library: z.string().min(1).optional(),
  institutionCode: z.string().min(1).optional(),
  /**
   * SirsiDynix Web Services answer blocks with override prompts (CKOBLOCKS, USER_PRIVILEGE_OVRCD,
   * HOLD_NO_HOLDS_OVRCD, CIRC_NONCHARGEABLE_OVRCD, …). Prompts listed here are answered with
   * `credentials.overrideCode`; any other prompt stops the step as "needs staff". Default: none.
   */
  overridePrompts: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be a prompt type such as CKOBLOCKS')).optional(),
  /**
   * The ILS's governance for this library, when it differs from the vendor's documented limit
   * (Alma: 25 calls/s per institution; a site with a negotiated allowance, a self-hosted ILS
   * that is smaller). `budget` names the allowance: libraries that share one (an institution's
   * campuses on one API key) are paced together; default: derived from the ILS and credentials.
   */
  rateLimit: z
    .strictObject({
      perSecond: z.number().positive().max(100_000).optional(),
      budget: z.string().trim().min(1).max(200).optional(),
    })
    .optional(),
});
export type Connection = z.infer<typeof connectionSchema>;

export interface SettingsProblem {
  path: string;
  message: string;
}

/** The rules that need more than one field, or the ILS's capabilities, to check. */
export function crossCheckSettings(
  ils: IlsKind,
  settings: IntegrationSettings,
  connection?: Connection,
  capabilities: IlsCapabilities = documentedCapabilities[ils],
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const { borrowing, lending } = settings;
  if (borrowing.chargePatronOnShipped && !capabilities.feesOnShipped) {
    problems.push({ path: 'borrowing.chargePatronOnShipped', message: `charge patron on shipped is not available for ${ils} (only Alma and WMS)` });
  }
  if (borrowing.chargePatronOnShipped && borrowing.illFee.amount <= 0) {
    problems.push({ path: 'borrowing.illFee.amount', message: 'charge patron on shipped needs an ILL fee amount greater than 0' });
  }
  if (lending.placeHoldOnRequestedItem && !capabilities.lendingHold) {
    problems.push({
      path: 'lending.placeHoldOnRequestedItem',
      message: `place hold on requested item is not available for ${ils} (only Horizon and Symphony)`,
    });
  }
  if (borrowing.deleteTemporaryItemOnReturn && !borrowing.checkInItemOnReturned) {
    problems.push({
      path: 'borrowing.deleteTemporaryItemOnReturn',
      message: 'deleting the temporary item on return needs check in item on returned: a loaned item cannot be deleted',
    });
  }
  // An ILS that keeps temporary items (WMS) is not an error: the plan skips the delete and
  // the history says the item was kept, as WMS documents.
  if (lending.illTemporaryLocation && !capabilities.temporaryLocation) {
    problems.push({ path: 'lending.illTemporaryLocation', message: `${ils} cannot move items to a temporary location` });
  }
  if (ils === 'sierra' && lending.checkOutOnShipped && !lending.borrowerIdentifiers.defaultId) {
    // Tipasa: Sierra needs a barcode on the ILL institution account and that barcode as the default.
    problems.push({
      path: 'lending.borrowerIdentifiers.defaultId',
      message: 'Sierra requires a default borrower identifier, and it must be the barcode of the ILL institution account',
    });
  }
  if (ils === 'sierra') {
    const ids = [...Object.values(lending.borrowerIdentifiers.map), lending.borrowerIdentifiers.defaultId].filter((v): v is string => !!v);
    for (const id of ids) {
      if (!/^[A-Za-z0-9]{4,20}$/.test(id) || /^\.?[pP]\d/.test(id)) {
        problems.push({
          path: 'lending.borrowerIdentifiers',
          message: `Sierra borrower identifier "${id}" must be a patron barcode (letters and digits), not a record number`,
        });
      }
    }
  }
  if (connection) problems.push(...checkConnection(connection));
  return problems;
}

function checkConnection(connection: Connection): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const c = connection.credentials;
  if (connection.protocol === 'ncip') {
    if (!connection.ncipUrl) problems.push({ path: 'connection.ncipUrl', message: 'NCIP needs the ILS NCIP responder URL' });
    if (!connection.ncip?.toAgencyId) problems.push({ path: 'connection.ncip.toAgencyId', message: 'NCIP needs the To Agency ID' });
    if (connection.ils === 'alma' && connection.ncipUrl && !connection.ncipUrl.endsWith('/view/NCIPServlet')) {
      problems.push({ path: 'connection.ncipUrl', message: 'the Alma NCIP server address must end in /view/NCIPServlet' });
    }
    if (connection.ils === 'alma' && !connection.ncip?.applicationProfileType) {
      problems.push({
        path: 'connection.ncip.applicationProfileType',
        message: 'Alma NCIP needs the resource-sharing partner code as application profile type',
      });
    }
  }
  const needsRest = connection.protocol === 'rest' || connection.ils === 'alma' || connection.ils === 'wms';
  if (needsRest && connection.protocol === 'rest' && !connection.baseUrl) {
    problems.push({ path: 'connection.baseUrl', message: `${connection.ils} REST needs the API base URL` });
  }
  const need = (ok: boolean, path: string, message: string) => {
    if (!ok) problems.push({ path, message });
  };
  switch (connection.ils) {
    case 'alma':
      need(!!c.apiKey, 'connection.credentials.apiKey', 'Alma needs an API key');
      break;
    case 'sierra':
      if (connection.protocol === 'rest') {
        need(!!c.clientKey && !!c.clientSecret, 'connection.credentials', 'Sierra REST needs clientKey and clientSecret');
      }
      break;
    case 'wms':
      need(!!c.clientKey && !!c.clientSecret, 'connection.credentials', 'WMS needs a WSKey (clientKey) and secret');
      break;
    case 'symphony':
    case 'horizon':
      if (connection.protocol === 'rest') {
        need(!!c.clientId, 'connection.credentials.clientId', `${connection.ils} Web Services need an x-sirs-clientID`);
        need(!!c.username && !!c.password, 'connection.credentials', `${connection.ils} Web Services need a staff login and password`);
      }
      break;
    case 'millennium':
      need(connection.protocol === 'ncip', 'connection.protocol', 'Millennium has no circulation REST API: use NCIP');
      break;
  }
  return problems;
}

/** Parses and cross-checks in one go; the error lists every problem found. */
export function parseIntegrationSettings(
  ils: IlsKind,
  input: unknown,
  capabilities?: IlsCapabilities,
): { ok: true; settings: IntegrationSettings } | { ok: false; problems: SettingsProblem[] } {
  const parsed = integrationSettingsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: `unknown field "${key}"` }))
          : [{ path: issue.path.join('.'), message: issue.message }],
      ),
    };
  }
  const problems = crossCheckSettings(ils, parsed.data, undefined, capabilities);
  return problems.length ? { ok: false, problems } : { ok: true, settings: parsed.data };
}

export const defaultIntegrationSettings: IntegrationSettings = integrationSettingsSchema.parse({});
