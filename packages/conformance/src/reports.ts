import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UsageError } from './usage.ts';

/**
 * The reports directory may be one the user already had (`--reports .`), so the kit never deletes
 * — nor overwrites — anything it did not write. What it writes is listed in a manifest (the marker
 * file) in the directory: the files, the folders it made, and whether it made the directory
 * itself. The next run removes exactly those files, and those folders once they are empty; a
 * directory without the marker that already holds a file the kit would write is refused.
 */
export const markerFile = '.bookstrap-conformance';
export const topLevelFiles = ['index.html', 'summary.json'];
export const targetFiles = ['cucumber.html', 'junit.xml', 'messages.ndjson', 'sandbox.json'];

interface Manifest {
  /** the kit made the reports directory */
  createdDir: boolean;
  /** files it wrote, relative to the directory, `/`-separated */
  files: string[];
  /** folders it made inside the directory */
  dirs: string[];
}

const manifestPath = (dir: string) => join(dir, markerFile);
const posix = (path: string) => path.split(sep).join('/');

function readManifest(dir: string): Manifest | undefined {
  if (!existsSync(manifestPath(dir))) return undefined;
  const text = readFileSync(manifestPath(dir), 'utf8');
  try {
    const parsed = JSON.parse(text) as Partial<Manifest>;
    return { createdDir: parsed.createdDir === true, files: [...(parsed.files ?? [])], dirs: [...(parsed.dirs ?? [])] };
  } catch {
    // an earlier kit's marker ("created by the Bookstrap conformance kit"): it made the directory
    // and wrote only its fixed names; folders it made carry the same marker
    const dirs = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, markerFile)))
      .map((entry) => entry.name);
    const files = [...topLevelFiles, ...dirs.flatMap((name) => targetFiles.map((file) => `${name}/${file}`))];
    return { createdDir: true, files, dirs };
  }
}

function writeManifest(dir: string, manifest: Manifest): void {
  writeFileSync(
    manifestPath(dir),
    `${JSON.stringify({ note: 'written by the Bookstrap conformance kit: the files it may remove on its next run', ...manifest }, null, 2)}\n`,
  );
}

/** Clears the previous run's reports (and only those) and makes sure the directory exists. */
export function prepareReports(dir: string, targetNames: string[]): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    writeManifest(dir, { createdDir: true, files: [], dirs: [] });
    return;
  }
  const manifest = readManifest(dir);
  const kept: string[] = [];
  if (manifest) {
    for (const file of manifest.files) rmSync(join(dir, file), { force: true });
    for (const sub of manifest.dirs) {
      const path = join(dir, sub);
      if (!existsSync(path)) continue;
      rmSync(join(path, markerFile), { force: true });
      if (readdirSync(path).length === 0) rmdirSync(path);
      else kept.push(sub);
    }
  }
  // what is left under a name the kit writes is not the kit's: refuse rather than overwrite it
  const clashes = [...topLevelFiles, ...targetNames.flatMap((target) => targetFiles.map((file) => `${target}/${file}`))].filter((file) =>
    existsSync(join(dir, file)),
  );
  if (clashes.length > 0)
    throw new UsageError(
      `--reports ${dir} already holds ${clashes.join(', ')}, which this kit did not write; give an empty or new directory (the kit never overwrites what is not its own)`,
    );
  writeManifest(dir, { createdDir: manifest?.createdDir ?? false, files: [], dirs: kept });
}

/** A target's folder: made (and listed, so a later run may remove it when empty) only if missing. */
export function makeTargetDir(reports: string, target: string): string {
  const dir = join(reports, target);
  if (existsSync(dir)) return dir;
  mkdirSync(dir, { recursive: true });
  const manifest = readManifest(reports) ?? { createdDir: false, files: [], dirs: [] };
  manifest.dirs = [...new Set([...manifest.dirs, posix(relative(reports, dir))])];
  writeManifest(reports, manifest);
  return dir;
}

/**
 * Lists files the kit is about to write under `reports` (none of them exists but as the kit's own:
 * prepareReports refused otherwise), so the next run removes them and nothing else.
 */
export function recordWritten(reports: string, paths: string[]): void {
  const manifest = readManifest(reports) ?? { createdDir: false, files: [], dirs: [] };
  const written = paths.map((path) => posix(relative(reports, path)));
  manifest.files = [...new Set([...manifest.files, ...written])];
  writeManifest(reports, manifest);
}
