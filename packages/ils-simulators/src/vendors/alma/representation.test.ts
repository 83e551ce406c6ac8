import { describe, expect, it } from 'vitest';
import { fromXml, readBoolean, readCode, readText, toXml, XmlBodyError } from './representation.ts';

describe('Alma XML ⇄ JSON mapping', () => {
  it('writes coded fields as text with attributes, list wrappers, booleans and nulls', () => {
    const xml = toXml('user', {
      primary_id: 'a&b',
      user_group: { value: 'GRAD', desc: 'Graduate' },
      purge_date: null,
      loans: { value: 2, link: 'http://x/loans' },
      user_identifier: [{ id_type: { value: 'BARCODE', desc: 'Barcode' }, value: '123', segment_type: 'Internal' }],
      user_block: [],
      contact_info: { email: [{ email_address: 'a@b', preferred: true, email_type: [{ value: 'personal', desc: 'Personal' }] }] },
      active: false,
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><user><primary_id>a&amp;b</primary_id>' +
        '<user_group desc="Graduate">GRAD</user_group><loans link="http://x/loans">2</loans>' +
        '<user_identifiers><user_identifier segment_type="Internal"><id_type desc="Barcode">BARCODE</id_type><value>123</value></user_identifier></user_identifiers>' +
        '<user_blocks/><contact_info><emails><email preferred="true"><email_address>a@b</email_address>' +
        '<email_types><email_type desc="Personal">personal</email_type></email_types></email></emails></contact_info>' +
        '<active>false</active></user>',
    );
  });

  it('reads XML back into the JSON shape', () => {
    const { root, body } = fromXml(
      '<?xml version="1.0"?><user><user_group desc="Graduate">GRAD</user_group><user_identifiers><user_identifier segment_type="Internal"><value>1</value></user_identifier></user_identifiers><user_blocks/><in_temp_location>true</in_temp_location></user>',
    );
    expect(root).toBe('user');
    expect(body).toEqual({
      user_group: { value: 'GRAD', desc: 'Graduate' },
      user_identifier: [{ segment_type: 'Internal', value: '1' }],
      user_block: [],
      in_temp_location: 'true',
    });
    expect(readCode(body, 'user_group')).toBe('GRAD');
    expect(readBoolean(body, 'in_temp_location')).toBe(true);
    expect(readText(body, 'missing')).toBe('');
  });

  it('refuses malformed XML and entity declarations', () => {
    expect(() => fromXml('<a><b></a>')).toThrow(XmlBodyError);
    expect(() => fromXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toThrow(XmlBodyError);
    expect(() => fromXml('<a/><b/>')).toThrow(XmlBodyError);
  });
});
