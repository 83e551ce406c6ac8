import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageDir } from './run.ts';

/** The CLI as a user runs it: its own tsx process (cucumber loads step files through Node's loader). */
const scratch = mkdtempSync(join(tmpdir(), 'conformance-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cli(args: string[], cwd = scratch) {
  const tsx = join(packageDir, 'node_modules', '.bin', 'tsx');
  const run = spawnSync(tsx, [join(packageDir, 'src', 'cli.ts'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the conformance CLI', () => {
  it('fails with one clear line when the tag filter selects no scenario', () => {
    const run = cli(['--ils', 'alma', '--tags', '@nonexistent', '--reports', 'out']);
    expect(run.status).not.toBe(0);
    expect(run.stderr.trim()).toMatch(/^conformance: --tags "@nonexistent" selects no scenario; tags in the features: .*@borrowing/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // nothing was started or written
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });

  it("reports another ILS's feature as not applicable and a missing capability as unsupported, in summary, matrix and JUnit", () => {
    const run = cli(['--ils', 'alma', '--tags', '@wms or @lending-hold', '--reports', 'r', '--ci']);
    // nothing ran on alma: the reports are written, and a run that checked nothing does not pass
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr.trim()).toBe(
      `conformance: no scenario ran (1 unsupported, ${JSON.parse(readFileSync(join(scratch, 'r', 'summary.json'), 'utf8')).notApplicable} not applicable for the targets chosen): a run that checks nothing does not pass`,
    );
    const summary = JSON.parse(readFileSync(join(scratch, 'r', 'summary.json'), 'utf8'));
    const wms = summary.results.filter((r: { feature: string }) => r.feature.startsWith('wms:'));
    expect(wms.length).toBeGreaterThan(0);
    expect(wms.every((r: { status: string }) => r.status === 'not-applicable')).toBe(true);
    // scripts/test-all.mjs reads passed, failed and unsupported; not applicable is apart
    expect(summary).toMatchObject({ passed: 0, failed: 0, unsupported: 1, notApplicable: wms.length });
    expect(run.stdout).toMatch(/^wms: .*\bn\/a\b/m);
    const junit = readFileSync(join(scratch, 'r', 'alma', 'junit.xml'), 'utf8');
    expect(junit).toContain(`tests="${wms.length + 1}" skipped="${wms.length + 1}"`);
    expect(junit).toContain('<skipped message="not applicable: written for wms"/>');
    expect(junit).toContain('<skipped message="alma does not support @lending-hold"/>');
    // paths as seen from where the command ran
    expect(run.stdout).toContain('(reports in r)');
    expect(run.stdout).toContain(`  matrix  ${join('r', 'index.html')}, ${join('r', 'summary.json')}`);
    expect(run.stdout).toContain(`  alma    ${join('r', 'alma', 'cucumber.html')}, ${join('r', 'alma', 'junit.xml')}`);
    expect(run.stdout).not.toContain(scratch);
  });

  it('runs targets in two processes with the same output, reports and verdict as in one (--jobs 1)', () => {
    const args = ['--ils', 'alma,sierra', '--tags', '@connection-check or @wms', '--ci'];
    const one = cli([...args, '--jobs', '1', '--reports', 'one']);
    const two = cli([...args, '--jobs', '2', '--reports', 'two']);
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    // what differs between two runs anyway: the systems' ports, cucumber's timings, the reports' name
    const same = (out: string, dir: string) =>
      out
        .replace(/127\.0\.0\.1:\d+/g, 'HOST')
        .replace(/\d+m\d+\.\d+s/g, 'TIME')
        .replaceAll(`${dir}/`, 'DIR/')
        .replace(`(reports in ${dir})`, '(reports in DIR)');
    expect(same(two.stdout, 'two')).toBe(same(one.stdout, 'one'));
    expect(two.stdout).toMatch(/=== conformance: alma [\s\S]*=== conformance: sierra [\s\S]*=== conformance matrix/);
    expect(two.stdout).toMatch(/^conformance: [1-9]\d* passed, 0 failed, \d+ unsupported, [1-9]\d* not applicable \(reports in two\)$/m);
    const summary = (dir: string) => JSON.parse(readFileSync(join(scratch, dir, 'summary.json'), 'utf8'));
    expect(summary('two')).toEqual(summary('one'));
    for (const target of ['alma', 'sierra'])
      for (const file of ['cucumber.html', 'junit.xml', 'messages.ndjson'])
        expect(existsSync(join(scratch, 'two', target, file)), `${target}/${file}`).toBe(true);
    // the parent listed every report in the manifest: the next run clears them all
    const manifest = JSON.parse(readFileSync(join(scratch, 'two', '.bookstrap-conformance'), 'utf8'));
    expect(manifest.files).toEqual(expect.arrayContaining(['index.html', 'summary.json', 'alma/junit.xml', 'sierra/cucumber.html']));
  });

  it('refuses a --jobs that is not a whole number of processes, with one line', () => {
    const run = cli(['--ils', 'alma', '--jobs', '0', '--reports', 'none']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('conformance: --jobs: "0" is not a whole number of processes (1 or more)');
    expect(existsSync(join(scratch, 'none'))).toBe(false);
  });
});
