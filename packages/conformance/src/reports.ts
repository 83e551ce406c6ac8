import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The reports directory may be one the user already had (`--reports .`), so the kit only ever
 * removes the files it writes itself, and a directory only when it created it and it is empty.
 */
export const markerFile = '.bookstrap-conformance';
export const topLevelFiles = ['index.html', 'summary.json'];
export const targetFiles = ['cucumber.html', 'junit.xml', 'messages.ndjson'];

/** Clears the previous run's reports (and only those) and makes sure the directory exists. */
export function prepareReports(dir: string, targetNames: string[]): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, markerFile), 'created by the Bookstrap conformance kit\n');
    return;
  }
  for (const file of topLevelFiles) rmSync(join(dir, file), { force: true });
  for (const target of targetNames) {
    const sub = join(dir, target);
    if (!existsSync(sub)) continue;
    for (const file of targetFiles) rmSync(join(sub, file), { force: true });
    removeIfOursAndEmpty(sub);
  }
}

/** A target directory is created by the kit; mark it so a later run may remove it when empty. */
export function makeTargetDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, markerFile), 'created by the Bookstrap conformance kit\n');
}

function removeIfOursAndEmpty(dir: string): void {
  const entries = readdirSync(dir);
  if (entries.length === 1 && entries[0] === markerFile) {
    rmSync(join(dir, markerFile));
    rmdirSync(dir);
  }
}
