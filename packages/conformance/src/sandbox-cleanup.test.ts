import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from './run.ts';
import { startSystems, type Systems } from './systems.ts';

/**
 * The kit against "live" systems: a service and a simulated Alma this test starts and hands to
 * the CLI by URL only (--service-url, --ils-origin), exactly as a vendor runs it against a
 * sandbox. The simulator's state before and after the run, read by this test and not by the kit,
 * must differ by exactly what the kit says it left.
 */
// biome-ignore lint/suspicious/noExplicitAny: simulator rows are read field by field
type Row = Record<string, any>;
type State = Record<string, Row[]>;

let systems: Systems;
const scratch = mkdtempSync(join(tmpdir(), 'conformance-sandbox-'));
beforeAll(async () => {
  systems = await startSystems(['alma', 'symphony']);
}, 60_000);
afterAll(async () => {
  await systems?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const state = async (vendor = 'alma'): Promise<State> =>
  ((await (await fetch(`${systems.simulatorOrigins[vendor]}/_sim/state`)).json()) as { tables: State }).tables;

/** The CLI in its own process; asynchronous, so this process keeps answering the CLI's calls. */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const tsx = join(packageDir, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [join(packageDir, 'src', 'cli.ts'), ...args], { cwd: scratch });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`the CLI ran for more than 240 s:\n${stdout}\n${stderr}`));
    }, 240_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const activeLoans = (s: State) =>
  s.loans!.filter((loan) => loan.status === 'active').map((loan) => s.items!.find((item) => item.id === loan.itemId)!.barcode as string);
const openHolds = (s: State) => s.holds!.filter((hold) => ['pending', 'in_transit', 'on_hold_shelf'].includes(hold.status)); // the engine's active hold states

describe('a run against live systems (sandbox mode)', () => {
  it('removes the temporary items and loans it made, restores locations, and lists exactly what it left', async () => {
    const before = await state();
    const run = await cli([
      '--ils',
      'alma',
      '--service-url',
      systems.serviceUrl,
      '--admin-key',
      systems.adminKey,
      '--ils-origin',
      systems.simulatorOrigins.alma!,
      '--tags',
      '@borrowing or @lending or @ownership',
      '--reports',
      'out',
      '--ci',
    ]);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const after = await state();
    const report = JSON.parse(readFileSync(join(scratch, 'out', 'alma', 'sandbox.json'), 'utf8')) as { cleaned: string[]; left: string[] };
    expect(report.cleaned.length).toBeGreaterThan(0);

    // no item the run made is left but the ones it names (Alma keeps no deleted item)
    const madeItems = after.items!.filter((item) => !before.items!.some((old) => old.id === item.id)).map((item) => item.barcode as string);
    for (const barcode of madeItems)
      expect(
        report.left.some((line) => line.includes(`temporary item ${barcode} `)),
        barcode,
      ).toBe(true);
    expect(report.left.filter((line) => line.startsWith('temporary item '))).toHaveLength(madeItems.length);

    // the seed's loans are all still there (never touch what isn't yours); new ones only as listed
    const loansBefore = activeLoans(before);
    expect(activeLoans(after)).toEqual(expect.arrayContaining(loansBefore));
    const newLoans = activeLoans(after).filter((barcode) => !loansBefore.includes(barcode));
    expect(report.left.filter((line) => line.startsWith('loan of ')).length).toBe(newLoans.length);

    // every library item is back where it was shelved, or named
    for (const item of after.items!) {
      const old = before.items!.find((o) => o.id === item.id);
      if (!old || (old.inTempLocation === item.inTempLocation && old.tempLocationId === item.tempLocationId)) continue;
      expect(
        report.left.some((line) => line.includes(`library item ${item.barcode} is still in temporary location`)),
        item.barcode,
      ).toBe(true);
    }

    // the open holds the run leaves are each listed
    const newHolds = openHolds(after).filter((hold) => !before.holds!.some((old) => old.id === hold.id && old.status === hold.status));
    expect(report.left.filter((line) => line.startsWith('hold ')).length).toBe(newHolds.length);

    // libraries stay in the service (no delete), named, keys revoked so they cannot act
    const libraries = report.left.filter((line) => line.startsWith('library '));
    expect(libraries.length).toBeGreaterThan(0);
    for (const line of libraries) {
      const symbol = /^library (\S+) /.exec(line)![1]!;
      const response = await fetch(`${systems.serviceUrl}/v1/libraries/${symbol}/keys`, { headers: { authorization: `Bearer ${systems.adminKey}` } });
      const { keys } = (await response.json()) as { keys: { active: boolean }[] };
      expect(keys.length).toBeGreaterThan(0);
      expect(
        keys.every((key) => !key.active),
        symbol,
      ).toBe(true);
      expect(line).toContain('revoked');
    }

    // and the terminal says the same, item by item
    expect(run.stdout).toContain(`sandbox alma: cleaned up ${report.cleaned.length}, left ${report.left.length} (${join('out', 'alma', 'sandbox.json')})`);
    for (const line of report.left) expect(run.stdout).toContain(`  left: ${line}`);
  }, 300_000);

  it('cancels the holds its own requests placed (read back through the ILS first) and leaves every other hold alone', async () => {
    const before = await state('symphony');
    const run = await cli([
      '--ils',
      'symphony',
      '--service-url',
      systems.serviceUrl,
      '--admin-key',
      systems.adminKey,
      '--ils-origin',
      systems.simulatorOrigins.symphony!,
      '--tags',
      '@lending-hold',
      '--reports',
      'holds',
      '--ci',
    ]);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const after = await state('symphony');
    const report = JSON.parse(readFileSync(join(scratch, 'holds', 'symphony', 'sandbox.json'), 'utf8')) as { cleaned: string[]; left: string[] };
    // the scenario placed a lending hold: it is no longer open, and the report says it was cancelled
    const madeHolds = after.holds!.filter((hold) => !before.holds!.some((old) => old.id === hold.id));
    expect(madeHolds.length).toBeGreaterThan(0);
    expect(openHolds(after).filter((hold) => madeHolds.some((made) => made.id === hold.id))).toEqual([]);
    for (const hold of madeHolds) {
      const item = after.items!.find((i) => i.id === hold.itemId)!;
      const account = after.patrons!.find((p) => p.id === hold.patronId)!;
      expect(report.cleaned.some((line) => line.startsWith(`cancelled hold on ${item.barcode} for ${account.barcode} `))).toBe(true);
    }
    // every hold that was there before is exactly as it was
    for (const old of before.holds!) expect(after.holds!.find((hold) => hold.id === old.id)).toEqual(old);
    expect(report.left.filter((line) => line.startsWith('hold '))).toEqual([]);
  }, 300_000);
});
