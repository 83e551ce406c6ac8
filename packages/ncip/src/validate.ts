/**
 * Schema check for NCIP 2 messages, for tests (ours and the simulators'). Kept out of index.ts
 * because xmllint-wasm is a dev dependency: import it as '@bookstrap/ncip/validate'.
 */
import { readFile } from 'node:fs/promises';
import { validateXML } from 'xmllint-wasm';

/** The shared standards folder sits beside the repository checkout (../shared). */
export const NCIP2_XSD_URL = new URL('../../../../shared/standards/ncip_v2_02.xsd', import.meta.url);

export interface NcipValidation {
  valid: boolean;
  errors: string[];
}

let schema: Promise<string> | undefined;

/**
 * Validates every document against ncip_v2_02.xsd in one xmllint run (a run costs about as much
 * as its start-up, so batch documents). Results are in input order.
 */
export async function validateNcip2(xmlStrings: readonly string[]): Promise<{ valid: boolean; results: NcipValidation[] }> {
  if (xmlStrings.length === 0) return { valid: true, results: [] };
  schema ??= readFile(NCIP2_XSD_URL, 'utf8');
  const names = xmlStrings.map((_, i) => `message-${i}.xml`);
  const result = await validateXML({
    xml: xmlStrings.map((contents, i) => ({ fileName: names[i] as string, contents })),
    schema: [{ fileName: 'ncip_v2_02.xsd', contents: await schema }],
  });
  const results = names.map((name): NcipValidation => {
    const errors = result.errors
      .filter((e) => e.loc?.fileName === name || e.rawMessage.startsWith(`${name}:`) || e.rawMessage.startsWith(`${name} `))
      .map((e) => e.rawMessage)
      .filter((m) => !m.endsWith('fails to validate'));
    return { valid: errors.length === 0 && !result.rawOutput.includes(`${name} fails to validate`), errors };
  });
  return { valid: results.every((r) => r.valid), results };
}
