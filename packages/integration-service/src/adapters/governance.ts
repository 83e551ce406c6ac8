import { createHash } from 'node:crypto';
import type { Connection } from '@bookstrap/core';
import type { Governance } from '../worker/rate-limit.ts';
import type { AdapterDefinition } from './types.ts';

/**
 * Which allowance a library's calls spend, and how big it is.
 *
 * Alma counts per institution (vendor-apis.md §Alma governance: "≈25 requests/second per
 * institution", daily quota per institution), and an API key belongs to one institution, so
 * libraries on the same key — or the same `institutionCode` — share one budget. Other vendors
 * document no limit (vendor-apis.md §Sierra: "No public rate limit is documented"; nor do OCLC
 * for WMS NCIP or SirsiDynix for Web Services): their budget is the ILS endpoint with the same
 * credentials, unpaced until it answers 429. `connection.rateLimit` overrides either.
 */
export function budgetKeyOf(connection: Connection): string {
  if (connection.rateLimit?.budget) return `budget:${connection.rateLimit.budget}`;
  const credentials = connection.credentials;
  const identity = credentials.apiKey ?? credentials.clientKey ?? credentials.username ?? credentials.clientId ?? '';
  const digest = createHash('sha256').update(identity).digest('hex').slice(0, 16);
  if (connection.ils === 'alma' && connection.institutionCode) return `alma:${connection.institutionCode}`;
  const endpoint = connection.baseUrl ?? connection.ncipUrl ?? '';
  let host = endpoint;
  try {
    host = new URL(endpoint).host;
  } catch {
    // a connection without a URL is refused at configuration time; keep the raw text
  }
  return `${connection.ils}:${host}:${digest}`;
}

export function governanceOf(definition: Pick<AdapterDefinition, 'ratePerSecond'>, connection: Connection): Governance {
  return { perSecond: connection.rateLimit?.perSecond ?? definition.ratePerSecond };
}

/** Alma's remaining daily calls, from the response headers; undefined when the ILS sent none. */
export function remainingQuotaOf(headers: Headers): number | undefined {
  const value = headers.get('x-exl-api-remaining');
  if (value === null || value.trim() === '') return undefined;
  const remaining = Number(value);
  return Number.isInteger(remaining) && remaining >= 0 ? remaining : undefined;
}
