/**
 * Sierra's NCIP Responder (Innovative's separately licensed product, the same one Millennium
 * runs): the generic responder with Innovative's rules as data. NCIP 2.0 only; patrons are named
 * by barcode (Tipasa: the ILL institution account needs one); LookupUser, LookupItem, AcceptItem
 * (temporary bib + item + hold), RequestItem/CancelRequestItem (a hold for the institutional
 * patron), CheckOutItem, CheckInItem, RenewItem and DeleteItem — no fiscal transactions (fees go
 * through the REST API). RequestItem's bib id is the bare record number (ReShare drops the `.b`
 * and the check digit; the ncip profile's normaliser does that on the way out).
 */
import { type NcipProblem, profiles } from '@bookstrap/ncip';
import { createNcipResponder, type NcipResponder } from '../../ncip/responder.ts';
import type { DemoDataset } from '../../seed.ts';
import type { VendorRuntime } from '../types.ts';
import { fromSierraId, sierraPickupLocations, toSierraId } from './ids.ts';

export const innovativeNcipServices = [
  'LookupUser',
  'LookupItem',
  'AcceptItem',
  'RequestItem',
  'CancelRequestItem',
  'CheckOutItem',
  'CheckInItem',
  'RenewItem',
  'DeleteItem',
] as const;

export interface InnovativeNcipSettings {
  agencyId: string;
  /** the ILL office: where AcceptItem shelves temporary items and NCIP circulation happens */
  illLibrary: string;
  illLocation: string;
  illItemPolicy: string;
  /** the item policy of temporary items AcceptItem marks "In Library Use Only" */
  libraryUseOnlyPolicy: string;
  profile: 'sierra' | 'millennium';
  /** the ILL check-out location set in the responder for the ILL system (see NcipResponderConfig) */
  checkOutLocation?: { library: string; location: string };
}

/**
 * Innovative's words for a Problem (personality `problemWording: vendor`): a numeric ProblemType
 * and the words in ProblemDetail, as NYPL's checkin-request-service captures Sierra's answers
 * (tests/Stubs: 9016 "Unknown Item", 9022 "Item is Not Checked Out"; corpus nypl-checkin/). Other
 * Problems keep NISO's words: no capture shows their codes (NYPL also maps a 5000, meaning unknown).
 */
export function innovativeProblemWords(problem: NcipProblem): NcipProblem | undefined {
  if (/^unknown item$/i.test(problem.type)) return { ...problem, type: '9016', detail: 'Unknown Item' };
  if (/^item not checked out$/i.test(problem.type)) return { ...problem, type: '9022', detail: 'Item is Not Checked Out' };
  return undefined;
}

export function createInnovativeNcipResponder(
  runtime: Pick<VendorRuntime, 'engine' | 'personality'> & { dataset: DemoDataset },
  settings: InnovativeNcipSettings,
): NcipResponder {
  return createNcipResponder({
    profile: profiles[settings.profile],
    runtime,
    config: {
      agencyIds: [settings.agencyId],
      services: innovativeNcipServices,
      versions: ['2.02'],
      userIdentifier: 'barcode',
      problemWords: innovativeProblemWords,
      // NYPL's checkin-request-service sends CheckInItem with no InitiationHeader and Sierra answers it.
      initiationHeaderOptional: true,
      temporaryItems: {
        library: settings.illLibrary,
        location: settings.illLocation,
        policy: settings.illItemPolicy,
        libraryUseOnlyPolicy: settings.libraryUseOnlyPolicy,
      },
      circulation: { library: settings.illLibrary },
      ...(settings.checkOutLocation ? { checkOutLocation: settings.checkOutLocation } : {}),
      pickupLocations: Object.fromEntries(sierraPickupLocations(runtime.dataset).map((pickup) => [pickup.code, pickup.library])),
      ids: {
        request: { format: (holdId) => String(toSierraId('hold', holdId)), parse: (requestId) => fromSierraId('hold', requestId) },
        bib: (recordNumber) => fromSierraId('bib', recordNumber.replace(/^\.?b/u, '')),
      },
    },
  });
}
