import { adjustableClock, fixedClock } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import type { AdapterContext } from '../types.ts';
import { testNow } from './test-support.ts';
import { WmsTokens } from './oauth.ts';

/**
 * Patron-profile tokens are obtained per patron (principalID/principalIDNS): the cache keeps one
 * per patron while it is good and lets expired ones go, so a long-running library does not hold
 * a token for every patron it ever asked about.
 */
describe('WMS tokens for patrons', () => {
  it('asks with the principal, reuses a patron token, and drops expired ones once many are held', async () => {
    const clock = adjustableClock(fixedClock(testNow));
    const asked: URLSearchParams[] = [];
    const sessions = new Map<string, unknown>();
    const context = {
      fetch: async (input: string) => {
        asked.push(new URL(input).searchParams);
        return new Response(JSON.stringify({ access_token: `tk_${asked.length}`, token_type: 'bearer', expires_in: 1199 }), { status: 200 });
      },
      timeoutMs: 5_000,
      clock,
      record: () => {},
      throttle: async () => {},
      backOff: () => {},
      sessions,
    } as unknown as AdapterContext;
    const tokens = new WmsTokens({ tokenUrl: 'http://oclc.test/token', wskey: 'k', secret: 's' }, context);
    const principal = (n: number) => ({ id: `user-${n}`, namespace: 'urn:oclc:platform:128807' });

    const first = await tokens.token('WMS_NCIP', principal(0));
    expect(asked[0]?.get('principalID')).toBe('user-0');
    expect(asked[0]?.get('principalIDNS')).toBe('urn:oclc:platform:128807');
    expect(await tokens.token('WMS_NCIP', principal(0))).toEqual(first);
    // The application's token is another one, asked without a principal.
    await tokens.token('WMS_NCIP');
    expect(asked[1]?.has('principalID')).toBe(false);
    expect(asked).toHaveLength(2);

    for (let n = 1; n <= 1_001; n += 1) await tokens.token('WMS_NCIP', principal(n));
    const cache = [...sessions.values()][0] as Map<string, unknown>;
    expect(cache.size).toBe(1_003);
    clock.advance(21 * 60_000);
    await tokens.token('WMS_NCIP', principal(5_000));
    expect(cache.size).toBe(1);
  });
});
