/**
 * Alma-shaped identifiers for engine rows. Real Alma ids are long numbers whose prefix tells the
 * record type (99… bibs, 22… holdings, 23… items) and whose suffix is the institution's; clients
 * parse them with patterns like `bibs/([0-9]+)/holdings/([0-9]+)/items/([0-9]+)`, so ours are all
 * digits and reversible.
 */
const institutionSuffix = '0001021';

export const almaIdPrefixes = {
  bib: '99',
  holding: '22',
  item: '23',
  loan: '7',
  request: '1',
  fee: '8',
} as const;
export type AlmaIdKind = keyof typeof almaIdPrefixes;

export function toAlmaId(kind: AlmaIdKind, engineId: number): string {
  return `${almaIdPrefixes[kind]}${String(engineId).padStart(9, '0')}${institutionSuffix}`;
}

/** The engine id behind an Alma id, or undefined when the id is not one of ours. */
export function fromAlmaId(kind: AlmaIdKind, almaId: string): number | undefined {
  const prefix = almaIdPrefixes[kind];
  const match = new RegExp(`^${prefix}(\\d{9})${institutionSuffix}$`, 'u').exec(almaId);
  if (!match?.[1]) return undefined;
  const id = Number(match[1]);
  return id > 0 ? id : undefined;
}

export const isNumeric = (value: string) => /^\d+$/u.test(value);
