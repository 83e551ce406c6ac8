import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/libraries (happy)', () => {
  it('lists libraries by symbol, a page at a time', async () => {
    const h = await useHarness();
    const all = await h.ok(200, 'GET', '/v1/libraries', { key: h.adminKey });
    expect(all).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(all.libraries.map((l: { symbol: string }) => l.symbol)).toEqual(['PARTNR', 'TULSA']);
    const second = await h.ok(200, 'GET', '/v1/libraries?limit=1&offset=1', { key: h.adminKey });
    expect(second.libraries.map((l: { symbol: string }) => l.symbol)).toEqual(['TULSA']);
    expect(JSON.stringify(all)).not.toContain('alma-demo-key');
  });
});
