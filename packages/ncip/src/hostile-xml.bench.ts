import { bench, describe } from 'vitest';
import { alma } from './profiles.ts';
import { header } from './testing.ts';
import { buildRequest } from './wire/build-request.ts';
import { parseRequest } from './wire/parse-request.ts';

/**
 * Issue "NCIP on both sides": hostile XML is refused *quickly*. A speed is measured here, as a
 * benchmark (`pnpm --filter @bookstrap/ncip bench`), not asserted in a timed unit test; the unit
 * tests check that each body is refused and how. Compare the hostile rows with the ordinary
 * LookupUser: refusing must cost no more than parsing a real message.
 */
const lookup = buildRequest({ service: 'LookupUser', header, userId: 'P1' }, alma);
const entities = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
const billionLaughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${entities}]><lolz>&lol10;</lolz>`;
const externalEntity = `<?xml version="1.0"?><!DOCTYPE NCIPMessage [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><NCIPMessage>&xxe;</NCIPMessage>`;
const oversized = lookup.replace('<NCIPMessage', `<!--${'x'.repeat(1024 * 1024)}--><NCIPMessage`);
const deepNesting = `<NCIPMessage xmlns="http://www.niso.org/2008/ncip">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</NCIPMessage>`;

describe('parseRequest: refusing hostile XML vs parsing a real message', () => {
  bench('ordinary LookupUser (baseline)', () => {
    parseRequest(lookup);
  });
  bench('billion laughs', () => {
    parseRequest(billionLaughs);
  });
  bench('external entity (file:///etc/passwd)', () => {
    parseRequest(externalEntity);
  });
  bench('1 MiB over the size limit', () => {
    parseRequest(oversized);
  });
  bench('5,000 levels of nesting', () => {
    parseRequest(deepNesting);
  });
});
