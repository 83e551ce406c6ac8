import { type IdNormaliser, sierraRecordNumber, stripNonDigitPrefix } from './normalise.ts';
import type { InitiationHeader, NcipVersion } from './types.ts';

/**
 * How one ILS (or one site) wants NCIP written. Data, not subclasses: a library's settings can
 * start from a ready profile and override fields ({ ...profiles.sierra, requestItem: … }).
 */
export interface NcipProfile {
  name: string;
  version: NcipVersion;
  /** NCIP 2 only: write the http://www.niso.org/2008/ncip namespace (some responders choke on it). */
  namespace: boolean;
  agencyIdScheme?: string;
  /** Agency ids must look like this (OCLC registry ids are numeric); checked when building. */
  agencyIdPattern?: RegExp;
  systemIdScheme?: string;
  systemIds?: { from?: string; to?: string };
  applicationProfileType?: string;
  applicationProfileScheme?: string;
  userIdentifierType?: 'Barcode Id' | 'Barcode' | 'Institution Id Number' | (string & {});
  userIdentifierTypeScheme?: string;
  itemIdentifierType?: 'Barcode' | 'Barcode Id' | 'Accession Number' | (string & {});
  itemIdentifierTypeScheme?: string;
  requestIdentifierType?: string;
  requestIdentifierTypeScheme?: string;
  requestedActionScheme?: string;
  pickupLocationScheme?: string;
  requestItem: {
    requestType: 'Hold' | 'Loan' | 'Page' | (string & {});
    requestScope: 'Item' | 'Bibliographic Item' | 'Title' | (string & {});
    /** BibliographicRecordIdentifierCode for RequestItem's bib id; without it the ILS agency qualifies it. */
    bibliographicRecordIdCode?: string;
  };
  acceptItemRequestedAction: 'Hold For Pickup And Notify' | 'Hold For Pickup' | 'Hold For Fulfillment' | (string & {});
  normalise: { userId?: IdNormaliser; itemId?: IdNormaliser; bibId?: IdNormaliser };
  /** Strip accents from bibliographic text in AcceptItem (responders that store ASCII only). */
  stripDiacritics: boolean;
  /** Currency for Amounts that do not name one. */
  currencyCode: string;
}

export const NISO_V1_AGENCY_SCHEME = 'http://www.niso.org/ncip/v1_0/schemes/agency.scm';
const OCLC = 'http://oclc.org/ncip/schemes';

export const alma: NcipProfile = {
  name: 'alma',
  version: '2.02',
  namespace: true,
  // The application profile is the Alma resource-sharing partner code, set per library in the header.
  userIdentifierType: 'Barcode Id',
  itemIdentifierType: 'Barcode',
  requestItem: { requestType: 'Hold', requestScope: 'Item' },
  acceptItemRequestedAction: 'Hold For Pickup And Notify',
  normalise: {},
  stripDiacritics: false,
  currencyCode: 'USD',
};

export const sierra: NcipProfile = {
  name: 'sierra',
  version: '2.02',
  namespace: true,
  userIdentifierType: 'Barcode Id',
  itemIdentifierType: 'Barcode',
  // ReShare's Sierra adapter: a title-level hold on the bare bib record number.
  requestItem: { requestType: 'Hold', requestScope: 'Title' },
  acceptItemRequestedAction: 'Hold For Pickup',
  normalise: { bibId: sierraRecordNumber('b') },
  stripDiacritics: false,
  currencyCode: 'USD',
};

export const millennium: NcipProfile = { ...sierra, name: 'millennium' };

export const wms: NcipProfile = {
  name: 'wms',
  version: '2.02',
  namespace: true,
  agencyIdScheme: `${OCLC}/agencyid/institutionid.scm`,
  agencyIdPattern: /^\d+$/,
  systemIdScheme: `${OCLC}/systemid/oclcsystemid.scm`,
  systemIds: { from: 'Bookstrap', to: 'WMS Circ' },
  applicationProfileType: '2.00',
  applicationProfileScheme: `${OCLC}/applicationprofiletype/circillapplicationprofiletype.scm`,
  userIdentifierType: 'Barcode',
  itemIdentifierType: 'Barcode',
  requestIdentifierType: 'ILL Request Id',
  requestIdentifierTypeScheme: `${OCLC}/requestidentifiertype/circillrequestidentifiertype.scm`,
  requestedActionScheme: 'http://www.oclc.org/ncip/schemes/ws-illv1_0requestedactiontype/requestedactiontype.scm',
  pickupLocationScheme: `${OCLC}/pickuplocation/branchid.scm`,
  requestItem: { requestType: 'Hold', requestScope: 'Bibliographic Item' },
  acceptItemRequestedAction: 'Hold For Fulfillment',
  normalise: {},
  stripDiacritics: false,
  currencyCode: 'USD',
};

export const symphony: NcipProfile = {
  name: 'symphony',
  version: '1.0',
  namespace: false,
  agencyIdScheme: NISO_V1_AGENCY_SCHEME,
  requestItem: { requestType: 'Hold', requestScope: 'Bibliographic Item' },
  acceptItemRequestedAction: 'Hold For Pickup',
  // Catalogue keys go without their letter prefix; a site's patron prefix is added per library
  // with prefixNormaliser.
  normalise: { bibId: stripNonDigitPrefix },
  stripDiacritics: false,
  currencyCode: 'USD',
};

export const horizon: NcipProfile = {
  name: 'horizon',
  version: '1.0',
  namespace: false,
  agencyIdScheme: NISO_V1_AGENCY_SCHEME,
  requestItem: { requestType: 'Hold', requestScope: 'Item' },
  acceptItemRequestedAction: 'Hold For Pickup',
  normalise: {},
  stripDiacritics: false,
  currencyCode: 'USD',
};

export const profiles = { alma, sierra, millennium, wms, symphony, horizon } as const;
export type ProfileName = keyof typeof profiles;

export function getProfile(name: string): NcipProfile | undefined {
  return Object.hasOwn(profiles, name) ? profiles[name as ProfileName] : undefined;
}

/** Header problems a library can fix in its settings; an empty list means the header is usable. */
export function checkHeader(profile: NcipProfile, header: InitiationHeader): string[] {
  const issues: string[] = [];
  for (const [label, value] of [
    ['From agency id', header.fromAgencyId],
    ['To agency id', header.toAgencyId],
  ] as const) {
    if (value.trim() === '') issues.push(`${label} is empty.`);
    else if (profile.agencyIdPattern && !profile.agencyIdPattern.test(value)) {
      issues.push(`${label} "${value}" is not valid for ${profile.name} (expected ${profile.agencyIdPattern.source}).`);
    }
  }
  return issues;
}
