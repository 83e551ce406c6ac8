/**
 * SirsiDynix Web Services ("ROA") over the shared circulation engine, as Symphony's ILSWS and
 * Horizon's Web Services answer: client id on every call, a session token from a login,
 * `{resource, key, fields}` (v1) or `@resource/@key` (v2) records shaped by `includeFields`,
 * `messageList` errors, and override prompts answered with `SD-Prompt-Return`.
 */
import { asc, count, like } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { bibliographicFields } from '../../marc.ts';
import { createBib, createHolding, createItem, deleteBib, deleteItem, updateItem } from '../../engine/catalog.ts';
import { checkIn, checkOut, changeDueDate, renewLoan } from '../../engine/circulation.ts';
import { isEngineError } from '../../engine/errors.ts';
import { cancelHold, placeHold, placeTitleHold, requireHold } from '../../engine/holds.ts';
import {
  activeLoanForItem,
  findBib,
  findItem,
  findItemByBarcode,
  findItemPolicy,
  findLibrary,
  findLocation,
  findPatron,
  libraryById,
  locationById,
  patronStanding,
  requirePatronById,
} from '../../engine/lookup.ts';
import { searchPatrons } from '../../engine/patrons.ts';
import { bibs, type Item, type Loan, type MarcRecord, type Patron } from '../../engine/schema.ts';
import type { InjectedFault, VendorApp, VendorRuntime } from '../types.ts';
import type { SirsiDynixDialect } from './dialect.ts';
import { fromEngineError, legacyFault, type PromptType, renderLegacyFault, SirsiError, SirsiPrompt, sirsiErrors } from './errors.ts';
import { parseItemKey, parseNumericKey } from './keys.ts';
import {
  bibRecord,
  circRecord,
  circulationStateLocations,
  currentLocationOf,
  holdRecord,
  itemRecord,
  type NoteType,
  noteTypes,
  notesToItemFields,
  patronRecord,
  type RecordContext,
  resolveRecord,
} from './records.ts';
import {
  everything,
  type InputRecord,
  isInputRecord,
  parseIncludeFields,
  type RecordSource,
  type Ref,
  readRecord,
  refKey,
  render,
  type Selection,
  V2_MEDIA_TYPE,
  type Version,
} from './representation.ts';
import { type Session, SessionStore, type StaffAccount } from './session.ts';

export interface SirsiDynixSettings {
  /** client ids configured in the ILS (`x-sirs-clientID`) */
  clientIds: readonly string[];
  staff: readonly StaffAccount[];
  /** the override code staff type at a prompt (`SD-Prompt-Return: CKOBLOCKS/<code>`) */
  overrideCode: string;
  /** idle minutes after which a session token answers `sessionTimedOut` */
  sessionIdleMinutes: number;
  currency: string;
  /** a patron PIN check for patron login (default: the barcode's last four characters) */
  checkPin?: (patron: Patron, pin: string) => boolean;
}

type Env = { Variables: { session: Session; version: Version } };

export interface SirsiDynixApp extends VendorApp {
  sessions: SessionStore;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/** `YYYY-MM-DD` (end of that library day) or an ISO instant with offset. */
function parseDueDate(raw: unknown): Date | undefined {
  const value = text(raw);
  if (value === undefined) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:00.000Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw sirsiErrors.badRequest(`dueDate ${value} is not a date.`);
  return date;
}

/** Overrides sent with `SD-Prompt-Return`: several headers, or `;`-separated `TYPE/value` pairs. */
function promptReturns(c: Context): Map<string, string> {
  const overrides = new Map<string, string>();
  const raw = c.req.header('sd-prompt-return') ?? '';
  for (const part of raw.split(/[;,]/)) {
    const [type, ...rest] = part.trim().split('/');
    if (type) overrides.set(type.trim().toUpperCase(), rest.join('/').trim());
  }
  return overrides;
}

export function createSirsiDynixApp(runtime: VendorRuntime, dialect: SirsiDynixDialect, settings: SirsiDynixSettings): SirsiDynixApp {
  const { engine } = runtime;
  const base = dialect.basePath;
  const sessions = new SessionStore(runtime.clock, settings.sessionIdleMinutes * 60_000);
  const titleHolds = new Set<number>();
  const records: RecordContext = { engine, dialect, currency: settings.currency, staff: [...settings.staff], titleHolds };
  const checkPin = settings.checkPin ?? ((patron: Patron, pin: string) => (patron.barcode ?? '').slice(-4) === pin);
  const app = new Hono<Env>();

  // ---- gateway: user agent, client id, representation, session --------------------------------

  const legacyLogin = `${base}/rest/security/loginUser`;
  const openPaths = new Set([`${base}/user/staff/login`, `${base}/user/patron/login`, legacyLogin]);
  app.use(`${base}/*`, async (c, next) => {
    if (dialect.requireUserAgent && !c.req.header('user-agent')) throw sirsiErrors.userAgentRequired();
    // The legacy `/rest/…` calls carry the client id (and token) as query parameters too.
    const legacy = new URL(c.req.url).pathname.startsWith(`${base}/rest/`);
    const clientId = c.req.header('x-sirs-clientid') ?? (legacy ? c.req.query('clientID') : undefined);
    if (!clientId) throw sirsiErrors.clientIdRequired();
    if (!settings.clientIds.includes(clientId)) throw sirsiErrors.clientIdUnknown(clientId);
    c.set('version', (c.req.header('accept') ?? '').includes(V2_MEDIA_TYPE) ? 'v2' : 'v1');
    if (!openPaths.has(new URL(c.req.url).pathname)) {
      const token = c.req.header('x-sirs-sessiontoken') ?? (legacy ? c.req.query('sessionToken') : undefined);
      if (!token) throw sirsiErrors.sessionTokenRequired();
      const session = sessions.touch(token);
      if (!session) throw sirsiErrors.sessionTimedOut();
      c.set('session', session);
    }
    await next();
  });

  const reply = (c: Context<Env>, body: unknown, status: 200 | 201 = 200) =>
    c.body(JSON.stringify(body), status, { 'Content-Type': c.get('version') === 'v2' ? V2_MEDIA_TYPE : 'application/json;charset=UTF-8' });

  const selection = (c: Context<Env>): Selection => parseIncludeFields(c.req.query('includeFields') ?? '', { nestedWildcard: dialect.nestedWildcard });
  const renderContext = (c: Context<Env>) => ({ version: c.get('version'), resolve: (target: Ref) => resolveRecord(records, target) });
  const renderRecord = (c: Context<Env>, record: RecordSource) => render(renderContext(c), record, selection(c));

  /** An action's answer: named records shaped by `includeFields` (`circRecord{*}`), plus plain values. */
  const actionReply = (c: Context<Env>, named: Record<string, RecordSource | null>, plain: Record<string, unknown> = {}) => {
    const given = c.req.query('includeFields');
    const top = given === undefined ? undefined : selection(c);
    const out: Record<string, unknown> = {};
    for (const [name, record] of Object.entries(named)) {
      if (top && !top.all && !top.fields.has(name)) continue;
      const sub = !top || top.all ? everything() : (top.fields.get(name) ?? { all: false, fields: new Map() });
      if (!record) out[name] = null;
      else if (!sub.all && sub.fields.size === 0) {
        // Named without braces: the record's stub.
        out[name] = c.get('version') === 'v2' ? { '@resource': record.resource, '@key': record.key } : { resource: record.resource, key: record.key };
      } else out[name] = render(renderContext(c), record, sub);
    }
    return reply(c, { ...out, ...plain });
  };

  const readJson = async (c: Context<Env>): Promise<Record<string, unknown>> => {
    const raw = await c.req.text();
    if (raw.trim() === '') return {};
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!isObject(parsed)) throw sirsiErrors.badRequest('The request body must be a JSON object.');
      return parsed;
    } catch (error) {
      if (error instanceof SirsiError) throw error;
      throw sirsiErrors.badRequest('The request body is not valid JSON.');
    }
  };

  const staffOnly = (c: Context<Env>, what: string): Session & { role: 'STAFF' } => {
    const session = c.get('session');
    if (session.role !== 'STAFF') throw sirsiErrors.accessDenied(`${what} needs a staff session`);
    return session;
  };

  /** `SD-Working-LibraryID`, or the library of the account that logged in. */
  const workingLibrary = (c: Context<Env>): string => {
    const requested = c.req.header('sd-working-libraryid');
    const code = requested?.trim() || c.get('session').library;
    if (!findLibrary(engine.db, code)) throw sirsiErrors.invalidPolicy('library', code);
    return code;
  };

  /**
   * A blocking condition becomes a prompt unless the caller already answered it with the right
   * override code; returns whether an override was used.
   */
  const prompt = (c: Context<Env>, type: PromptType, applies: boolean, message: string): boolean => {
    if (!applies) return false;
    const given = promptReturns(c).get(type);
    if (given !== undefined && given === settings.overrideCode) return true;
    throw new SirsiPrompt(type, given === undefined ? message : `${message} The override code is not valid.`);
  };

  /** Blocked → CKOBLOCKS; expired privileges → USER_PRIVILEGE_OVRCD. True when overridden. */
  const standingPrompts = (c: Context<Env>, patron: Patron): boolean => {
    const standing = patronStanding(engine.db, patron, engine.clock.now());
    const reason = standing.blocks[0]?.description ?? 'the user is blocked';
    const blocked = prompt(c, 'CKOBLOCKS', standing.blocked, `User ${patron.barcode ?? patron.primaryId} has blocks: ${reason}.`);
    const expired = prompt(
      c,
      'USER_PRIVILEGE_OVRCD',
      standing.expired,
      `User ${patron.barcode ?? patron.primaryId} privilege expired on ${patron.expiryDate}.`,
    );
    return blocked || expired;
  };

  const patronByBarcode = (barcode: string | undefined, field: string): Patron => {
    if (!barcode) throw sirsiErrors.fieldRequired(field);
    const patron = findPatron(engine.db, barcode, 'barcode');
    if (!patron) throw sirsiErrors.userNotFound(barcode);
    return patron;
  };

  const itemByBarcode = (barcode: string | undefined, field = 'itemBarcode'): Item => {
    if (!barcode) throw sirsiErrors.fieldRequired(field);
    const item = findItemByBarcode(engine.db, barcode);
    if (!item) throw sirsiErrors.itemNotFound(barcode);
    return item;
  };

  const ownPatron = (c: Context<Env>, patron: Patron) => {
    const session = c.get('session');
    if (session.role === 'PATRON' && session.patronId !== patron.id) throw sirsiErrors.accessDenied('a patron session may only read its own record');
  };

  /** Engine refusals in Web Services words. */
  const engineCall = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (isEngineError(error)) throw fromEngineError(error);
      throw error;
    }
  };

  // ---- login ----------------------------------------------------------------------------------

  app.post(`${base}/user/staff/login`, async (c) => {
    const body = await readJson(c);
    const account = settings.staff.find((staff) => staff.login === text(body.login) && staff.password === body.password);
    if (!account) throw sirsiErrors.loginFailed();
    const session = sessions.open({ role: 'STAFF', staff: account, library: account.library });
    return reply(c, {
      staffKey: account.key,
      pinCreateDate: '2024-01-01',
      pinExpirationDate: null,
      name: account.name,
      sessionToken: session.token,
      message: null,
    });
  });

  // The legacy login many scripts still use (UVA ils_connector's SirsiBase: GET with login and
  // password as query parameters; others POST them as a form with `json=true`). It answers the
  // session token the same Web Services accept in `x-sirs-sessionToken`.
  app.on(['GET', 'POST'], legacyLogin, async (c) => {
    const form = c.req.method === 'POST' && (c.req.header('content-type') ?? '').includes('form') ? await c.req.parseBody() : {};
    const param = (name: string) => text(c.req.query(name)) ?? text(form[name]);
    const account = settings.staff.find((staff) => staff.login === param('login') && staff.password === (c.req.query('password') ?? form.password));
    if (!account) throw sirsiErrors.loginFailed();
    const session = sessions.open({ role: 'STAFF', staff: account, library: account.library });
    return c.json({ userID: account.key, sessionToken: session.token });
  });

  app.post(`${base}/user/staff/logout`, (c) => {
    sessions.close(c.get('session').token);
    return c.body(null, 204);
  });

  app.get(`${base}/user/staff/key/:key`, (c) => {
    const record = resolveRecord(records, { resource: '/user/staff', key: c.req.param('key') });
    if (!record) throw sirsiErrors.recordNotFound('/user/staff', c.req.param('key'));
    return reply(c, renderRecord(c, record));
  });

  app.post(`${base}/user/patron/login`, async (c) => {
    const body = await readJson(c);
    const barcode = text(body.barcode) ?? text(body.login);
    const patron = barcode ? findPatron(engine.db, barcode, 'barcode') : undefined;
    if (!patron || typeof body.password !== 'string' || !checkPin(patron, body.password)) throw sirsiErrors.loginFailed();
    const session = sessions.open({ role: 'PATRON', patronId: patron.id, library: records.staff[0]?.library ?? 'MAIN' });
    return reply(c, { sessionToken: session.token, patronKey: String(patron.id), name: `${patron.lastName}, ${patron.firstName}`, message: null });
  });

  if (dialect.patronAuthenticate) {
    app.post(`${base}/user/patron/authenticate`, async (c) => {
      staffOnly(c, 'authenticating a patron');
      const body = await readJson(c);
      const barcode = text(body.barcode);
      const patron = barcode ? findPatron(engine.db, barcode, 'barcode') : undefined;
      if (!patron || typeof body.password !== 'string' || !checkPin(patron, body.password)) throw sirsiErrors.loginFailed();
      return reply(c, { patronKey: String(patron.id), name: `${patron.lastName}, ${patron.firstName}` });
    });
  }

  // ---- patrons --------------------------------------------------------------------------------

  const patronReply = (c: Context<Env>, patron: Patron | undefined, how: string) => {
    if (!patron) throw sirsiErrors.recordNotFound('/user/patron', how);
    ownPatron(c, patron);
    return reply(c, renderRecord(c, patronRecord(records, patron)));
  };

  app.get(`${base}/user/patron/key/:key`, (c) => {
    const id = parseNumericKey(c.req.param('key'), '/user/patron');
    return patronReply(c, patronById(id), c.req.param('key'));
  });
  const patronById = (id: number): Patron | undefined => {
    try {
      return requirePatronById(engine.db, id);
    } catch {
      return undefined;
    }
  };
  app.get(`${base}/user/patron/barcode/:barcode`, (c) => patronReply(c, findPatron(engine.db, c.req.param('barcode'), 'barcode'), c.req.param('barcode')));
  app.get(`${base}/user/patron/alternateID/:id`, (c) => patronReply(c, findPatron(engine.db, c.req.param('id'), 'primaryId'), c.req.param('id')));

  /** `rw` (1-based start row) and `ct` (rows) as the search resources read them. */
  const paging = (c: Context<Env>) => {
    const rw = Number(c.req.query('rw') ?? '1');
    const ct = Number(c.req.query('ct') ?? '10');
    if (!Number.isInteger(rw) || rw < 1) throw sirsiErrors.badRequest('rw must be a row number from 1.');
    if (!Number.isInteger(ct) || ct < 1 || ct > 1000) throw sirsiErrors.badRequest('ct must be between 1 and 1000.');
    return { rw, ct };
  };

  const searchReply = (c: Context<Env>, q: string, page: { rw: number; ct: number }, total: number, found: RecordSource[]) =>
    reply(c, {
      searchQuery: q,
      startRow: page.rw,
      lastRow: page.rw + found.length - 1,
      rowsPerPage: page.ct,
      totalResults: total,
      result: found.map((record) => renderRecord(c, record)),
    });

  app.get(`${base}/user/patron/search`, (c) => {
    staffOnly(c, 'a patron search');
    const q = c.req.query('q');
    if (!q) throw sirsiErrors.fieldRequired('q');
    if ((c.req.query('j') ?? 'AND').toUpperCase() !== 'AND') throw sirsiErrors.badRequest('Only j=AND is supported by this search.');
    const page = paging(c);
    const terms = dialect.patronSearch(q);
    const result = searchPatrons(engine, terms, { limit: page.ct, offset: page.rw - 1 });
    return searchReply(
      c,
      q,
      page,
      result.total,
      result.patrons.map((patron) => patronRecord(records, patron)),
    );
  });

  // ---- catalogue ------------------------------------------------------------------------------

  const recordByKey = (resource: string) => (c: Context<Env>) => {
    const key = c.req.param('key') as string;
    const record = resolveRecord(records, { resource, key });
    if (!record) throw sirsiErrors.recordNotFound(resource, key);
    return reply(c, renderRecord(c, record));
  };

  app.get(`${base}/catalog/bib/key/:key`, recordByKey('/catalog/bib'));
  app.get(`${base}/catalog/call/key/:key`, recordByKey('/catalog/call'));
  app.get(`${base}/catalog/item/key/:key`, recordByKey('/catalog/item'));
  app.get(`${base}/catalog/item/barcode/:barcode`, (c) => {
    const item = findItemByBarcode(engine.db, c.req.param('barcode'));
    if (!item) throw sirsiErrors.recordNotFound('/catalog/item', c.req.param('barcode'));
    return reply(c, renderRecord(c, itemRecord(records, item)));
  });

  /** `TITLE:words` or `GENERAL:words`: titles containing the words, in key order. */
  app.get(`${base}/catalog/bib/search`, (c) => {
    const q = c.req.query('q');
    if (!q) throw sirsiErrors.fieldRequired('q');
    const match = /^(TITLE|GENERAL):(.+)$/.exec(q.trim());
    if (!match) throw sirsiErrors.invalidSearchIndex(q.split(':')[0] ?? q);
    const page = paging(c);
    const needle = `%${(match[2] as string).trim().replace(/[%_]/g, '')}%`;
    const total = engine.db.select({ n: count() }).from(bibs).where(like(bibs.title, needle)).get()?.n ?? 0;
    const found = engine.db
      .select()
      .from(bibs)
      .where(like(bibs.title, needle))
      .orderBy(asc(bibs.id))
      .limit(page.ct)
      .offset(page.rw - 1)
      .all();
    return searchReply(
      c,
      q,
      page,
      total,
      found.map((bib) => bibRecord(records, bib)),
    );
  });

  app.post(`${base}/catalog/bib`, async (c) => {
    staffOnly(c, 'creating a title');
    const record = readRecord(await readJson(c));
    if (record.resource !== undefined && record.resource !== '/catalog/bib')
      throw sirsiErrors.badRequest(`Expected a /catalog/bib record, not ${record.resource}.`);
    const bib = createTitle(record);
    return reply(c, render(renderContext(c), bibRecord(records, bib), selection(c)));
  });

  /**
   * Title + call numbers + items in one POST (Stanford's v2 create). Everything is checked before
   * anything is written; a failure half-way removes what was made.
   */
  const createTitle = (record: InputRecord) => {
    const marc = marcFromJson(record.fields.bib);
    const citation = bibliographicFields(marc);
    if (citation.title === '') throw sirsiErrors.fieldRequired('bib (MARC 245 $a)');
    const callInputs = (Array.isArray(record.fields.callList) ? record.fields.callList : []).map((call) => {
      if (!isInputRecord(call)) throw sirsiErrors.badRequest('callList entries must be /catalog/call records.');
      return call;
    });
    const seen = new Set<string>();
    const plan = callInputs.map((call) => {
      const libraryCode = refKey(call.fields.library);
      if (!libraryCode) throw sirsiErrors.fieldRequired('callList.library');
      const library = findLibrary(engine.db, libraryCode);
      if (!library) throw sirsiErrors.invalidPolicy('library', libraryCode);
      const itemInputs = (Array.isArray(call.fields.itemList) ? call.fields.itemList : []).map((item) => {
        if (!isInputRecord(item)) throw sirsiErrors.badRequest('itemList entries must be /catalog/item records.');
        const homeLocation = refKey(item.fields.homeLocation);
        if (!homeLocation) throw sirsiErrors.fieldRequired('itemList.homeLocation');
        const location = findLocation(engine.db, library.id, homeLocation);
        if (!location) throw sirsiErrors.invalidPolicy('location', homeLocation);
        const itemType = refKey(item.fields.itemType);
        if (!itemType) throw sirsiErrors.fieldRequired('itemList.itemType');
        if (!findItemPolicy(engine.db, itemType)) throw sirsiErrors.invalidPolicy('itemType', itemType);
        const barcode = text(item.fields.barcode);
        const automatic = barcode === undefined || barcode.toUpperCase() === 'AUTO';
        if (!automatic) {
          if (seen.has(barcode) || findItemByBarcode(engine.db, barcode)) throw sirsiErrors.barcodeInUse(barcode);
          seen.add(barcode);
        }
        return { barcode: automatic ? '' : barcode, location, itemType, notes: readNotes(item.fields.customInformation) };
      });
      const callNumber = text(call.fields.callNumber);
      return { library, callNumber, itemInputs };
    });

    const bib = createBib(engine, {
      title: citation.title,
      author: citation.author ?? null,
      isbn: citation.isbn ?? null,
      publisher: citation.publisher ?? null,
      publicationYear: citation.publicationYear ?? null,
      marc,
      otherSystemIds: citation.otherSystemIds ?? [],
      suppressed: record.fields.shadowed === true,
    });
    try {
      plan.forEach((call, index) => {
        const first = call.itemInputs[0];
        const holding = createHolding(engine, {
          bibId: bib.id,
          libraryCode: call.library.code,
          locationCode: first ? first.location.code : 'STACKS',
          // Symphony's AUTO call numbers look like XX(123.1).
          callNumber: !call.callNumber || call.callNumber.toUpperCase() === 'AUTO' ? `XX(${bib.id}.${index + 1})` : call.callNumber,
        });
        for (const item of call.itemInputs) {
          createItem(engine, {
            holdingId: holding.id,
            barcode: item.barcode,
            policy: item.itemType,
            ...notesToItemFields(item.notes),
            temporary: item.location.type === 'ill',
          });
        }
      });
    } catch (error) {
      deleteBib(engine, bib.id, { override: true });
      if (isEngineError(error)) throw fromEngineError(error);
      throw error;
    }
    return findBib(engine.db, bib.id) ?? bib;
  };

  app.delete(`${base}/catalog/bib/key/:key`, (c) => {
    staffOnly(c, 'removing a title');
    const key = c.req.param('key');
    const id = parseNumericKey(key, '/catalog/bib');
    if (!findBib(engine.db, id)) throw sirsiErrors.recordNotFound('/catalog/bib', key);
    engineCall(() => deleteBib(engine, id));
    return c.body(null, 204);
  });

  const itemAtKey = (key: string): Item => {
    const { bibId, holdingId, itemId } = parseItemKey(key);
    const item = findItem(engine.db, itemId);
    if (!item || item.bibId !== bibId || item.holdingId !== holdingId) throw sirsiErrors.recordNotFound('/catalog/item', key);
    return item;
  };

  app.put(`${base}/catalog/item/key/:key`, async (c) => {
    staffOnly(c, 'changing an item');
    const key = c.req.param('key');
    const item = itemAtKey(key);
    const record = readRecord(await readJson(c));
    if (record.key !== undefined && record.key !== key) throw sirsiErrors.badRequest(`The record key ${record.key} does not match ${key}.`);
    const fields = record.fields;
    const changes: Parameters<typeof updateItem>[2] = {};
    const library = libraryById(engine.db, item.libraryId);
    const home = locationById(engine.db, item.locationId).code;
    // A full record sent back (GET, change, PUT) is fine: read-only fields must just be unchanged.
    for (const [name, current] of [
      ['library', library.code],
      ['homeLocation', home],
    ] as const) {
      const wanted = refKey(fields[name]);
      if (wanted !== undefined && wanted !== current) throw sirsiErrors.fieldNotEditable(name);
    }
    const barcode = text(fields.barcode);
    if (barcode !== undefined && barcode !== item.barcode) changes.barcode = barcode;
    const itemType = refKey(fields.itemType);
    if (itemType !== undefined && itemType !== item.policy) {
      if (!findItemPolicy(engine.db, itemType)) throw sirsiErrors.invalidPolicy('itemType', itemType);
      changes.policy = itemType;
    }
    const current = refKey(fields.currentLocation);
    if (current !== undefined && current !== currentLocationOf(records, item)) {
      if (!dialect.itemLocationsWritable || circulationStateLocations.has(current)) throw sirsiErrors.fieldNotEditable('currentLocation');
      if (current === home) {
        changes.inTempLocation = false;
      } else {
        if (!findLocation(engine.db, library.id, current)) throw sirsiErrors.invalidPolicy('location', current);
        Object.assign(changes, { inTempLocation: true, tempLibraryCode: library.code, tempLocationCode: current });
      }
    }
    if (fields.customInformation !== undefined) Object.assign(changes, notesToItemFields(readNotes(fields.customInformation)));
    const updated = engineCall(() => updateItem(engine, item.id, changes));
    return reply(c, renderRecord(c, itemRecord(records, updated)));
  });

  app.delete(`${base}/catalog/item/key/:key`, (c) => {
    staffOnly(c, 'removing an item');
    const item = itemAtKey(c.req.param('key'));
    // The last copy takes its call number with it, as WorkFlows' Remove Item does.
    engineCall(() => deleteItem(engine, item.id, { holdings: 'delete' }));
    return c.body(null, 204);
  });

  // ---- holds ----------------------------------------------------------------------------------

  app.post(`${base}/circulation/holdRecord/placeHold`, async (c) => {
    const session = c.get('session');
    const body = await readJson(c);
    const patron =
      session.role === 'PATRON' && body.patronBarcode === undefined
        ? requirePatronById(engine.db, session.patronId)
        : patronByBarcode(text(body.patronBarcode), 'patronBarcode');
    ownPatron(c, patron);
    const holdType = (text(body.holdType) ?? (body.itemBarcode ? 'COPY' : 'TITLE')).toUpperCase();
    if (holdType !== 'COPY' && holdType !== 'TITLE') throw sirsiErrors.badRequest(`holdType ${holdType} is not COPY or TITLE.`);
    const pickupLibrary = refKey(body.pickupLibrary);
    if (!pickupLibrary) throw sirsiErrors.fieldRequired('pickupLibrary');
    if (!findLibrary(engine.db, pickupLibrary)) throw sirsiErrors.invalidPolicy('library', pickupLibrary);
    const comment = text(body.comment);
    if (comment !== undefined && comment.length > 50) throw sirsiErrors.badRequest('comment may be at most 50 characters.');
    const item = holdType === 'COPY' || body.itemBarcode !== undefined ? itemByBarcode(text(body.itemBarcode)) : undefined;
    const bibKeyText = refKey(body.bib);
    const bibId = item ? item.bibId : bibKeyText === undefined ? undefined : parseNumericKey(bibKeyText, '/catalog/bib');
    if (bibId === undefined) throw sirsiErrors.fieldRequired('bib');
    if (!findBib(engine.db, bibId)) throw sirsiErrors.recordNotFound('/catalog/bib', String(bibId));

    const overrideStanding = standingPrompts(c, patron);
    if (holdType === 'COPY' && item) {
      const policy = findItemPolicy(engine.db, item.policy);
      prompt(c, 'HOLD_NO_HOLDS_OVRCD', policy?.loanable === false, `Item ${item.barcode} (${item.policy}) cannot have holds.`);
    }
    const hold = engineCall(() =>
      holdType === 'COPY' && item
        ? placeHold(engine, {
            patronId: patron.id,
            itemId: item.id,
            pickupLibraryCode: pickupLibrary,
            comment: comment ?? null,
            overridePatronStanding: overrideStanding,
          })
        : placeTitleHold(engine, {
            patronId: patron.id,
            bibId,
            pickupLibraryCode: pickupLibrary,
            comment: comment ?? null,
            overridePatronStanding: overrideStanding,
          }),
    );
    if (holdType === 'TITLE') titleHolds.add(hold.id);
    return actionReply(c, { holdRecord: holdRecord(records, hold) });
  });

  const cancel = (c: Context<Env>, key: string) => {
    const id = parseNumericKey(key, '/circulation/holdRecord');
    const hold = (() => {
      try {
        return requireHold(engine.db, id);
      } catch {
        throw sirsiErrors.recordNotFound('/circulation/holdRecord', key);
      }
    })();
    const session = c.get('session');
    if (session.role === 'PATRON' && session.patronId !== hold.patronId) throw sirsiErrors.accessDenied('a patron may only cancel their own holds');
    return engineCall(() => cancelHold(engine, id));
  };

  app.post(`${base}/circulation/holdRecord/cancelHold`, async (c) => {
    const body = await readJson(c);
    const key = refKey(body.holdRecord);
    if (!key) throw sirsiErrors.fieldRequired('holdRecord');
    return actionReply(c, { holdRecord: holdRecord(records, cancel(c, key)) });
  });

  app.get(`${base}/circulation/holdRecord/key/:key`, recordByKey('/circulation/holdRecord'));
  app.delete(`${base}/circulation/holdRecord/key/:key`, (c) => {
    cancel(c, c.req.param('key'));
    return c.body(null, 204);
  });

  // ---- charges --------------------------------------------------------------------------------

  app.get(`${base}/circulation/circRecord/key/:key`, recordByKey('/circulation/circRecord'));

  app.post(`${base}/circulation/circRecord/checkOut`, async (c) => {
    staffOnly(c, 'a check-out');
    const body = await readJson(c);
    const item = itemByBarcode(text(body.itemBarcode));
    const patron = patronByBarcode(text(body.patronBarcode), 'patronBarcode');
    const library = workingLibrary(c);
    const requested = parseDueDate(body.dueDate);
    const overrideStanding = standingPrompts(c, patron);
    const policy = findItemPolicy(engine.db, item.policy);
    const nonCirculating = prompt(c, 'CIRC_NONCHARGEABLE_OVRCD', policy?.loanable === false, `Item ${item.barcode} (${item.policy}) is not chargeable.`);
    // The engine keeps a borrowed item's loan within the lender's date (dueBackAt) either way.
    const loan = engineCall(() =>
      checkOut(engine, {
        patronId: patron.id,
        itemId: item.id,
        libraryCode: library,
        ...(requested ? { dueDate: requested } : {}),
        overrides: { patronStanding: overrideStanding, nonCirculating },
      }),
    );
    return actionReply(c, { circRecord: circRecord(records, loan, findItem(engine.db, item.id) as Item) });
  });

  /** Discharge (or receive from transit) at the working library; routing as the engine decides. */
  const discharge = (c: Context<Env>, item: Item) => {
    const library = workingLibrary(c);
    const charged = activeLoanForItem(engine.db, item.id) !== undefined;
    const result = engineCall(() => checkIn(engine, { itemId: item.id, libraryCode: library }));
    const currentStatus = { reshelved: 'ON_SHELF', hold_shelf: 'ON_HOLD_SHELF', transit_to_pickup: 'IN_TRANSIT', transit_home: 'IN_TRANSIT' }[result.outcome];
    const advice = {
      reshelved: 'Item discharged; return it to the shelf.',
      hold_shelf: `Item is on hold: place it on the hold shelf at ${result.destinationLibrary.code}.`,
      transit_to_pickup: `Item is on hold: send it in transit to ${result.destinationLibrary.code}.`,
      transit_home: `Send the item in transit to ${result.destinationLibrary.code}.`,
    }[result.outcome];
    return actionReply(
      c,
      {
        item: itemRecord(records, result.item),
        holdRecord: result.hold ? holdRecord(records, result.hold) : null,
      },
      {
        currentStatus,
        primaryAdvice: charged ? advice : `Item was not charged. ${advice}`,
        secondaryAdvice: result.pickupNotice ? ['Hold pickup notice sent.'] : [],
        transit: result.item.status === 'in_transit' ? { resource: '/circulation/transit', key: itemRecord(records, result.item).key } : null,
      },
    );
  };

  app.post(`${base}/circulation/circRecord/checkIn`, async (c) => {
    staffOnly(c, 'a check-in');
    const body = await readJson(c);
    return discharge(c, itemByBarcode(text(body.itemBarcode)));
  });

  app.post(`${base}/circulation/transit/untransit`, async (c) => {
    staffOnly(c, 'receiving an item in transit');
    const body = await readJson(c);
    return discharge(c, itemByBarcode(text(body.itemBarcode)));
  });

  app.get(`${base}/circulation/transit/key/:key`, recordByKey('/circulation/transit'));

  /**
   * Renewal by item barcode, item or charge. Staff may give a `dueDate` (WorkFlows' Renew
   * wizard has one): the charge is then due that day, whatever the renewal policy says.
   */
  app.post(`${base}/circulation/circRecord/renew`, async (c) => {
    const session = c.get('session');
    const body = await readJson(c);
    const barcode = text(body.itemBarcode);
    const circKeyText = refKey(body.circRecord);
    const itemKeyText = refKey(body.item);
    const item = barcode
      ? itemByBarcode(barcode)
      : itemKeyText
        ? itemAtKey(itemKeyText)
        : circKeyText
          ? itemAtKey(circKeyText.split(':').slice(0, 3).join(':'))
          : undefined;
    if (!item) throw sirsiErrors.fieldRequired('itemBarcode');
    const loan = activeLoanForItem(engine.db, item.id);
    if (!loan) throw sirsiErrors.itemNotCharged(item.barcode);
    if (session.role === 'PATRON' && session.patronId !== loan.patronId) throw sirsiErrors.accessDenied('a patron may only renew their own charges');
    const patron = requirePatronById(engine.db, loan.patronId);
    const requested = parseDueDate(body.dueDate);
    if (requested && session.role !== 'STAFF') throw sirsiErrors.accessDenied('only staff may set a due date');
    standingPrompts(c, patron);
    const renewed: Loan = engineCall(() => (requested ? changeDueDate(engine, loan.id, requested) : renewLoan(engine, loan.id)));
    return actionReply(c, { circRecord: circRecord(records, renewed, item) }, { finesAndFeesAssessed: [] });
  });

  // ---- blocks and policies --------------------------------------------------------------------

  app.get(`${base}/circulation/block/key/:key`, recordByKey('/circulation/block'));
  app.get(`${base}/user/patronStatusInfo/key/:key`, recordByKey('/user/patronStatusInfo'));
  app.get(`${base}/policy/:policy/key/:key`, (c) => recordByKey(`/policy/${c.req.param('policy')}`)(c));

  // Registered last: Hono copies routes when the app is mounted, in this order.
  app.all(`${base}/*`, (c) => {
    throw sirsiErrors.unknownPath(new URL(c.req.url).pathname);
  });

  app.onError((error, c) => {
    if (error instanceof SirsiPrompt) return c.json(error.body(), 400);
    const known =
      error instanceof SirsiError
        ? error
        : isEngineError(error)
          ? fromEngineError(error)
          : sirsiErrors.internal(error instanceof Error ? error.message : String(error));
    if (new URL(c.req.url).pathname.startsWith(`${base}/rest/`)) {
      // The legacy calls answer the SDK's fault, not ROA's messageList.
      const wantsJson = /^true$/iu.test(c.req.query('json') ?? '') || /json/iu.test(c.req.header('accept') ?? '');
      const fault = legacyFault(known);
      const { body, contentType } = renderLegacyFault(fault, wantsJson);
      return c.body(body, fault.status, { 'Content-Type': contentType });
    }
    return c.json({ messageList: known.messageList }, known.status as 400);
  });

  // Symphony answers its resources with or without the `/v1` prefix (UVA ils_connector calls
  // both `/v1/user/patron/search` and `/user/patron/search` on the same base).
  const served = app as unknown as Hono;
  let outer: Hono = served;
  if (dialect.v1Alias) {
    outer = new Hono();
    outer.all(`${base}/v1/*`, (c) => {
      const url = new URL(c.req.url);
      url.pathname = `${base}${url.pathname.slice(`${base}/v1`.length)}`;
      return served.fetch(new Request(url, c.req.raw));
    });
    outer.route('/', served);
  }

  return {
    app: outer,
    sessions,
    renderFault(c: Context, fault: InjectedFault) {
      if (fault.kind === 'down') {
        return new Response('<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>', {
          status: 503,
          headers: { 'Content-Type': 'text/html' },
        });
      }
      const status = fault.kind === 'rate_limited' ? 429 : fault.status;
      const code = fault.kind === 'rate_limited' ? 'tooManyRequests' : 'unexpectedError';
      return c.json({ messageList: [{ code, message: 'An injected fault: the request was not processed.' }] }, status as 500);
    },
    reset() {
      sessions.clear();
      titleHolds.clear();
    },
  };
}

/** Item notes written as `customInformation` entries (v1 or v2). */
function readNotes(value: unknown): { type: NoteType; data: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw sirsiErrors.badRequest('customInformation must be a list.');
  return value.map((entry) => {
    const record = isInputRecord(entry) ? entry : readRecord(entry);
    const type = refKey(record.fields.itemExtendedInformation);
    if (!type || !(noteTypes as readonly string[]).includes(type)) throw sirsiErrors.invalidPolicy('itemExtendedInformation', String(type));
    return { type: type as NoteType, data: typeof record.fields.data === 'string' ? record.fields.data : '' };
  });
}

/** ILSWS MARC JSON (`{leader, fields:[{tag, inds, subfields:[{code, data}]}]}`) as an engine record. */
function marcFromJson(value: unknown): MarcRecord {
  if (!isObject(value) || !Array.isArray(value.fields)) throw sirsiErrors.fieldRequired('bib (MARC record with fields)');
  const record: MarcRecord = { leader: typeof value.leader === 'string' ? value.leader : '00000nam a2200000 a 4500', controlFields: [], dataFields: [] };
  for (const field of value.fields) {
    if (!isObject(field) || typeof field.tag !== 'string' || !Array.isArray(field.subfields))
      throw sirsiErrors.badRequest('Every MARC field needs a tag and subfields.');
    const subfields = field.subfields.filter(isObject).map((s) => ({ code: String(s.code ?? ''), value: String(s.data ?? '') }));
    const control = subfields.find((s) => s.code === '_');
    if (control && subfields.length === 1) {
      record.controlFields.push({ tag: field.tag, value: control.value });
      continue;
    }
    const inds = typeof field.inds === 'string' ? field.inds.padEnd(2, ' ') : '  ';
    record.dataFields.push({ tag: field.tag, ind1: inds[0] ?? ' ', ind2: inds[1] ?? ' ', subfields });
  }
  return record;
}
