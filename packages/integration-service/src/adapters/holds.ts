import { alreadyDone, type CancelHoldInput, needsStaff, type StepOutcome } from '@bookstrap/core';

/**
 * Cancelling a hold is the one step that destroys a patron's place in a queue, so every adapter
 * first reads the hold back through its vendor's API and cancels it only while it is still the
 * request's own (SPEC §5): the hold ID the place-hold step recorded, on the same item, for the
 * same patron. Anything else — a hold the desk placed, another patron's hold, the same ID now on
 * another item — is left alone for staff. A hold the ILS no longer shows as active is already
 * gone: the retry after a cancel that went through is "already done", and only then.
 */
export interface SeenHold {
  /** the ILS's hold ID */
  id: string;
  itemBarcode?: string | undefined;
  /** the patron it is for, in the identifier the request uses (undefined: the API did not say) */
  patronId?: string | undefined;
  /** pending, in transit or on the hold shelf; false: cancelled, filled or expired */
  active: boolean;
  /** the hold's note/comment, which Bookstrap writes "ILL request <id>" into */
  comment?: string | undefined;
}

export type HoldVerdict = { kind: 'cancel'; hold: SeenHold } | { kind: 'stop'; outcome: StepOutcome<Record<string, unknown>> };

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** "ILL request <id>", the note Bookstrap writes on the holds it places (Alma, Sierra, NCIP). */
export const holdMarker = (requestId: string) => new RegExp(`\\bILL request ${escaped(requestId)}\\b`);
/**
 * SirsiDynix Web Services comments (≤ 50 characters, vendor-apis.md "Item-level hold"):
 * "ILL <id>" on a borrowing hold, "ILL lending <id>" on the hold for a borrowing library.
 */
export const sirsiHoldMarker = (requestId: string) => new RegExp(`^ILL (?:lending )?${escaped(requestId)}(?![\\w-])`);

export const holdLeftAlone = {
  otherItem: (input: CancelHoldInput, hold: SeenHold) =>
    `hold ${hold.id} is now on item ${hold.itemBarcode ?? '(unknown)'}, not on ${input.itemBarcode}: it is not this request's hold, so it was left alone`,
  otherPatron: (input: CancelHoldInput, hold: SeenHold) =>
    `hold ${hold.id} on ${input.itemBarcode} belongs to another patron (${hold.patronId ?? 'unknown'}), not ${input.patronId}: it is not this request's hold, so it was left alone`,
  notMarked: (input: CancelHoldInput, hold: SeenHold) =>
    `the hold on ${input.itemBarcode} for ${input.patronId} (hold ${hold.id}) was not placed by this request (its note does not carry ILL request ${input.requestId}): it was left alone`,
};

export const holdGone = (input: CancelHoldInput, ils: string, how: string): StepOutcome<Record<string, unknown>> =>
  alreadyDone<Record<string, unknown>>(
    `${ils} shows no active hold ${input.holdId ?? ''} on ${input.itemBarcode} for ${input.patronId} (${how})`.replace('  ', ' '),
    {
      cancelled: input.holdId ?? null,
    },
  );

/** The hold the request recorded, read back by its ID: cancel it only if it is still ours. */
export function judgeRecordedHold(input: CancelHoldInput, seen: SeenHold | undefined, ils: string): HoldVerdict {
  if (!seen?.active) return { kind: 'stop', outcome: holdGone(input, ils, seen ? 'it is no longer active' : 'it is not found') };
  if (seen.itemBarcode !== undefined && seen.itemBarcode !== input.itemBarcode)
    return { kind: 'stop', outcome: needsStaff(holdLeftAlone.otherItem(input, seen)) };
  if (seen.patronId !== undefined && seen.patronId !== input.patronId) return { kind: 'stop', outcome: needsStaff(holdLeftAlone.otherPatron(input, seen)) };
  return { kind: 'cancel', hold: seen };
}

/**
 * No hold ID was recorded (the ILS gave none, or AcceptItem made the hold): among the patron's
 * active holds on the item, the one whose note carries the request ID is ours. A hold on the item
 * without that note is someone else's doing and is left alone; none at all: already gone.
 */
export function judgeUnrecordedHold(
  input: CancelHoldInput,
  holds: readonly SeenHold[],
  ils: string,
  notesKept = true,
  marker: (requestId: string) => RegExp = holdMarker,
): HoldVerdict {
  const onItem = holds.filter((h) => h.active && h.itemBarcode === input.itemBarcode && (h.patronId === undefined || h.patronId === input.patronId));
  if (onItem.length === 0) return { kind: 'stop', outcome: holdGone(input, ils, "none of the patron's active holds is on the item") };
  const ours = notesKept ? onItem.filter((h) => h.comment !== undefined && marker(input.requestId).test(h.comment)) : onItem;
  if (ours.length === 1) return { kind: 'cancel', hold: ours[0] as SeenHold };
  if (ours.length === 0) return { kind: 'stop', outcome: needsStaff(holdLeftAlone.notMarked(input, onItem[0] as SeenHold)) };
  return {
    kind: 'stop',
    outcome: needsStaff(
      `${ours.length} holds on ${input.itemBarcode} for ${input.patronId} carry ILL request ${input.requestId}; cancel the right one at the desk, then resolve this step`,
    ),
  };
}
