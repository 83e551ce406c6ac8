import { describe, expect, it } from 'vitest';
import { connectionSchema, crossCheckSettings, defaultIntegrationSettings, parseIntegrationSettings } from './settings.ts';
import { documentedCapabilities, ilsKinds } from './ils.ts';
import { settingsWith } from './test-fixtures.ts';

describe('integration settings', () => {
  it('has safe defaults that are valid for every ILS except Sierra lending (which needs its barcode)', () => {
    for (const ils of ilsKinds) {
      const result = parseIntegrationSettings(ils, {});
      if (ils === 'sierra') expect(result).toMatchObject({ ok: false, problems: [{ path: 'lending.borrowerIdentifiers.defaultId' }] });
      else expect(result, ils).toEqual({ ok: true, settings: defaultIntegrationSettings });
    }
  });
  it('recommends the request ID as temporary barcode and creates items on received', () => {
    expect(defaultIntegrationSettings.borrowing).toMatchObject({
      temporaryBarcodeSource: 'request-id',
      createItemOnReceived: true,
      chargePatronOnShipped: false,
    });
  });
  it('reports every malformed field with its path', () => {
    const result = parseIntegrationSettings('alma', { borrowing: { temporaryBarcodeSource: 'isbn', illLocation: 'has space', localLoanDays: 0 } });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems.map((p) => p.path).sort()).toEqual(['borrowing.illLocation', 'borrowing.localLoanDays', 'borrowing.temporaryBarcodeSource']);
  });
  it('refuses an unknown key at any depth, naming it (a typo must not leave the default in force)', () => {
    const result = parseIntegrationSettings('alma', { borrowing: { localLoanDayz: 21, illFee: { amount: 1, fee: 2 } }, lendng: {} });
    expect(result).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { path: 'borrowing.localLoanDayz', message: 'unknown field "localLoanDayz"' },
        { path: 'borrowing.illFee.fee', message: 'unknown field "fee"' },
        { path: 'lendng', message: 'unknown field "lendng"' },
      ]),
    });
    expect(connectionSchema.safeParse({ ils: 'alma', protocol: 'rest', credentials: { apikey: 'x' } }).success).toBe(false);
  });
  it('keeps the preflight test patron and item, empty by default', () => {
    expect(defaultIntegrationSettings.preflight).toEqual({});
    expect(parseIntegrationSettings('alma', { preflight: { testPatronId: 'P1', testItemBarcode: '39000000001' } })).toMatchObject({
      ok: true,
      settings: { preflight: { testPatronId: 'P1', testItemBarcode: '39000000001' } },
    });
  });
  it.each(['sierra', 'millennium', 'symphony', 'horizon'] as const)('refuses charge patron on shipped on %s', (ils) => {
    const problems = crossCheckSettings(
      ils,
      settingsWith({
        borrowing: { chargePatronOnShipped: true, illFee: { amount: 5, feeType: 'F' } },
        lending: { borrowerIdentifiers: { map: {}, defaultId: 'ILL0001' } },
      }),
    );
    expect(problems).toEqual([{ path: 'borrowing.chargePatronOnShipped', message: expect.stringContaining('only Alma and WMS') }]);
  });
  it('needs an ILL fee amount to charge on shipped', () => {
    expect(crossCheckSettings('alma', settingsWith({ borrowing: { chargePatronOnShipped: true } }))).toEqual([
      { path: 'borrowing.illFee.amount', message: expect.any(String) },
    ]);
  });
  it.each(['alma', 'sierra', 'millennium', 'wms'] as const)('refuses place hold on requested item on %s', (ils) => {
    const problems = crossCheckSettings(
      ils,
      settingsWith({ lending: { placeHoldOnRequestedItem: true, borrowerIdentifiers: { map: {}, defaultId: 'ILL0001' } } }),
    );
    expect(problems.map((p) => p.path)).toEqual(['lending.placeHoldOnRequestedItem']);
  });
  it.each(['symphony', 'horizon'] as const)('allows place hold on requested item on %s', (ils) => {
    expect(crossCheckSettings(ils, settingsWith({ lending: { placeHoldOnRequestedItem: true } }))).toEqual([]);
  });
  it('refuses delete without check-in', () => {
    expect(crossCheckSettings('alma', settingsWith({ borrowing: { checkInItemOnReturned: false } })).map((p) => p.path)).toEqual([
      'borrowing.deleteTemporaryItemOnReturn',
    ]);
  });
  it('insists on a barcode as the Sierra lending identifier', () => {
    expect(
      crossCheckSettings('sierra', settingsWith({ lending: { borrowerIdentifiers: { map: { TULSA: '.p1234567' }, defaultId: '21000111' } } })).map(
        (p) => p.path,
      ),
    ).toEqual(['lending.borrowerIdentifiers']);
    expect(crossCheckSettings('sierra', settingsWith({ lending: { borrowerIdentifiers: { map: { TULSA: '21000222' }, defaultId: '21000111' } } }))).toEqual([]);
  });
  it('refuses a temporary location on an ILS without one', () => {
    const horizonWs = { ...documentedCapabilities.horizon, temporaryLocation: false };
    expect(crossCheckSettings('horizon', settingsWith({ lending: { illTemporaryLocation: 'ILL' } }), undefined, horizonWs).map((p) => p.path)).toEqual([
      'lending.illTemporaryLocation',
    ]);
  });
});

describe('connection', () => {
  const check = (input: unknown) => crossCheckSettings('alma', defaultIntegrationSettings, connectionSchema.parse(input));
  it('accepts Alma REST with a key and base URL', () => {
    expect(check({ ils: 'alma', protocol: 'rest', baseUrl: 'http://127.0.0.1:3001/almaws/v1', credentials: { apiKey: 'k' } })).toEqual([]);
  });
  it('needs the Alma NCIP address to end in /view/NCIPServlet and a partner code', () => {
    const problems = check({
      ils: 'alma',
      protocol: 'ncip',
      ncipUrl: 'http://127.0.0.1:3001/ncip',
      ncip: { toAgencyId: '01INST' },
      credentials: { apiKey: 'k' },
    });
    expect(problems.map((p) => p.path)).toEqual(['connection.ncipUrl', 'connection.ncip.applicationProfileType']);
  });
  it('refuses a non-http URL at parse time', () => {
    expect(connectionSchema.safeParse({ ils: 'alma', protocol: 'rest', baseUrl: 'ftp://x' }).success).toBe(false);
  });
  it('needs Millennium to use NCIP', () => {
    const problems = crossCheckSettings(
      'millennium',
      defaultIntegrationSettings,
      connectionSchema.parse({ ils: 'millennium', protocol: 'rest', baseUrl: 'http://x' }),
    );
    expect(problems.map((p) => p.path)).toContain('connection.protocol');
  });
  it('keeps SirsiDynix override prompts and their code, and refuses what is not a prompt type', () => {
    const symphony = {
      ils: 'symphony',
      protocol: 'rest',
      baseUrl: 'http://x/symws',
      credentials: { clientId: 'C', username: 'u', password: 'p', overrideCode: 'OVR' },
    };
    expect(connectionSchema.parse({ ...symphony, overridePrompts: ['CKOBLOCKS'] })).toMatchObject({
      overridePrompts: ['CKOBLOCKS'],
      credentials: { overrideCode: 'OVR' },
    });
    expect(connectionSchema.parse(symphony).overridePrompts).toBeUndefined();
    expect(connectionSchema.safeParse({ ...symphony, overridePrompts: ['ckoblocks'] }).success).toBe(false);
  });
});

describe('book strap texts', () => {
  it('print the return-in-person message and the library-use-only flap by default', () => {
    expect(defaultIntegrationSettings.borrowing.strap.returnInPersonText).toContain('IN PERSON');
    expect(defaultIntegrationSettings.borrowing.strap.libraryUseOnlyText).toContain('LIBRARY USE ONLY');
  });

  it('keep a library’s own wording, newlines included, trimmed', () => {
    const parsed = parseIntegrationSettings('alma', { borrowing: { strap: { returnInPersonText: '  Return to the\nNorth desk.  ' } } });
    expect(parsed.ok && parsed.settings.borrowing.strap).toEqual({
      returnInPersonText: 'Return to the\nNorth desk.',
      libraryUseOnlyText: defaultIntegrationSettings.borrowing.strap.libraryUseOnlyText,
    });
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['x'.repeat(601), 'at most 600'],
    ['Return\u0007 now', 'control characters'],
    ['Return\ttab', 'control characters'],
  ])('refuses %j, naming the setting', (text, message) => {
    const parsed = parseIntegrationSettings('alma', { borrowing: { strap: { libraryUseOnlyText: text } } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems).toEqual([{ path: 'borrowing.strap.libraryUseOnlyText', message: expect.stringContaining(message) }]);
  });

  it('refuses an unknown strap field', () => {
    const parsed = parseIntegrationSettings('alma', { borrowing: { strap: { returnText: 'x' } } });
    expect(parsed.ok || parsed.problems).toEqual([{ path: 'borrowing.strap.returnText', message: 'unknown field "returnText"' }]);
  });
});
