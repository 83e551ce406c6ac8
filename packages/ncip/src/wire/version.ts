import type { NcipVersion } from '../types.ts';
import type { XmlNode } from '../xml.ts';
import { NCIP2_NAMESPACE } from './dialect.ts';

function usesUniqueIds(node: XmlNode): boolean {
  return node.name.startsWith('Unique') || node.children.some(usesUniqueIds);
}

/**
 * NCIP 1 or 2: namespace first, then the version attribute (real senders write anything from
 * "5.6" to the 2.0 schema URL), then the NCIP 1 DOCTYPE, then NCIP 1's UniqueXxxId wrappers.
 */
export function detectVersion(root: XmlNode, text: string): NcipVersion {
  if (root.namespace === NCIP2_NAMESPACE) return '2.02';
  const version = root.attrs.version ?? '';
  if (/v1_0|ncip_v1|^1(\.0)?$/i.test(version)) return '1.0';
  if (/v2|ncip\/2|^2(\.\d+)?$/i.test(version)) return '2.02';
  if (/<!DOCTYPE[^>]*ncip_v1_0\.dtd/i.test(text)) return '1.0';
  return usesUniqueIds(root) ? '1.0' : '2.02';
}
