import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTargetDir, markerFile, prepareReports } from './reports.ts';

const made: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-reports-'));
  made.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the reports directory', () => {
  it('keeps everything in an existing directory it did not write', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    mkdirSync(join(dir, 'alma'));
    writeFileSync(join(dir, 'alma', 'own.txt'), 'mine too');
    writeFileSync(join(dir, 'alma', 'junit.xml'), '<old/>');
    writeFileSync(join(dir, 'summary.json'), '{}');
    prepareReports(dir, ['alma', 'sierra']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'alma', 'own.txt'), 'utf8')).toBe('mine too');
    // its own previous reports go, so they are never read as this run's
    expect(existsSync(join(dir, 'alma', 'junit.xml'))).toBe(false);
    expect(existsSync(join(dir, 'summary.json'))).toBe(false);
  });

  it('keeps a target directory the user made even when it ends up empty', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'alma'));
    writeFileSync(join(dir, 'alma', 'junit.xml'), '<old/>');
    prepareReports(dir, ['alma']);
    expect(existsSync(join(dir, 'alma'))).toBe(true);
  });

  it('creates a missing directory, marks it, and removes its own emptied target directories later', () => {
    const dir = join(scratch(), 'new', 'reports');
    prepareReports(dir, ['alma']);
    expect(existsSync(join(dir, markerFile))).toBe(true);
    makeTargetDir(join(dir, 'alma'));
    writeFileSync(join(dir, 'alma', 'junit.xml'), '<old/>');
    prepareReports(dir, ['alma']);
    expect(existsSync(join(dir, 'alma'))).toBe(false);
    expect(existsSync(dir)).toBe(true);
  });
});
