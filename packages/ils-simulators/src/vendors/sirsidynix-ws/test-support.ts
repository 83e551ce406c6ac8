/** Shared helpers for the Symphony and Horizon façade tests: an in-process simulator and a WS client. */
import { fixedClock } from '../../clock.ts';
import { createSimulator, type SimulatorOptions } from '../../simulator.ts';
import { testNow } from '../../testing.ts';
import { horizonDemo } from '../horizon/demo.ts';
import { symphonyDemo } from '../symphony/demo.ts';
import { V2_MEDIA_TYPE } from './representation.ts';

/** Response bodies in tests: asserted field by field, so loosely typed on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Loose = Record<string, any>;

export interface WsCall {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** `v2` asks for the flattened `@resource` representation */
  version?: 'v1' | 'v2';
  /** no session token (login, gateway tests) */
  anonymous?: boolean;
}

export function sirsiSimulator(vendor: 'symphony' | 'horizon', options: Partial<SimulatorOptions> = {}) {
  const demo = vendor === 'symphony' ? symphonyDemo : horizonDemo;
  const sim = createSimulator({ vendor, clock: fixedClock(testNow), ...options });
  let token: string | undefined;

  const raw = (path: string, init: RequestInit = {}) => sim.app.request(`${demo.basePath}${path}`, init);

  const baseHeaders = (call: WsCall): Record<string, string> => ({
    'User-Agent': 'bookstrap-tests',
    'x-sirs-clientID': demo.clientId,
    'SD-Originating-App-Id': 'Bookstrap',
    Accept: call.version === 'v2' ? V2_MEDIA_TYPE : 'application/json',
    ...(call.body === undefined ? {} : { 'Content-Type': call.version === 'v2' ? V2_MEDIA_TYPE : 'application/json' }),
  });

  /** JSON in, JSON out, with a staff session opened on first use. */
  const ws = async (path: string, call: WsCall = {}) => {
    if (!call.anonymous && token === undefined) token = await login();
    const response = await raw(path, {
      method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
      headers: { ...baseHeaders(call), ...(call.anonymous ? {} : { 'x-sirs-sessionToken': token as string }), ...call.headers },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as Loose };
  };

  const login = async (): Promise<string> => {
    const response = await ws('/user/staff/login', { anonymous: true, body: { login: demo.staff.login, password: demo.staff.password } });
    if (response.status !== 200) throw new Error(`staff login failed: ${JSON.stringify(response.body)}`);
    return response.body.sessionToken as string;
  };

  const ncip = async (xml: string) => {
    const response = await sim.app.request(demo.ncip.path, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: xml });
    return { status: response.status, text: await response.text() };
  };

  return { sim, demo, ws, raw, login, ncip, forgetSession: () => (token = undefined) };
}

/** A temporary item as an ILL integration creates it: one POST of title + call + item (v2). */
export function temporaryTitle(options: { title: string; barcode: string; requestId: string; library?: string; location?: string; itemType?: string }) {
  return {
    '@resource': '/catalog/bib',
    catalogFormat: { '@resource': '/policy/catalogFormat', '@key': 'MARC' },
    shadowed: true,
    bib: {
      standard: 'MARC21',
      type: 'BIB',
      leader: '00000nam a2200000 a 4500',
      fields: [
        { tag: '100', inds: '1 ', subfields: [{ code: 'a', data: 'Lender, Author' }] },
        { tag: '245', inds: '10', subfields: [{ code: 'a', data: `${options.title} /` }] },
      ],
    },
    callList: [
      {
        '@resource': '/catalog/call',
        callNumber: 'AUTO',
        classification: { '@resource': '/policy/classification', '@key': 'LC' },
        library: { '@resource': '/policy/library', '@key': options.library ?? 'MAIN' },
        itemList: [
          {
            '@resource': '/catalog/item',
            barcode: options.barcode,
            itemType: { '@resource': '/policy/itemType', '@key': options.itemType ?? 'ILL' },
            homeLocation: { '@resource': '/policy/location', '@key': options.location ?? 'ILL' },
            customInformation: [
              {
                '@resource': '/catalog/item/customInformation',
                itemExtendedInformation: { '@resource': '/policy/itemExtendedInformation', '@key': 'CIRCNOTE' },
                data: `ILL request ${options.requestId} from LENDA`,
              },
            ],
          },
        ],
      },
    ],
  };
}
