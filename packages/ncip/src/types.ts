/** NCIP messages as plain objects, the same for NCIP 1.0 and 2.02; the profile picks the wire form. */

export type NcipVersion = '1.0' | '2.02';

export const NCIP_SERVICES = [
  'LookupUser',
  'LookupItem',
  'AcceptItem',
  'CheckOutItem',
  'CheckInItem',
  'RenewItem',
  'RequestItem',
  'CancelRequestItem',
  'DeleteItem',
  'CreateUserFiscalTransaction',
] as const;
export type NcipService = (typeof NCIP_SERVICES)[number];

export function isNcipService(name: string): name is NcipService {
  return (NCIP_SERVICES as readonly string[]).includes(name);
}

/** An xs:dateTime string such as 2025-03-01T23:59:59Z, or a Date (written in UTC). */
export type NcipDateTime = string | Date;

export interface InitiationHeader {
  fromAgencyId: string;
  toAgencyId: string;
  fromSystemId?: string;
  toSystemId?: string;
  /** Shared secret some responders want (NCSU Symphony); mask it in protocol logs. */
  fromAgencyAuthentication?: string;
  /** Alma: the resource-sharing partner code; WMS: "2.00". Defaults to the profile's. */
  applicationProfileType?: string;
}

export interface ResponseHeader {
  fromAgencyId: string;
  toAgencyId: string;
  fromSystemId?: string;
  toSystemId?: string;
}

export interface AuthenticationInput {
  data: string;
  /** "Barcode Id", "PIN", "username", … */
  inputType: string;
  /** MIME type of the data, "text/plain" when not given. */
  formatType?: string;
}

export interface Amount {
  /** ISO 4217 code; the profile's currency when not given. */
  currencyCode?: string;
  /** Integer in the currency's minor unit (NCIP MonetaryValue is xs:integer): 1250 = 12.50 USD. */
  monetaryValue: number;
}

export interface FiscalTransaction {
  /** "Assess", "charge-default-patron-fee", … */
  actionType: string;
  /** "Service Charge", "ILL-fee", "Lost Item Replacement Charge", … */
  transactionType: string;
  amount?: Amount;
  description?: string;
  /** Reference the responder assigned (FiscalTransactionReferenceId), when echoed back. */
  referenceId?: string;
  requestId?: string;
  itemId?: string;
}

export interface BibliographicDescription {
  title?: string;
  author?: string;
  isbn?: string;
  issn?: string;
  /** Any other BibliographicItemId (code e.g. "OCLC", "LCCN"); ignored when isbn/issn is set. */
  bibliographicItemId?: { identifier: string; code?: string };
  publisher?: string;
  placeOfPublication?: string;
  publicationDate?: string;
  edition?: string;
  mediumType?: string;
}

/** RequestItem's BibliographicId: a catalogue record id with the code of its numbering system. */
export interface BibliographicRecordId {
  identifier: string;
  /** BibliographicRecordIdentifierCode; when absent the record id is qualified by the ILS's agency. */
  code?: string;
}

export interface LocationName {
  level: number;
  value: string;
}

export interface ItemLocation {
  /** "Permanent", "Temporary", "Current", "Item", … */
  type: string;
  /** The LocationType's Scheme, where a profile names one (OCLC: NCIP 1's locationtype.scm). */
  typeScheme?: string;
  names: LocationName[];
}

export interface ItemOptionalFields {
  bibliographicDescription?: BibliographicDescription;
  itemUseRestrictions?: string[];
  circulationStatus?: string;
  holdQueueLength?: number;
  callNumber?: string;
  copyNumber?: string;
  locations?: ItemLocation[];
  dateDue?: string;
}

export interface PersonName {
  prefix?: string;
  givenName?: string;
  initials?: string;
  surname?: string;
  suffix?: string;
  /** UnstructuredPersonalUserName, e.g. "Doe, Jane" or "Jane Doe". */
  unstructured?: string;
}

export interface StructuredAddress {
  line1?: string;
  line2?: string;
  street?: string;
  locality?: string;
  region?: string;
  country?: string;
  postalCode?: string;
}

export type UserAddress = {
  /** UserAddressRoleType: "Home", "Primary Address", "Multi-Purpose", … */
  role: string;
  validFrom?: string;
  validTo?: string;
} & (
  | { electronic: { type: string; data: string }; physical?: never }
  | {
      physical: { type: string; structured?: StructuredAddress; unstructured?: { type: string; data: string } };
      electronic?: never;
    }
);

export interface UserPrivilege {
  agencyId?: string;
  /** AgencyUserPrivilegeType: "STATUS", "PROFILE", "LIBRARY", or a patron type name. */
  type: string;
  validFrom?: string;
  validTo?: string;
  /** UserPrivilegeStatusType: "OK", "BLOCKED", "ACTIVE", … */
  status?: string;
  description?: string;
}

export interface BlockOrTrap {
  agencyId?: string;
  /** "Block Check Out", "Block Request Item", … or the ILS's own text. */
  type: string;
  validFrom?: string;
  validTo?: string;
}

export interface UserIdentifier {
  value: string;
  type?: string;
  agencyId?: string;
}

export interface UserOptionalFields {
  name?: PersonName;
  addresses?: UserAddress[];
  dateOfBirth?: string;
  privileges?: UserPrivilege[];
  blocks?: BlockOrTrap[];
  /** Other identifiers of the user (v2 UserId, v1 VisibleUserId). */
  userIds?: UserIdentifier[];
}

interface RequestBase {
  header: InitiationHeader;
}

export interface LookupUserRequest extends RequestBase {
  service: 'LookupUser';
  userId?: string;
  userIdentifierType?: string;
  authentication?: AuthenticationInput[];
  /** "Name Information", "User Address Information", "User Privilege", "Block Or Trap", "User Id". */
  userElementTypes?: string[];
  /** LoanedItemsDesired / RequestedItemsDesired: list the user's loans and requests too. */
  loanedItemsDesired?: boolean;
  requestedItemsDesired?: boolean;
}

export interface LookupItemRequest extends RequestBase {
  service: 'LookupItem';
  itemId?: string;
  itemIdentifierType?: string;
  requestId?: string;
  /** "Bibliographic Description", "Circulation Status", "Location", "Item Description", … */
  itemElementTypes?: string[];
  /** CurrentBorrowerDesired / CurrentRequestersDesired: who has the item, who waits for it. */
  currentBorrowerDesired?: boolean;
  currentRequestersDesired?: boolean;
}

export interface AcceptItemRequest extends RequestBase {
  service: 'AcceptItem';
  /** The ILL request id; the ILS keeps it on the hold and the temporary item. */
  requestId: string;
  requestIdentifierType?: string;
  /** Defaults to the profile's acceptItemRequestedAction. */
  requestedActionType?: string;
  userId?: string;
  userIdentifierType?: string;
  /** The temporary item's barcode. */
  itemId?: string;
  itemIdentifierType?: string;
  dateForReturn?: NcipDateTime;
  fiscalTransaction?: FiscalTransaction;
  bibliographicDescription?: BibliographicDescription;
  callNumber?: string;
  /** ItemUseRestrictionType values, e.g. "In Library Use Only" for a temporary item patrons may not take home. */
  itemUseRestrictions?: string[];
  pickupLocation?: string;
  pickupExpiryDate?: NcipDateTime;
  /**
   * Free text for the temporary item (request id, lending library), sent as Ext/ItemNote as Ex
   * Libris does; NCIP 2 only (NCIP 1 has no such element, the note is dropped).
   */
  itemNote?: string;
}

export interface CheckOutItemRequest extends RequestBase {
  service: 'CheckOutItem';
  userId?: string;
  userIdentifierType?: string;
  authentication?: AuthenticationInput[];
  itemId: string;
  itemIdentifierType?: string;
  requestId?: string;
  requestIdentifierType?: string;
  desiredDateDue?: NcipDateTime;
}

export interface CheckInItemRequest extends RequestBase {
  service: 'CheckInItem';
  itemId: string;
  itemIdentifierType?: string;
  itemElementTypes?: string[];
}

export interface RenewItemRequest extends RequestBase {
  service: 'RenewItem';
  userId?: string;
  userIdentifierType?: string;
  authentication?: AuthenticationInput[];
  itemId: string;
  itemIdentifierType?: string;
  desiredDateDue?: NcipDateTime;
}

export interface RequestItemRequest extends RequestBase {
  service: 'RequestItem';
  userId?: string;
  userIdentifierType?: string;
  authentication?: AuthenticationInput[];
  /** Item-level request; with bibliographicId both are sent. */
  itemId?: string;
  itemIdentifierType?: string;
  bibliographicId?: BibliographicRecordId;
  requestId?: string;
  requestIdentifierType?: string;
  /** Defaults to the profile's requestItem.requestType. */
  requestType?: string;
  /** Defaults to the profile's requestItem.requestScope. */
  requestScopeType?: string;
  /** Item location hints some requesters send (FOLIO's titleLocation). */
  itemLocations?: ItemLocation[];
  needBeforeDate?: NcipDateTime;
  earliestDateNeeded?: NcipDateTime;
  pickupLocation?: string;
  pickupExpiryDate?: NcipDateTime;
}

export interface CancelRequestItemRequest extends RequestBase {
  service: 'CancelRequestItem';
  userId?: string;
  userIdentifierType?: string;
  authentication?: AuthenticationInput[];
  requestId?: string;
  requestIdentifierType?: string;
  itemId?: string;
  itemIdentifierType?: string;
  /** Defaults to the profile's requestItem.requestType. */
  requestType?: string;
  requestScopeType?: string;
}

export interface DeleteItemRequest extends RequestBase {
  service: 'DeleteItem';
  itemId: string;
  itemIdentifierType?: string;
}

export interface CreateUserFiscalTransactionRequest extends RequestBase {
  service: 'CreateUserFiscalTransaction';
  userId?: string;
  userIdentifierType?: string;
  authentication?: AuthenticationInput[];
  fiscalTransaction: FiscalTransaction;
}

export type NcipRequest =
  | LookupUserRequest
  | LookupItemRequest
  | AcceptItemRequest
  | CheckOutItemRequest
  | CheckInItemRequest
  | RenewItemRequest
  | RequestItemRequest
  | CancelRequestItemRequest
  | DeleteItemRequest
  | CreateUserFiscalTransactionRequest;

/** A Problem element as it travels (NCIP 1 ProcessingError/MessagingError is mapped onto it). */
export interface NcipProblem {
  type: string;
  scheme?: string;
  detail?: string;
  element?: string;
  value?: string;
}

interface ResponseBase {
  header?: ResponseHeader;
}

/** A LookupUserResponse LoanedItem: an item the user has on loan. */
export interface LoanedItem {
  itemId: string;
  /** absent: IndeterminateLoanPeriodFlag */
  dateDue?: string;
  title?: string;
}

/** A LookupUserResponse RequestedItem: a request (hold) the user has placed. */
export interface RequestedItem {
  itemId?: string;
  requestId?: string;
  requestType: string;
  /** "In Process", "Available For Pickup", … */
  requestStatusType: string;
  datePlaced: string;
  pickupDate?: string;
  pickupLocation?: string;
  pickupExpiryDate?: string;
  holdQueuePosition?: number;
  title?: string;
}

/** LookupItemResponse ItemTransaction: the current borrower and the users waiting, by UserId. */
export interface ItemTransaction {
  currentBorrower?: string;
  currentRequesters?: string[];
}

export interface LookupUserResponse extends ResponseBase {
  service: 'LookupUser';
  userId: string;
  userIdentifierType?: string;
  loanedItems?: LoanedItem[];
  requestedItems?: RequestedItem[];
  user: UserOptionalFields;
}

export interface LookupItemResponse extends ResponseBase {
  service: 'LookupItem';
  itemId?: string;
  requestId?: string;
  holdPickupDate?: string;
  dateRecalled?: string;
  itemTransaction?: ItemTransaction;
  item: ItemOptionalFields;
}

export interface AcceptItemResponse extends ResponseBase {
  service: 'AcceptItem';
  requestId: string;
  itemId?: string;
}

export interface CheckOutItemResponse extends ResponseBase {
  service: 'CheckOutItem';
  itemId: string;
  userId: string;
  /** Absent when the loan has no fixed period (IndeterminateLoanPeriodFlag) or is non-returnable. */
  dateDue?: string;
  nonReturnable?: boolean;
  renewalCount?: number;
  fiscalTransaction?: FiscalTransaction;
  item?: ItemOptionalFields;
  user?: UserOptionalFields;
}

export interface RoutingInformation {
  instructions: string;
  binNumber?: string;
  destination?: ItemLocation;
  /** The user the item is routed for (a request waiting), as OCLC's WMS answers it. */
  userId?: string;
}

export interface CheckInItemResponse extends ResponseBase {
  service: 'CheckInItem';
  itemId: string;
  /** Agency of ItemId (OCLC: the institution the item belongs to); NCIP 2 leaves it out otherwise. */
  itemAgencyId?: string;
  userId?: string;
  /** Agency of UserId (OCLC: the institution the item was checked out to). */
  userAgencyId?: string;
  routing?: RoutingInformation;
  fiscalTransaction?: FiscalTransaction;
  item?: ItemOptionalFields;
  user?: UserOptionalFields;
}

export interface RenewItemResponse extends ResponseBase {
  service: 'RenewItem';
  /** Present when the ILS has not decided yet (Pending); then no item id is returned. */
  pending?: { dateOfExpectedReply?: string };
  itemId?: string;
  userId?: string;
  dateDue?: string;
  dateForReturn?: string;
  renewalCount?: number;
  item?: ItemOptionalFields;
  user?: UserOptionalFields;
}

export interface RequestItemResponse extends ResponseBase {
  service: 'RequestItem';
  requestId?: string;
  itemId?: string;
  userId?: string;
  requestType?: string;
  requestScopeType?: string;
  dateAvailable?: string;
  holdPickupDate?: string;
  item?: ItemOptionalFields;
  user?: UserOptionalFields;
}

export interface CancelRequestItemResponse extends ResponseBase {
  service: 'CancelRequestItem';
  requestId?: string;
  itemId?: string;
  userId?: string;
  item?: ItemOptionalFields;
}

export interface DeleteItemResponse extends ResponseBase {
  service: 'DeleteItem';
  itemId: string;
}

export interface CreateUserFiscalTransactionResponse extends ResponseBase {
  service: 'CreateUserFiscalTransaction';
  userId: string;
  fiscalTransactionReferenceId: string;
  /** Agency that assigned the reference; the response header's from-agency when not given. */
  fiscalTransactionAgencyId?: string;
}

export type NcipSuccessResponse =
  | LookupUserResponse
  | LookupItemResponse
  | AcceptItemResponse
  | CheckOutItemResponse
  | CheckInItemResponse
  | RenewItemResponse
  | RequestItemResponse
  | CancelRequestItemResponse
  | DeleteItemResponse
  | CreateUserFiscalTransactionResponse;

/** A response carrying Problems; without a service it is a bare NCIPMessage/Problem. */
export interface NcipProblemResponse extends ResponseBase {
  service?: NcipService;
  problems: NcipProblem[];
}

export type NcipResponse = NcipSuccessResponse | NcipProblemResponse;

export function isProblemResponse(r: NcipResponse): r is NcipProblemResponse {
  return 'problems' in r;
}

/** Thrown by the builders when a message could not be made schema-valid; a programming error. */
export class NcipBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NcipBuildError';
  }
}
