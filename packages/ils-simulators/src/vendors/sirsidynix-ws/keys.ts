/**
 * SirsiDynix record keys. Symphony keys are positional: a title (catalogue) key, `cat:call` for
 * a call number and `cat:call:copy` for an item; a charge adds its own number. The simulator
 * builds them from engine ids (holding id as call sequence, item id as copy number), which keeps
 * them stable when records are deleted — a real system's keys never move either.
 */
import { SirsiError, sirsiErrors } from './errors.ts';

export const bibKey = (bibId: number) => String(bibId);
export const callKey = (bibId: number, holdingId: number) => `${bibId}:${holdingId}`;
export const itemKey = (item: { bibId: number; holdingId: number; id: number }) => `${item.bibId}:${item.holdingId}:${item.id}`;
export const circKey = (item: { bibId: number; holdingId: number; id: number }, loanId: number) => `${itemKey(item)}:${loanId}`;

function parts(key: string, count: number, resource: string): number[] {
  const pieces = key.split(':');
  if (pieces.length !== count || pieces.some((piece) => !/^\d{1,12}$/.test(piece))) throw sirsiErrors.keyParse(resource, key);
  return pieces.map(Number);
}

export const parseNumericKey = (key: string, resource: string): number => parts(key, 1, resource)[0] as number;

export function parseCallKey(key: string): { bibId: number; holdingId: number } {
  const [bibId, holdingId] = parts(key, 2, '/catalog/call') as [number, number];
  return { bibId, holdingId };
}

export function parseItemKey(key: string): { bibId: number; holdingId: number; itemId: number } {
  const [bibId, holdingId, itemId] = parts(key, 3, '/catalog/item') as [number, number, number];
  return { bibId, holdingId, itemId };
}

export function parseCircKey(key: string): { itemId: number; loanId: number } {
  const [, , itemId, loanId] = parts(key, 4, '/circulation/circRecord') as [number, number, number, number];
  return { itemId, loanId };
}

/** Blocks on a patron: fees (`patron:F<fee>`) and manual blocks (`patron:B<block>`). */
export function parseBlockKey(key: string): { patronId: number; kind: 'fee' | 'block'; id: number } {
  const match = /^(\d{1,12}):([FB])(\d{1,12})$/.exec(key);
  if (!match) throw sirsiErrors.keyParse('/circulation/block', key);
  return { patronId: Number(match[1]), kind: match[2] === 'F' ? 'fee' : 'block', id: Number(match[3]) };
}

export { SirsiError };
