import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { IlsFixture } from './ils/types.ts';
import { UsageError } from './usage.ts';

/**
 * The file `--fixture` reads (see sandbox.example.json and README.md): a real sandbox's own test
 * identities, and optionally its API credentials. Strict, so a misspelt field is an error rather
 * than silently falling back to the simulator's seed.
 */
export const sandboxSchema = z.strictObject({
  credentials: z.record(z.string(), z.string()).optional(),
  patrons: z.strictObject({ good: z.string(), blocked: z.string(), expired: z.string(), unknown: z.string() }).optional(),
  partnerSymbol: z.string().optional(),
  partnerAccount: z.string().optional(),
  defaultAccount: z.string().optional(),
  lendableItems: z.array(z.string()).min(1).optional(),
  pickupLocation: z.string().optional(),
  calendar: z
    .strictObject({
      closedWeekdays: z.array(z.number().int().min(0).max(6)),
      closedDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')),
    })
    .optional(),
});

export interface Sandbox {
  fixture: Partial<IlsFixture>;
  credentials?: Record<string, string>;
}

export function parseSandbox(text: string, file: string): Sandbox {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--fixture ${file}: not JSON (${(error as Error).message})`);
  }
  const parsed = sandboxSchema.safeParse(json);
  if (!parsed.success)
    throw new UsageError(
      `--fixture ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}${'keys' in i ? ` ${i.keys.join(', ')}` : ''}`).join('; ')}`,
    );
  const { credentials, ...fixture } = parsed.data;
  return { fixture, ...(credentials ? { credentials } : {}) };
}

export function readSandbox(file: string): Sandbox {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--fixture ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return parseSandbox(text, file);
}
