import type { LendingSettings } from '../settings.ts';

export type BorrowerIdentifier = { patronId: string; source: 'map' | 'default' | 'symbol' };

/**
 * The ILS patron account a lent item is checked out to: the borrowing library's mapped
 * account, else the default account, else the library's symbol itself (Tipasa's rule).
 */
export function borrowerIdentifier(symbol: string, settings: Pick<LendingSettings, 'borrowerIdentifiers'>): BorrowerIdentifier {
  const key = symbol.trim().toUpperCase();
  const entry = Object.entries(settings.borrowerIdentifiers.map).find(([s]) => s.trim().toUpperCase() === key);
  if (entry) return { patronId: entry[1], source: 'map' };
  if (settings.borrowerIdentifiers.defaultId) return { patronId: settings.borrowerIdentifiers.defaultId, source: 'default' };
  return { patronId: key, source: 'symbol' };
}
