import { describe, expect, it } from 'vitest';
import { prefixNormaliser } from './normalise.ts';
import { type NcipProfile, alma, checkHeader, getProfile, horizon, millennium, profiles, sierra, symphony, wms } from './profiles.ts';
import { header } from './testing.ts';
import { buildRequest } from './wire/build-request.ts';
import { parseRequest } from './wire/parse-request.ts';

describe('profiles registry', () => {
  it('has the six ILSs, keyed by their own names', () => {
    expect(Object.keys(profiles)).toEqual(['alma', 'sierra', 'millennium', 'wms', 'symphony', 'horizon']);
    for (const [key, p] of Object.entries(profiles)) expect(p.name).toBe(key);
  });

  it('getProfile finds ready profiles and nothing else', () => {
    expect(getProfile('wms')).toBe(wms);
    expect(getProfile('toString')).toBeUndefined();
    expect(getProfile('koha')).toBeUndefined();
  });

  it('Symphony and Horizon speak NCIP 1, the others NCIP 2', () => {
    expect(Object.values(profiles).map((p) => [p.name, p.version])).toEqual([
      ['alma', '2.02'],
      ['sierra', '2.02'],
      ['millennium', '2.02'],
      ['wms', '2.02'],
      ['symphony', '1.0'],
      ['horizon', '1.0'],
    ]);
  });
});

describe('profile conventions on the wire', () => {
  const wmsHeader = { fromAgencyId: '128807', toAgencyId: '129479' };

  it('WMS: OCLC system ids, registry agency ids, application profile 2.00, ILL Request Id, Hold For Fulfillment, Barcode, branch pickup', () => {
    const xml = buildRequest(
      { service: 'AcceptItem', header: wmsHeader, requestId: '100234', userId: '2200555', itemId: '100234', pickupLocation: '129479' },
      wms,
    );
    const oclc = 'http://oclc.org/ncip/schemes';
    for (const fragment of [
      `<FromSystemId ncip:Scheme="${oclc}/systemid/oclcsystemid.scm">Bookstrap</FromSystemId>`,
      `<ToSystemId ncip:Scheme="${oclc}/systemid/oclcsystemid.scm">WMS Circ</ToSystemId>`,
      `<FromAgencyId><AgencyId ncip:Scheme="${oclc}/agencyid/institutionid.scm">128807</AgencyId></FromAgencyId>`,
      `<ApplicationProfileType ncip:Scheme="${oclc}/applicationprofiletype/circillapplicationprofiletype.scm">2.00</ApplicationProfileType>`,
      `<RequestIdentifierType ncip:Scheme="${oclc}/requestidentifiertype/circillrequestidentifiertype.scm">ILL Request Id</RequestIdentifierType>`,
      '>Hold For Fulfillment</RequestedActionType>',
      '<UserIdentifierType>Barcode</UserIdentifierType>',
      '<ItemIdentifierType>Barcode</ItemIdentifierType>',
      `<PickupLocation ncip:Scheme="${oclc}/pickuplocation/branchid.scm">129479</PickupLocation>`,
    ]) {
      expect(xml).toContain(fragment);
    }
  });

  it('Alma: the partner code travels as ApplicationProfileType; AcceptItem asks to hold and notify', () => {
    const xml = buildRequest({ service: 'AcceptItem', header: { ...header, applicationProfileType: 'OKLA_PARTNER' }, requestId: '1', userId: 'P1' }, alma);
    expect(xml).toContain('<ApplicationProfileType>OKLA_PARTNER</ApplicationProfileType>');
    expect(xml).toContain('<RequestedActionType>Hold For Pickup And Notify</RequestedActionType>');
    expect(xml).toContain('<UserIdentifierType>Barcode Id</UserIdentifierType>');
  });

  it.each([sierra, millennium])('$name: title hold on the bare bib number', (profile) => {
    const xml = buildRequest({ service: 'RequestItem', header, userId: 'ILLACCT', bibliographicId: { identifier: '.b1427219x' } }, profile);
    expect(xml).toContain('<BibliographicRecordIdentifier>1427219</BibliographicRecordIdentifier>');
    expect(xml).toContain('<RequestType>Hold</RequestType><RequestScopeType>Title</RequestScopeType>');
  });

  it('Symphony: Bibliographic Item hold on the catalogue key without its letter prefix; NCIP 1', () => {
    const parsed = parseRequest(buildRequest({ service: 'RequestItem', header, userId: 'ILL-OKLA', bibliographicId: { identifier: 'a123456' } }, symphony));
    expect(parsed).toMatchObject({
      ok: true,
      version: '1.0',
      request: { bibliographicId: { identifier: '123456' }, requestType: 'Hold', requestScopeType: 'Bibliographic Item' },
    });
  });

  it('Horizon: item-level hold, NCIP 1, Hold For Pickup', () => {
    const parsed = parseRequest(buildRequest({ service: 'RequestItem', header, userId: 'ILL-OKLA', itemId: '3100' }, horizon));
    expect(parsed).toMatchObject({ ok: true, version: '1.0', request: { requestType: 'Hold', requestScopeType: 'Item' } });
    const accept = parseRequest(buildRequest({ service: 'AcceptItem', header, requestId: '1' }, horizon));
    expect(accept).toMatchObject({ ok: true, request: { requestedActionType: 'Hold For Pickup' } });
  });

  it('a site user-id prefix is a normaliser in the library settings, not a new profile', () => {
    const site: NcipProfile = { ...symphony, normalise: { ...symphony.normalise, userId: prefixNormaliser('ILL-', 'add') } };
    const parsed = parseRequest(buildRequest({ service: 'CheckOutItem', header, userId: 'OKLA', itemId: '3100' }, site));
    expect(parsed).toMatchObject({ ok: true, request: { userId: 'ILL-OKLA' } });
  });

  it('stripDiacritics applies to bibliographic text in AcceptItem, not to identifiers', () => {
    const voyagerLike: NcipProfile = { ...symphony, name: 'voyager-like', stripDiacritics: true };
    const parsed = parseRequest(
      buildRequest(
        {
          service: 'AcceptItem',
          header,
          requestId: 'é1',
          itemId: 'é1',
          bibliographicDescription: { title: 'Thérèse Raquin', author: 'Zola, Émile', publisher: 'Flammarion' },
        },
        voyagerLike,
      ),
    );
    expect(parsed).toMatchObject({
      ok: true,
      request: { requestId: 'é1', itemId: 'é1', bibliographicDescription: { title: 'Therese Raquin', author: 'Zola, Emile' } },
    });
    const kept = parseRequest(buildRequest({ service: 'AcceptItem', header, requestId: '1', bibliographicDescription: { title: 'Thérèse' } }, symphony));
    expect(kept).toMatchObject({ ok: true, request: { bibliographicDescription: { title: 'Thérèse' } } });
  });

  it('a configured bib id code replaces the agency qualifier', () => {
    const evergreenLike: NcipProfile = { ...alma, requestItem: { ...alma.requestItem, bibliographicRecordIdCode: 'BibID' } };
    const xml = buildRequest({ service: 'RequestItem', header, userId: 'U', bibliographicId: { identifier: '42' } }, evergreenLike);
    expect(xml).toContain(
      '<BibliographicRecordIdentifier>42</BibliographicRecordIdentifier><BibliographicRecordIdentifierCode>BibID</BibliographicRecordIdentifierCode>',
    );
  });
});

describe('checkHeader', () => {
  it('reports empty agencies and ids that do not fit the profile', () => {
    expect(checkHeader(alma, header)).toEqual([]);
    expect(checkHeader(alma, { fromAgencyId: ' ', toAgencyId: 'X' })).toEqual(['From agency id is empty.']);
    expect(checkHeader(wms, { fromAgencyId: 'OKLA', toAgencyId: '129479' })).toEqual(['From agency id "OKLA" is not valid for wms (expected ^\\d+$).']);
    expect(checkHeader(wms, { fromAgencyId: '128807', toAgencyId: '129479' })).toEqual([]);
  });
});
