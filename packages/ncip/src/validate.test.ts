import { describe, expect, it } from 'vitest';
import { alma } from './profiles.ts';
import { header } from './testing.ts';
import { NCIP2_XSD_URL, validateNcip2 } from './validate.ts';
import { buildRequest } from './wire/build-request.ts';

describe('validateNcip2', () => {
  it('finds the schema in the shared folder beside the repository', () => {
    expect(NCIP2_XSD_URL.pathname.endsWith('/shared/standards/ncip_v2_02.xsd')).toBe(true);
  });

  it('reports each document separately, in input order', async () => {
    const good = buildRequest({ service: 'DeleteItem', header, itemId: '1' }, alma);
    // Wrong order: ItemId must come after the InitiationHeader.
    const misordered = good.replace(/(<InitiationHeader>.*<\/InitiationHeader>)(<ItemId>.*<\/ItemId>)/, '$2$1');
    const unqualified = good.replace('ncip:version', 'version');
    const { valid, results } = await validateNcip2([good, misordered, unqualified, good]);
    expect(valid).toBe(false);
    expect(results.map((r) => r.valid)).toEqual([true, false, false, true]);
    expect(results[1]?.errors.join()).toMatch(/InitiationHeader.*not expected/);
    expect(results[2]?.errors.join()).toMatch(/version/);
  });

  it('an empty batch is trivially valid', async () => {
    expect(await validateNcip2([])).toEqual({ valid: true, results: [] });
  });
});
