/**
 * Alma's NCIP responder (`/view/NCIPServlet`): the generic responder with Alma's rules as data.
 * Alma is responder only; its broker profiles (v2, and v1 on the same servlet) offer LookupUser,
 * AcceptItem, RequestItem, CheckOutItem, CheckInItem, CancelRequestItem and RenewItem — no
 * DeleteItem, LookupItem or fiscal transactions (those go through the REST API). ToAgencyId is
 * the institution code and ApplicationProfileType a resource-sharing partner code.
 */
import { profiles } from '@bookstrap/ncip';
import { createNcipResponder, type NcipResponder } from '../../ncip/responder.ts';
import type { VendorRuntime } from '../types.ts';
import { almaDemo } from './demo.ts';
import { fromAlmaId, toAlmaId } from './ids.ts';

export const almaNcipPath = '/view/NCIPServlet';

export interface AlmaNcipSettings {
  institutionCode: string;
  /** Resource-sharing partners defined as NCIP partners in this institution. */
  partnerCodes: readonly string[];
  /**
   * The user each partner's loans go to (partner code → user identifier), and the account of a
   * borrowing library by symbol (CrossLink's `INST-{symbol}`).
   */
  partnerAccounts?: { byPartner: Readonly<Record<string, string>>; bySymbol: Readonly<Record<string, string>> };
}

export function createAlmaNcipResponder(runtime: Pick<VendorRuntime, 'engine' | 'personality'>, settings: AlmaNcipSettings): NcipResponder {
  return createNcipResponder({
    profile: profiles.alma,
    runtime,
    config: {
      agencyIds: [settings.institutionCode],
      applicationProfiles: { codes: settings.partnerCodes, problemType: 'Unknown partner' },
      // A service Alma's responder does not offer is "Service is not known": the words the ILLiad
      // Alma NCIP addon matches on (reference/vendor-apis.md §1).
      problemWords: (problem) => (/^unsupported service$/i.test(problem.type) ? { ...problem, type: 'Service is not known' } : undefined),
      services: ['LookupUser', 'AcceptItem', 'RequestItem', 'CheckOutItem', 'CheckInItem', 'CancelRequestItem', 'RenewItem'],
      versions: ['2.02', '1.0'],
      // Alma finds users by any unique identifier (user_id_type=all_unique).
      userIdentifier: 'any',
      temporaryItems: {
        library: almaDemo.illLibrary,
        location: almaDemo.illLocation,
        policy: almaDemo.itemPolicies.interlibraryLoan,
        libraryUseOnlyPolicy: almaDemo.itemPolicies.libraryUseOnly,
      },
      // Resource sharing loans and returns happen at the resource sharing desk.
      circulation: { library: almaDemo.resourceSharingDesk.library, desk: almaDemo.resourceSharingDesk.circDesk },
      // Alma lends to the partner, not to a patron the message names: a CheckOutItem whose UserId
      // is no Alma user ("-" from ReShare's AlmaHostLMSService, INST-{symbol} from CrossLink, or
      // none) is loaned to the partner's account (Ex Libris, "Resource Sharing Partners": the
      // partner record carries the lender/borrower user the loans are made to).
      partnerBorrower: (header, userId) => {
        const accounts = settings.partnerAccounts;
        if (!accounts) return undefined;
        const symbol = userId === undefined ? undefined : /^INST-(.+)$/iu.exec(userId)?.[1]?.toUpperCase();
        if (symbol !== undefined && accounts.bySymbol[symbol] !== undefined) return accounts.bySymbol[symbol];
        const partner = Object.keys(accounts.byPartner).find((code) => code.toLowerCase() === (header.applicationProfileType ?? '').trim().toLowerCase());
        return partner === undefined ? undefined : accounts.byPartner[partner];
      },
      ids: {
        request: { format: (id) => toAlmaId('request', id), parse: (id) => fromAlmaId('request', id) },
        fee: (id) => toAlmaId('fee', id),
        bib: (id) => fromAlmaId('bib', id),
      },
    },
  });
}
