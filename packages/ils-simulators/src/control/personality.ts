/**
 * Responder personalities: the edge cases on which real NCIP responders disagree, as switches a
 * test can flip per simulator (`SIM_PERSONALITY_<VENDOR>` at start, `PUT /_sim/personality` at run
 * time, `reset` goes back to the start value). The defaults are what the simulated vendor does;
 * the other values are what other real responders do, so an adapter can be tested against each.
 *
 * Sources (see packages/ils-simulators/README.md, "Responder personalities"):
 * - a second AcceptItem with a barcode already in the ILS —
 *   `duplicate-item`: Problem "Duplicate Item" (Evergreen's NCIPServer, and what the six simulated
 *   vendors answer here, with a suggested free barcode);
 *   `new-barcode`: the item is created under another barcode and the response names it (Koha, as
 *   reported in issue 17; no public capture found);
 *   `rollback`: FOLIO mod-ncip, FolioRemoteServiceManager.acceptItem (folio-org/mod-ncip @
 *   85faee7a3c6388445889e843e997a62763689a12): "If anything fails, it attempts to go back and
 *   delete the already created" instance, holdings and item; the Problem is its own
 *   "Problem performing AcceptItem" (Constants.ACCEPT_ITEM_PROBLEM).
 * - CheckInItem of an item that is not on loan —
 *   `problem`: "Item Not Checked Out", as the captured SirsiDynix answer (lib-ncip-client
 *   ncipOneCheckinItemXmlErrorResponseExample.xml); ReShare counts it as done (mod-rs PR-1550);
 *   `success`: answered as done and nothing changes (FOLIO: mod-ncip checks in by barcode through
 *   mod-circulation, which accepts an item that is not on loan).
 * - the words of an NCIP Problem —
 *   `vendor`: the simulated responder's own (Alma: "Service is not known" for a service it does
 *   not offer, which the ILLiad Alma NCIP addon string-matches — reference/vendor-apis.md §1; WMS:
 *   "UserBlocked" for a blocked patron at check-out and renewal, OCLC developer news, June 2020;
 *   Sierra and Millennium: Innovative's numeric 9016 "Unknown Item" and 9022 "Item is Not
 *   Checked Out", as NYPL's checkin-request-service captures them; the others: NISO Appendix A,
 *   as their captured answers are);
 *   `niso`: NISO Z39.83 Appendix A words on every simulator;
 *   `folio`: FOLIO mod-ncip's "Problem performing …" for every processing error (mod-ncip
 *   Constants: "Problem performing checkout", "Problem performing AcceptItem" — reference/
 *   reshare-ncip.md §5.3; the other services' phrases are stand-ins in the same pattern).
 */
import { z } from 'zod';

export const personalitySchema = z
  .object({
    /** A second AcceptItem whose barcode is already taken. */
    duplicateBarcode: z.enum(['duplicate-item', 'new-barcode', 'rollback']),
    /** CheckInItem of an item that is not on loan (and would route nothing). */
    checkInNotOnLoan: z.enum(['problem', 'success']),
    /** Whose words an NCIP Problem is in. */
    problemWording: z.enum(['vendor', 'niso', 'folio']),
  })
  .strict();

export type Personality = z.infer<typeof personalitySchema>;

/** What the six simulated vendors do unless told otherwise. */
export const defaultPersonality: Personality = { duplicateBarcode: 'duplicate-item', checkInNotOnLoan: 'problem', problemWording: 'vendor' };

export class PersonalityStore {
  private value: Personality;
  constructor(private readonly initial: Personality = defaultPersonality) {
    this.value = { ...initial };
  }
  current(): Personality {
    return this.value;
  }
  /** Changes the named switches; an unknown switch or value throws a ZodError naming it. */
  update(changes: unknown): Personality {
    this.value = personalitySchema.parse({ ...this.value, ...(changes as object) });
    return this.value;
  }
  reset(): void {
    this.value = { ...this.initial };
  }
}

/**
 * `SIM_PERSONALITY_SIERRA='{"checkInNotOnLoan":"success"}'` or `duplicateBarcode=new-barcode,checkInNotOnLoan=success`.
 * Throws with the variable's name when the value is not understood.
 */
export function personalityFromEnv(vendor: string, base: Personality, env: Record<string, string | undefined> = process.env): Personality {
  const name = `SIM_PERSONALITY_${vendor.toUpperCase()}`;
  const raw = env[name]?.trim();
  if (!raw) return base;
  let changes: Record<string, string>;
  if (raw.startsWith('{')) {
    try {
      changes = JSON.parse(raw) as Record<string, string>;
    } catch {
      throw new Error(`${name} is not valid JSON: ${raw}`);
    }
  } else {
    changes = Object.fromEntries(raw.split(',').map((pair) => pair.split('=').map((part) => part.trim()) as [string, string]));
  }
  const parsed = personalitySchema.safeParse({ ...base, ...changes });
  if (!parsed.success) throw new Error(`${name}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
