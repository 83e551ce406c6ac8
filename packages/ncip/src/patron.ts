/** What Bookstrap needs to know about a patron, whichever way the ILS described them. */
import type { LookupUserResponse, PersonName, UserPrivilege } from './types.ts';

export interface PatronSummary {
  /** The identifier the ILS returned for the patron (NCIP UserId; WMS: the SCIM user id). */
  id: string;
  /** WMS: the IDM namespace of the user (SCIM persona `oclcNamespace`); with `id`, the principal an OCLC token can be obtained for. */
  principalNamespace?: string;
  barcode?: string;
  /** WMS: the SCIM externalId patron lookups search on. */
  externalId?: string;
  givenName?: string;
  surname?: string;
  displayName: string;
  blocked: boolean;
  blockReasons: string[];
  expiryDate?: string;
  /** Expiry date before `now`; undefined when the ILS sent no expiry. */
  expired?: boolean;
  email?: string;
  /** Patron type / borrower category / Symphony profile. */
  profile?: string;
  homeLibrary?: string;
}

/** "Doe, Jane" → Jane / Doe; "John Freaking Doe" → John Freaking / Doe; "Prince" → surname only. */
export function splitUnstructuredName(name: string): { givenName?: string; surname?: string } {
  const trimmed = name.trim();
  if (trimmed === '') return {};
  const comma = trimmed.indexOf(',');
  if (comma >= 0) {
    const surname = trimmed.slice(0, comma).trim();
    const given = trimmed.slice(comma + 1).trim();
    return given ? { givenName: given, surname } : { surname };
  }
  const words = trimmed.split(/\s+/);
  const surname = words.pop() as string;
  return words.length > 0 ? { givenName: words.join(' '), surname } : { surname };
}

/** Structured names win over unstructured ones (Symphony sends both and they can disagree). */
export function resolveName(name: PersonName | undefined): { givenName?: string; surname?: string; displayName: string } {
  if (name?.surname !== undefined || name?.givenName !== undefined) {
    const out: { givenName?: string; surname?: string; displayName: string } = {
      displayName: [name.givenName, name.surname].filter(Boolean).join(' '),
    };
    if (name.givenName !== undefined) out.givenName = name.givenName;
    if (name.surname !== undefined) out.surname = name.surname;
    return out;
  }
  const split = splitUnstructuredName(name?.unstructured ?? '');
  return { ...split, displayName: [split.givenName, split.surname].filter(Boolean).join(' ') };
}

// Values seen in UserPrivilegeStatusType for a STATUS privilege that stop circulation.
const BLOCKING_STATUS = /^(blocked|barred)$/i;
const ACTIVE_STATUS = /^(active|ok)$/i;

const isStatus = (p: UserPrivilege) => p.type.toUpperCase() === 'STATUS';

function laterDate(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * Reads the conventions ILSs use inside LookupUserResponse: a STATUS privilege for blocks (plus
 * any BlockOrTrap), PROFILE and LIBRARY privileges, and the privilege ValidToDate as expiry.
 */
export function summarisePatron(response: LookupUserResponse, now: Date = new Date()): PatronSummary {
  const u = response.user;
  const privileges = u.privileges ?? [];
  const name = resolveName(u.name);
  const status = privileges.find(isStatus);
  const blockReasons = [
    ...(u.blocks ?? []).map((b) => b.type),
    ...privileges.filter((p) => isStatus(p) && BLOCKING_STATUS.test(p.status ?? '')).map((p) => `Status ${p.status}`),
  ];
  const expiryDate = status?.validTo ?? privileges.reduce<string | undefined>((acc, p) => laterDate(acc, p.validTo), undefined);
  const byType = (t: string) => privileges.find((p) => p.type.toUpperCase() === t)?.status;
  const profile = byType('PROFILE') ?? privileges.find((p) => !isStatus(p) && ACTIVE_STATUS.test(p.status ?? ''))?.type;
  const email = (u.addresses ?? []).find((a) => a.electronic && /mailto|e-?mail/i.test(a.electronic.type))?.electronic?.data;
  const barcode = (u.userIds ?? []).find((i) => /barcode/i.test(i.type ?? ''))?.value ?? response.userId;
  const summary: PatronSummary = {
    id: response.userId,
    barcode,
    ...name,
    blocked: blockReasons.length > 0,
    blockReasons,
  };
  if (expiryDate !== undefined) {
    summary.expiryDate = expiryDate;
    summary.expired = Date.parse(expiryDate) < now.getTime();
  }
  if (email) summary.email = email;
  if (profile) summary.profile = profile;
  const library = byType('LIBRARY');
  if (library) summary.homeLibrary = library;
  return summary;
}
