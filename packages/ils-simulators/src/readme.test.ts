import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The README is what a newcomer trusts: it must not promise what already exists, nor name entry points that do not. */
const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { exports: Record<string, string> };

describe('the simulators README', () => {
  it('promises nothing "to come" (the Alma NCIP responder exists)', () => {
    expect(readme).not.toMatch(/to come/i);
    expect(readme).toContain('POST /view/NCIPServlet');
  });

  it('documents the msw entry point the package exports', () => {
    expect(readme).toContain("from '@bookstrap/ils-simulators/msw'");
    expect(manifest.exports['./msw']).toBe('./src/msw.ts');
  });
});
