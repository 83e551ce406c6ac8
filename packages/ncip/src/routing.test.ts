import { describe, expect, it } from 'vitest';
import { profiles } from './profiles.ts';
import { buildResponse, parseResponse } from './index.ts';

describe('CheckInItemResponse routing as OCLC answers it', () => {
  const response = {
    service: 'CheckInItem' as const,
    header: { fromAgencyId: '129479', toAgencyId: '129479' },
    itemId: 'RS4711',
    itemAgencyId: '128807',
    userId: '24000000001001',
    userAgencyId: '128807',
    routing: {
      instructions: 'Request:4711',
      userId: '24000000001009',
      destination: {
        type: 'Current',
        typeScheme: 'http://www.niso.org/ncip/v1_0/imp1/schemes/locationtype/locationtype.scm',
        names: [
          { level: 1, value: 'ILL' },
          { level: 2, value: 'ILL Shelf' },
        ],
      },
    },
  };

  it('writes the id agencies, the requester and the location type scheme, in schema order', () => {
    const xml = buildResponse(response, profiles.wms);
    expect(xml).toMatch(/<ItemId><AgencyId[^>]*>128807<\/AgencyId>.*<ItemIdentifierValue>RS4711<\/ItemIdentifierValue><\/ItemId>/);
    expect(xml).toMatch(/<UserId><AgencyId[^>]*>128807<\/AgencyId>.*<UserIdentifierValue>24000000001001<\/UserIdentifierValue><\/UserId>/);
    expect(xml).toMatch(/<\/Destination><UserId>.*<UserIdentifierValue>24000000001009<\/UserIdentifierValue><\/UserId><\/RoutingInformation>/);
    expect(xml).toContain('locationtype.scm');
  });

  it('reads the requester back; without the new fields nothing changes', () => {
    const parsed = parseResponse(buildResponse(response, profiles.wms), 'CheckInItem', { profile: profiles.wms });
    expect(parsed.ok && parsed.response.service === 'CheckInItem' && parsed.response.routing?.userId).toBe('24000000001009');
    const plain = buildResponse(
      {
        ...response,
        itemAgencyId: undefined,
        userAgencyId: undefined,
        routing: { instructions: 'Re-shelve', destination: { type: 'Current', names: [{ level: 1, value: 'MAIN' }] } },
      },
      profiles.wms,
    );
    expect(plain).not.toMatch(/<ItemId><AgencyId/);
    expect(plain).not.toMatch(/<\/Destination><UserId>/);
  });
});
