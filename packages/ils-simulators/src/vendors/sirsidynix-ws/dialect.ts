/**
 * What differs between SirsiDynix Symphony's ILSWS and Horizon's Web Services (both "ROA"):
 * where the resources live, how a patron search is written, which patron fields exist, and what
 * the ROA layer of each product can do.
 */
import type { PatronSearchTerm } from '../../engine/patrons.ts';
import { sirsiErrors } from './errors.ts';

export interface SirsiDynixDialect {
  vendor: 'symphony' | 'horizon';
  displayName: string;
  /** the site's webapp path (Symphony `/symws`), plus `/v1` where the product prefixes resources */
  basePath: string;
  /** `q` of `/user/patron/search` as engine terms (all must match) */
  patronSearch(q: string): PatronSearchTerm[];
  /** Horizon's ROA does not expand `{*}` inside a relation */
  nestedWildcard: boolean;
  /** Symphony answers 403 to requests without a User-Agent (UVA's ils-connector notes) */
  requireUserAgent: boolean;
  /** the patron's group: Symphony `profile` (/policy/userProfile), Horizon `patronType` */
  patronGroup: { field: 'profile' | 'patronType'; resource: '/policy/userProfile' | '/policy/patronType' };
  /** Symphony has `standing` and `patronStatusInfo` on a patron; Horizon shows blocks only */
  patronStanding: boolean;
  /** Symphony items move between locations through `PUT /catalog/item`; Horizon's ROA cannot */
  itemLocationsWritable: boolean;
  /** Symphony's `/user/patron/authenticate` (PIN check without a session) */
  patronAuthenticate: boolean;
  /** Symphony's webapp also answers every resource under `/v1` (`/symws/v1/user/…`) */
  v1Alias: boolean;
}

/** `ID:21000000001001`, `ALT_ID:jane.doe1`, `NAME:doe`; several terms separated by commas. */
function symphonyPatronSearch(q: string): PatronSearchTerm[] {
  return q.split(',').map((term) => {
    const match = /^\s*([A-Z_]+):(.*)$/.exec(term);
    if (!match) throw sirsiErrors.badRequest(`Search term "${term}" is not INDEX:value.`);
    const [, index, raw] = match as unknown as [string, string, string];
    const text = raw.trim();
    switch (index) {
      case 'ID':
        return { field: 'barcode', value: text, match: 'equals' };
      case 'ALT_ID':
        return { field: 'primaryId', value: text, match: 'equals' };
      case 'NAME':
        return { field: 'any', value: text, match: 'contains' };
      case 'EMAIL':
        return { field: 'email', value: text, match: 'equals' };
      default:
        throw sirsiErrors.invalidSearchIndex(index);
    }
  });
}

/** Horizon indexes are `table|number`: `borr|2:{barcode}` is the borrower barcode (Pika's Horizon driver). */
function horizonPatronSearch(q: string): PatronSearchTerm[] {
  return q.split(',').map((term) => {
    const match = /^\s*([a-z]+\|\d+):(.*)$/.exec(term);
    if (!match) throw sirsiErrors.badRequest(`Search term "${term}" is not index|n:value.`);
    const [, index, raw] = match as unknown as [string, string, string];
    if (index !== 'borr|2') throw sirsiErrors.invalidSearchIndex(index);
    return { field: 'barcode', value: raw.trim(), match: 'equals' };
  });
}

export const symphonyDialect: SirsiDynixDialect = {
  vendor: 'symphony',
  displayName: 'SirsiDynix Symphony',
  basePath: '/symws',
  patronSearch: symphonyPatronSearch,
  nestedWildcard: true,
  requireUserAgent: true,
  patronGroup: { field: 'profile', resource: '/policy/userProfile' },
  patronStanding: true,
  itemLocationsWritable: true,
  patronAuthenticate: true,
  v1Alias: true,
};

export const horizonDialect: SirsiDynixDialect = {
  vendor: 'horizon',
  displayName: 'SirsiDynix Horizon',
  basePath: '/hzws/v1',
  patronSearch: horizonPatronSearch,
  nestedWildcard: false,
  requireUserAgent: false,
  patronGroup: { field: 'patronType', resource: '/policy/patronType' },
  patronStanding: false,
  itemLocationsWritable: false,
  patronAuthenticate: false,
  v1Alias: false,
};
