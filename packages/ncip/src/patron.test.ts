import { describe, expect, it } from 'vitest';
import { resolveName, splitUnstructuredName, summarisePatron } from './patron.ts';
import type { LookupUserResponse } from './types.ts';

describe('names', () => {
  it.each([
    ['Doe, Jane', { givenName: 'Jane', surname: 'Doe' }],
    ['Doe, John Freaking', { givenName: 'John Freaking', surname: 'Doe' }],
    ['John Freaking Doe', { givenName: 'John Freaking', surname: 'Doe' }],
    ['Prince', { surname: 'Prince' }],
    ['Doe,', { surname: 'Doe' }],
    ['  ', {}],
  ])('%j', (input, expected) => {
    expect(splitUnstructuredName(input)).toEqual(expected);
  });

  it('structured parts win over the unstructured name', () => {
    expect(resolveName({ givenName: 'John', surname: 'Doe', unstructured: 'May, Minnie' })).toEqual({
      givenName: 'John',
      surname: 'Doe',
      displayName: 'John Doe',
    });
    expect(resolveName(undefined)).toEqual({ displayName: '' });
  });
});

describe('summarisePatron', () => {
  const base: LookupUserResponse = { service: 'LookupUser', userId: 'P1', user: {} };

  it('BlockOrTrap entries and a BARRED status block the patron', () => {
    const s = summarisePatron({
      ...base,
      user: { blocks: [{ type: 'Block Check Out' }], privileges: [{ type: 'status', status: 'Barred' }] },
    });
    expect(s).toMatchObject({ blocked: true, blockReasons: ['Block Check Out', 'Status Barred'] });
  });

  it('expiry comes from the STATUS privilege, else the latest privilege end; expired is relative to now', () => {
    const privileges = [
      { type: 'Faculty', status: 'Active', validTo: '2026-01-01T00:00:00Z' },
      { type: 'Library card', validTo: '2027-01-01T00:00:00Z' },
    ];
    expect(summarisePatron({ ...base, user: { privileges } }, new Date('2026-06-01'))).toMatchObject({
      expiryDate: '2027-01-01T00:00:00Z',
      expired: false,
      profile: 'Faculty',
    });
    const withStatus = [...privileges, { type: 'STATUS', status: 'OK', validTo: '2025-01-01T00:00:00Z' }];
    expect(summarisePatron({ ...base, user: { privileges: withStatus } }, new Date('2026-06-01'))).toMatchObject({
      expiryDate: '2025-01-01T00:00:00Z',
      expired: true,
      blocked: false,
    });
  });

  it('the barcode is the user id of type barcode, else the looked-up id', () => {
    expect(
      summarisePatron({
        ...base,
        user: {
          userIds: [
            { value: 'uuid-1', type: 'uuid' },
            { value: '2123', type: 'Barcode' },
          ],
        },
      }).barcode,
    ).toBe('2123');
    expect(summarisePatron(base).barcode).toBe('P1');
  });
});
