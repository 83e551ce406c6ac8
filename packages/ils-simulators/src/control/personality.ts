/**
 * Responder personalities: the edge cases on which real NCIP responders disagree, as switches a
 * test can flip per simulator (`SIM_PERSONALITY_<VENDOR>` at start, `PUT /_sim/personality` at run
 * time, `reset` goes back to the start value). The defaults are what the simulated vendor does;
 * the other values are what other real responders do, so an adapter can be tested against each.
 *
 * Sources (see packages/ils-simulators/README.md, "Responder personalities"):
 * - a second AcceptItem with a barcode already in the ILS —
 *   Evergreen's NCIPServer answers Problem "Duplicate Item" (`duplicate-item`);
 *   Koha's NCIP server (lib/Koha/NCIP) appends a suffix and creates the item anyway (`new-barcode`);
 *   FOLIO mod-ncip fails the whole AcceptItem and rolls back the instance and holding it had
 *   created, answering a generic Problem (`rollback`).
 * - CheckInItem of an item that is not on loan — ReShare treats "Item Not Checked Out" as
 *   already-done (mod-rs PR-1550), some responders (FOLIO, Koha) answer success and do nothing
 *   (`success`), others a Problem (`problem`).
 */
import { z } from 'zod';

export const personalitySchema = z
  .object({
    /** A second AcceptItem whose barcode is already taken. */
    duplicateBarcode: z.enum(['duplicate-item', 'new-barcode', 'rollback']),
    /** CheckInItem of an item that is not on loan (and would route nothing). */
    checkInNotOnLoan: z.enum(['problem', 'success']),
  })
  .strict();

export type Personality = z.infer<typeof personalitySchema>;

/** What the six simulated vendors do unless told otherwise. */
export const defaultPersonality: Personality = { duplicateBarcode: 'duplicate-item', checkInNotOnLoan: 'problem' };

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
