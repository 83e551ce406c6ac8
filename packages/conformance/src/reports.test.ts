import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTargetDir, markerFile, prepareReports, recordWritten, targetFiles } from './reports.ts';

const made: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-reports-'));
  made.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What one run writes, the way run.ts does it: prepare, then per target its folder and files, then the matrix. */
function fakeRun(dir: string, targets: string[]) {
  prepareReports(dir, ['alma', 'sierra']);
  for (const target of targets) {
    const sub = makeTargetDir(dir, target);
    recordWritten(
      dir,
      targetFiles.slice(0, 3).map((file) => join(sub, file)),
    );
    for (const file of targetFiles.slice(0, 3)) writeFileSync(join(sub, file), `${target} ${file}`);
  }
  recordWritten(dir, [join(dir, 'index.html'), join(dir, 'summary.json')]);
  writeFileSync(join(dir, 'index.html'), '<html/>');
  writeFileSync(join(dir, 'summary.json'), '{}');
}

/** Every path under a directory, for "nothing else changed". */
const tree = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => !path.endsWith(markerFile))
    .sort();

describe('the reports directory', () => {
  it('in a directory the user already had, removes on the next run only what the kit wrote', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    mkdirSync(join(dir, 'drafts'));
    writeFileSync(join(dir, 'drafts', 'junit.xml'), 'mine too');
    const before = tree(dir);
    fakeRun(dir, ['alma']);
    expect(existsSync(join(dir, 'alma', 'junit.xml'))).toBe(true);
    prepareReports(dir, ['alma', 'sierra']);
    // the kit's files and the folder it made are gone; the user's are untouched
    expect(tree(dir)).toEqual(before);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'drafts', 'junit.xml'), 'utf8')).toBe('mine too');
    // and the directory itself stays: the kit did not make it
    expect(existsSync(dir)).toBe(true);
  });

  it('refuses, changing nothing, a directory that holds a file of a name it writes but did not write', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'index.html'), '<my own page/>');
    mkdirSync(join(dir, 'alma'));
    writeFileSync(join(dir, 'alma', 'junit.xml'), '<my own results/>');
    expect(() => prepareReports(dir, ['alma'])).toThrow(
      `--reports ${dir} already holds index.html, alma/junit.xml, which this kit did not write; give an empty or new directory`,
    );
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe('<my own page/>');
    expect(readFileSync(join(dir, 'alma', 'junit.xml'), 'utf8')).toBe('<my own results/>');
    expect(existsSync(join(dir, markerFile))).toBe(false);
  });

  it('keeps a target folder the user made even when the kit emptied it', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'alma'));
    fakeRun(dir, ['alma']);
    prepareReports(dir, ['alma']);
    expect(existsSync(join(dir, 'alma'))).toBe(true);
    expect(readdirSync(join(dir, 'alma'))).toEqual([]);
  });

  it('keeps a folder it made when the user put something of their own in it', () => {
    const dir = scratch();
    fakeRun(dir, ['alma']);
    writeFileSync(join(dir, 'alma', 'my-notes.md'), 'mine');
    prepareReports(dir, ['alma']);
    expect(readdirSync(join(dir, 'alma'))).toEqual(['my-notes.md']);
  });

  it('creates a missing directory, marks it, and removes its own emptied target folders later', () => {
    const dir = join(scratch(), 'new', 'reports');
    fakeRun(dir, ['alma', 'sierra']);
    expect(JSON.parse(readFileSync(join(dir, markerFile), 'utf8'))).toMatchObject({
      createdDir: true,
      dirs: ['alma', 'sierra'],
      files: expect.arrayContaining(['alma/junit.xml', 'sierra/cucumber.html', 'index.html', 'summary.json']),
    });
    prepareReports(dir, ['alma', 'sierra']);
    expect(readdirSync(dir)).toEqual([markerFile]);
  });

  it("reads an earlier kit's text marker as its own directory", () => {
    const dir = scratch();
    writeFileSync(join(dir, markerFile), 'created by the Bookstrap conformance kit\n');
    mkdirSync(join(dir, 'alma'));
    writeFileSync(join(dir, 'alma', markerFile), 'created by the Bookstrap conformance kit\n');
    writeFileSync(join(dir, 'alma', 'junit.xml'), '<old/>');
    writeFileSync(join(dir, 'summary.json'), '{}');
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    prepareReports(dir, ['alma']);
    expect(readdirSync(dir).sort()).toEqual([markerFile, 'keep.txt']);
  });
});
