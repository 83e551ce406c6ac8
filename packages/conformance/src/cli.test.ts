import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
});
