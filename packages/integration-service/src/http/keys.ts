import { z } from '@hono/zod-openapi';
import { findLibraryBySymbol, type ApiKeyMetadata, type Library } from '../store/libraries.ts';
import type { ServiceDatabase } from '../store/database.ts';
import { ApiError } from './errors.ts';
import type { Caller } from './types.ts';

/** How long a rotated-out library key keeps working unless the service is told otherwise. */
export const defaultKeyGracePeriodMs = 24 * 60 * 60_000;

export const apiKeyMetadataSchema = z
  .object({
    id: z.number().int(),
    prefix: z.string().openapi({ description: 'The first characters of the key, to tell keys apart.', example: 'bks_Xy3f' }),
    createdAt: z.string(),
    lastUsedAt: z.string().optional().openapi({ description: 'When the key was last used, to the hour.' }),
    expiresAt: z.string().optional().openapi({ description: 'A rotated-out key keeps working until then.' }),
    revokedAt: z.string().optional(),
    active: z.boolean().openapi({ description: 'Accepted now: not revoked and not past its grace period.' }),
    current: z.boolean().optional().openapi({ description: 'The key this call was made with.' }),
  })
  .openapi('ApiKeyMetadata');
export type ApiKeyMetadataView = z.infer<typeof apiKeyMetadataSchema>;

export function toKeyView(key: ApiKeyMetadata, now: Date, caller: Caller): ApiKeyMetadataView {
  return {
    id: key.id,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    ...(key.lastUsedAt ? { lastUsedAt: key.lastUsedAt.toISOString() } : {}),
    ...(key.expiresAt ? { expiresAt: key.expiresAt.toISOString() } : {}),
    ...(key.revokedAt ? { revokedAt: key.revokedAt.toISOString() } : {}),
    active: !key.revokedAt && (!key.expiresAt || key.expiresAt > now),
    ...(caller.kind === 'library' ? { current: caller.keyId === key.id } : {}),
  };
}

/** The library whose keys the caller manages: the admin key any, a library key only its own. */
export async function keyOwner(db: ServiceDatabase, caller: Caller, symbol: string): Promise<Library> {
  return await ownLibrary(db, caller, symbol, "A library key manages only its own library's keys");
}

/**
 * The library a call acts on: the admin key any, a library key only its own. Another library's
 * symbol is 403 before it is looked up, so a library key cannot learn which symbols exist.
 */
export async function ownLibrary(db: ServiceDatabase, caller: Caller, symbol: string, refusal: string): Promise<Library> {
  if (caller.kind === 'library' && caller.library.symbol !== symbol) {
    throw new ApiError('FORBIDDEN', refusal);
  }
  const library = await findLibraryBySymbol(db, symbol);
  if (!library) throw new ApiError('NOT_FOUND', `No library ${symbol}`);
  return library;
}
