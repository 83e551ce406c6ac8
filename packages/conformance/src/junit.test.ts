import { describe, expect, it } from 'vitest';
import { addSkippedCases } from './junit.ts';

const ran = `<?xml version="1.0"?>
<testsuite name="s" time="1" tests="1" skipped="0" failures="0" errors="0" timestamp="t">
  <testcase classname="Renewals" name="approved" time="1"></testcase>
</testsuite>`;

describe('skipped scenarios in the JUnit report', () => {
  it('adds each left-out scenario as skipped with its reason and counts it', () => {
    const xml = addSkippedCases(ran, [{ classname: 'Lending & holds', name: 'A "hold"', message: 'alma does not support @lending-hold' }]);
    expect(xml).toContain('tests="2" skipped="1"');
    expect(xml).toContain(
      '<testcase classname="Lending &amp; holds" name="A &quot;hold&quot;" time="0">\n    <skipped message="alma does not support @lending-hold"/>',
    );
    expect(xml).toContain('<testcase classname="Renewals" name="approved"');
    expect(xml.trim().endsWith('</testsuite>')).toBe(true);
  });

  it('opens a self-closing suite (nothing ran)', () => {
    const empty = '<?xml version="1.0"?>\n<testsuite name="s" time="0" tests="0" skipped="0" failures="0" errors="0"/>';
    const xml = addSkippedCases(empty, [{ classname: 'WMS', name: 'x', message: 'not applicable: written for wms' }]);
    expect(xml).toMatch(/<testsuite name="s" time="0" tests="1" skipped="1" failures="0" errors="0">\n {2}<testcase[\s\S]*<\/testsuite>$/);
  });
});
