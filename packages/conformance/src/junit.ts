import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Cucumber's JUnit formatter only lists the scenarios it ran. Scenarios the tag filter left out
 * for a target (unsupported or not applicable) are added as skipped, with the declared reason,
 * so a CI dashboard shows them rather than silently losing them.
 */
export interface SkippedCase {
  /** the feature's own name, as cucumber uses it for classname */
  classname: string;
  name: string;
  message: string;
}

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export function addSkippedCases(xml: string, cases: SkippedCase[]): string {
  if (cases.length === 0) return xml;
  const open = /<testsuite\b([^>]*?)(\/?)>/.exec(xml);
  if (!open) throw new Error('no <testsuite> in the JUnit report');
  const bump = (attrs: string, name: string) => attrs.replace(new RegExp(`\\b${name}="(\\d+)"`), (_, n: string) => `${name}="${Number(n) + cases.length}"`);
  const attrs = bump(bump(open[1]!, 'tests'), 'skipped');
  const body = cases
    .map(
      (c) =>
        `  <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0">\n    <skipped message="${escapeXml(c.message)}"/>\n  </testcase>\n`,
    )
    .join('');
  const before = xml.slice(0, open.index);
  const after = xml.slice(open.index + open[0].length);
  // a suite with no test cases is written self-closing
  if (open[2] === '/') return `${before}<testsuite${attrs}>\n${body}</testsuite>${after}`;
  const close = after.lastIndexOf('</testsuite>');
  return `${before}<testsuite${attrs}>${after.slice(0, close)}${body}${after.slice(close)}`;
}

export function addSkippedToJunitFile(file: string, cases: SkippedCase[]): void {
  writeFileSync(file, addSkippedCases(readFileSync(file, 'utf8'), cases));
}
