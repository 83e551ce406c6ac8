import type { NcipProblem, NcipService } from './types.ts';

/** Same union as the core's OutcomeKind; declared here so ncip does not depend on the core. */
export type NcipOutcomeKind = 'done' | 'already-done' | 'retryable' | 'needs-staff' | 'configuration-error';

/** A Problem read for people and for the workflow: what kind of failure, and a sentence for the history. */
export interface ClassifiedProblem {
  kind: NcipOutcomeKind;
  problemType: string;
  detail: string | undefined;
  element: string | undefined;
  value: string | undefined;
  /** A sentence for the circulation history. */
  message: string;
  /** Which row of PROBLEM_RULES matched; undefined for unrecognised problems. */
  rule: string | undefined;
}

const SCHEME_ROOT = 'http://www.niso.org/ncip/v1_0/schemes';
export const MESSAGING_ERROR_SCHEME = `${SCHEME_ROOT}/messagingerrortype/messagingerrortype.scm`;
export const GENERAL_PROCESSING_ERROR_SCHEME = `${SCHEME_ROOT}/processingerrortype/generalprocessingerror.scm`;

const MESSAGING_ERRORS = new Set(
  [
    'Invalid Message Syntax Error',
    'Protocol Error',
    'Unknown Element',
    'Unknown Scheme',
    'Unknown Value From Known Scheme',
    'Unknown Version',
    'Missing Version',
    'Unknown Service',
  ].map((t) => t.toLowerCase()),
);
const GENERAL_ERRORS = new Set(
  [
    'Agency Authentication Failed',
    'Invalid Amount',
    'Invalid Date',
    'Needed Data Missing',
    'System Authentication Failed',
    'Temporary Processing Failure',
    'Unauthorized Combination Of Element Values For Agency',
    'Unauthorized Combination Of Element Values For System',
    'Unauthorized Service For Agency',
    'Unauthorized Service For System',
    'Unknown Agency',
    'Unknown System',
    'Unsupported Service',
  ].map((t) => t.toLowerCase()),
);

/** The NISO scheme a Problem type belongs to (e.g. …/checkinitemprocessingerror.scm). */
export function problemScheme(type: string, service?: NcipService): string {
  const t = type.toLowerCase();
  if (MESSAGING_ERRORS.has(t)) return MESSAGING_ERROR_SCHEME;
  if (GENERAL_ERRORS.has(t) || service === undefined) return GENERAL_PROCESSING_ERROR_SCHEME;
  return `${SCHEME_ROOT}/processingerrortype/${service.toLowerCase()}processingerror.scm`;
}

interface Ctx {
  service: NcipService | undefined;
  p: NcipProblem;
}

export interface ProblemRule {
  id: string;
  /** Matched against the problem type, and against the detail when `inDetail`. Case-insensitive. */
  match: RegExp;
  inDetail?: boolean;
  /** Only for these services; any service when absent. */
  services?: NcipService[];
  kind: NcipOutcomeKind;
  say: (c: Ctx) => string;
}

const about = (c: Ctx, noun: string) => (c.p.value ? `${noun} ${c.p.value}` : `the ${noun}`);

/**
 * Problem type (NISO Appendix A and vendor strings) → outcome. First match wins, so
 * service-specific rows come before the general ones. Tested row by row in problems.test.ts.
 */
export const PROBLEM_RULES: readonly ProblemRule[] = [
  // The thing is already in the state we wanted: retries and desk check-ins before ours.
  {
    id: 'checkin-not-on-loan',
    match: /^(item not checked out|not on loan|9022)$/i,
    services: ['CheckInItem'],
    kind: 'already-done',
    say: () => 'Item was already checked in at the ILS; nothing to do.',
  },
  {
    id: 'checkin-unknown-item',
    match: /^unknown item$/i,
    services: ['CheckInItem'],
    kind: 'already-done',
    say: (c) => `The ILS no longer has ${about(c, 'item')}; treated as already checked in.`,
  },
  {
    id: 'delete-unknown-item',
    match: /^unknown item$/i,
    services: ['DeleteItem'],
    kind: 'already-done',
    say: (c) => `The ILS no longer has ${about(c, 'item')}; nothing to delete.`,
  },
  {
    id: 'cancel-unknown-request',
    match: /^unknown request$/i,
    services: ['CancelRequestItem'],
    kind: 'already-done',
    say: () => 'The ILS no longer has the hold; nothing to cancel.',
  },
  {
    id: 'duplicate-request',
    match: /^(duplicate request|request already processed)$/i,
    services: ['RequestItem', 'AcceptItem'],
    kind: 'already-done',
    say: () => 'The ILS already has this request (an earlier attempt went through).',
  },
  // Barcode collisions: never overwrite, staff pick another barcode.
  {
    id: 'duplicate-item',
    match: /^(duplicate item|non-unique item)$/i,
    kind: 'needs-staff',
    say: (c) =>
      `The barcode${c.p.value ? ` ${c.p.value}` : ''} is already in use in the ILS; choose another temporary barcode (e.g. the request ID with a suffix).`,
  },
  {
    id: 'barcode-in-use',
    match: /barcode.*(already|in use|exists)|duplicateitembarcode/i,
    inDetail: true,
    kind: 'needs-staff',
    say: () => 'The barcode is already in use in the ILS; choose another temporary barcode.',
  },
  // Patron and item data only people can sort out.
  {
    id: 'unknown-user',
    match: /^(unknown user|non-unique user|user not found)$/i,
    kind: 'needs-staff',
    say: (c) => `The ILS does not recognise ${about(c, 'patron')}; check the patron ID.`,
  },
  {
    id: 'user-blocked',
    match: /^(user blocked|userblocked)$/i,
    kind: 'needs-staff',
    say: (c) => `${c.p.value ? `Patron ${c.p.value} is` : 'The patron is'} blocked in the ILS.`,
  },
  {
    id: 'user-ineligible',
    match: /^user ineligible to (check out|renew|request) this item$/i,
    kind: 'needs-staff',
    say: (c) =>
      `The patron is not allowed to ${/renew/i.test(c.p.type) ? 'renew' : /request/i.test(c.p.type) ? 'request' : 'check out'} this item under the ILS's rules.`,
  },
  {
    id: 'unknown-item',
    match: /^unknown item$/i,
    kind: 'needs-staff',
    say: (c) => `The ILS does not recognise ${about(c, 'item')}; check the barcode.`,
  },
  {
    id: 'item-unavailable',
    match:
      /^(item not available by need before date|item does not circulate|cannot accept item|item access denied|user access denied|resource cannot be provided|element rule violated|item not checked out to this user|item not checked out|not on loan)$/i,
    kind: 'needs-staff',
    say: (c) => `The ILS refused: ${c.p.type}.`,
  },
  {
    id: 'loan-limits',
    match: /^(item not renewable|maximum renewals exceeded|maximum check outs exceeded|renewal not allowed - item has outstanding requests)$/i,
    kind: 'needs-staff',
    say: (c) => `The ILS's loan rules stop this: ${c.p.type}.`,
  },
  {
    id: 'folio-problem-performing',
    match: /^problem performing /i,
    kind: 'needs-staff',
    say: (c) => `The ILS could not complete the action (${c.p.type}).`,
  },
  // Our side is set up wrongly: nothing changes until someone fixes the settings.
  {
    id: 'unknown-agency',
    match: /^(unknown agency|unknown partner|unknown system)$/i,
    kind: 'configuration-error',
    say: (c) =>
      `The ILS does not know Bookstrap's NCIP agency${c.p.value ? ` "${c.p.value}"` : ''}; check the agency IDs (Alma: the resource-sharing partner code).`,
  },
  {
    id: 'authentication-failed',
    match:
      /^(user authentication failed|agency authentication failed|system authentication failed|unauthorized service for (agency|system)|unauthorized combination of element values for (agency|system))$/i,
    kind: 'configuration-error',
    say: (c) => `The ILS rejected Bookstrap's credentials (${c.p.type}); check the NCIP authentication settings (Alma: partner "Require Authentication").`,
  },
  {
    id: 'unsupported-service',
    match: /^(unsupported service|unknown service|service is not known)$/i,
    kind: 'configuration-error',
    say: () => 'The ILS does not offer this NCIP service; turn this step off or use another integration.',
  },
  {
    id: 'message-rejected',
    match:
      /^(invalid message syntax error|unknown application profile|unknown element|unknown scheme|unknown value from known scheme|protocol error|unknown version|missing version|needed data missing|invalid date|invalid amount)$/i,
    kind: 'configuration-error',
    say: (c) => `The ILS rejected the NCIP message (${c.p.type}${c.p.element ? ` in ${c.p.element}` : ''}); check the NCIP profile and settings.`,
  },
  // Worth trying again unchanged.
  {
    id: 'temporary-failure',
    match: /^(temporary processing failure|system unavailable|timeout)$/i,
    kind: 'retryable',
    say: () => 'The ILS had a temporary failure; the step will be retried.',
  },
];

/** Adds the ILS's own words, which staff can search for in vendor documentation. */
function withDetail(sentence: string, p: NcipProblem): string {
  if (p.detail && !sentence.includes(p.detail)) return `${sentence} ILS said: "${p.detail}"`;
  if (p.value && !sentence.includes(p.value)) return `${sentence} (${p.element ? `${p.element} ` : ''}"${p.value}")`;
  return sentence;
}

/** Classifies one Problem for the given service. Unknown problem types need a person to look. */
/**
 * Innovative's NCIP Responder (Sierra, Millennium) writes numeric ProblemTypes with the words in
 * ProblemDetail, as NYPL's checkin-request-service captures them (tests/Stubs/checkinItem404Response.xml:
 * 9016 "Unknown Item"; checkinItem208Response.xml: 9022 "Item is Not Checked Out"; its NCIPClient maps
 * 9022 → already checked in, 9016 → not found). mod-rs also counts 9022 as checked in.
 */
export const INNOVATIVE_PROBLEM_CODES: Readonly<Record<string, string>> = { '9016': 'Unknown Item', '9022': 'Item Not Checked Out' };

/** A ProblemType in NISO's words: vendor codes (Innovative's 9016, 9022) become the words they stand for. */
export function normalisedProblemType(type: string): string {
  const trimmed = type.trim();
  return INNOVATIVE_PROBLEM_CODES[trimmed] ?? trimmed;
}

export function classifyProblem(problem: NcipProblem, service?: NcipService): ClassifiedProblem {
  const c: Ctx = { service, p: problem };
  const type = normalisedProblemType(problem.type);
  const rule = PROBLEM_RULES.find(
    (r) =>
      (!r.services || (service !== undefined && r.services.includes(service))) &&
      (r.match.test(type) || (r.inDetail === true && problem.detail !== undefined && r.match.test(problem.detail))),
  );
  const base = rule ? rule.say(c) : `The ILS reported a problem: ${type || 'unspecified'}.`;
  return {
    kind: rule ? rule.kind : 'needs-staff',
    problemType: problem.type.trim(),
    detail: problem.detail,
    element: problem.element,
    value: problem.value,
    message: withDetail(base, problem),
    rule: rule?.id,
  };
}

const SEVERITY: Record<NcipOutcomeKind, number> = {
  done: 0,
  'already-done': 1,
  retryable: 2,
  'needs-staff': 3,
  'configuration-error': 4,
};

/**
 * Several Problems: "already done" only when every one says so (ReShare's rule); otherwise
 * the most serious kind wins.
 */
export function classifyProblems(problems: NcipProblem[], service?: NcipService): { kind: NcipOutcomeKind; problems: ClassifiedProblem[]; message: string } {
  const classified = problems.map((p) => classifyProblem(p, service));
  if (classified.length === 0) {
    return { kind: 'needs-staff', problems: [], message: 'The ILS reported a problem without details.' };
  }
  const worst = classified.reduce((a, b) => (SEVERITY[b.kind] > SEVERITY[a.kind] ? b : a));
  return { kind: worst.kind, problems: classified, message: classified.map((c) => c.message).join(' ') };
}
