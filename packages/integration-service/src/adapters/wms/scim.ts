/**
 * WMS patron lookup: not NCIP but OCLC's IDM SCIM API, as ReShare does it — a SearchRequest with
 * `External_ID eq "<patron id>"` POSTed as application/scim+json with a SCIM:read_user token.
 * Blocks come from the WMS circulation extension, expiry from the persona extension.
 */
import { configurationError, done, needsStaff, type PatronSummary, retryable, type StepOutcome } from '@bookstrap/core';
import { type PatronSummary as WmsScimUser, parseWmsScimPatron, wmsScimSearchBody } from '@bookstrap/ncip';
import { send } from '../http.ts';
import type { AdapterContext } from '../types.ts';
import type { WmsTokens } from './oauth.ts';

export const SCIM_SCOPE = 'SCIM:read_user';

/** The SCIM search for a patron's external id: the user, none, or the outcome to stop with. */
export async function searchWmsPatron(
  context: AdapterContext,
  tokens: WmsTokens,
  scimSearchUrl: string,
  patronId: string,
): Promise<{ patron: WmsScimUser | undefined } | { failed: StepOutcome<never> }> {
  for (let attempt = 0; ; attempt += 1) {
    const token = await tokens.token(SCIM_SCOPE);
    if (!token.ok) return { failed: token.transient ? retryable(token.message) : configurationError(token.message) };
    const reply = await send(context, {
      method: 'POST',
      url: scimSearchUrl,
      headers: { authorization: `Bearer ${token.accessToken}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' },
      body: wmsScimSearchBody(patronId),
    });
    // A token OCLC stopped accepting (revoked, clock skew): fetch a fresh one once.
    if (reply.status === 401 && attempt === 0) {
      await tokens.invalidate(SCIM_SCOPE);
      continue;
    }
    if (reply.status === 429) {
      context.backOff(60_000);
      return { failed: retryable(`WMS patron lookup was rate limited (HTTP 429); it will be retried.`) };
    }
    if (reply.status >= 500 && !reply.text.trimStart().startsWith('{'))
      return { failed: retryable(`WMS patron lookup is unavailable (HTTP ${reply.status}); it will be retried.`) };
    const parsed = parseWmsScimPatron(reply.text, context.clock.now());
    if (!parsed.ok) {
      const { kind, message } = parsed.error;
      return { failed: kind === 'retryable' ? retryable(message) : kind === 'needs-staff' ? needsStaff(message) : configurationError(message) };
    }
    return { patron: parsed.found ? parsed.patron : undefined };
  }
}

export async function lookupWmsPatron(
  context: AdapterContext,
  tokens: WmsTokens,
  scimSearchUrl: string,
  patronId: string,
): Promise<StepOutcome<PatronSummary>> {
  const found = await searchWmsPatron(context, tokens, scimSearchUrl, patronId);
  if ('failed' in found) return found.failed;
  const patron = found.patron;
  if (!patron) return needsStaff(`invalid patron id — WMS has no patron with External_ID "${patronId}"`);
  const expiryDate = patron.expiryDate?.slice(0, 10);
  const today = context.clock.now().toISOString().slice(0, 10);
  const status: PatronSummary['status'] = expiryDate !== undefined && expiryDate < today ? 'expired' : patron.blocked ? 'blocked' : 'active';
  return done(
    {
      patronId: patron.externalId ?? patron.barcode ?? patronId,
      name: patron.displayName || undefined,
      status,
      expiryDate,
      blocks: patron.blockReasons,
      barcode: patron.barcode,
    },
    patron.id,
  );
}
