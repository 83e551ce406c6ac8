import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { IlsFixture } from '@bookstrap/ils-simulators/drivers/types';
import { UsageError } from './usage.ts';

/**
 * The file `--fixture` reads (see sandbox.example.json and README.md): a real sandbox's own test
 * identities, and optionally its API credentials. Strict, so a misspelt field is an error rather
 * than silently falling back to the simulator's seed.
 */
export const sandboxSchema = z
  .strictObject({
    $schema: z.string().optional().describe("This file's JSON Schema (sandbox.schema.json), for editors; ignored by the kit."),
    credentials: z
      .record(z.string(), z.string())
      .optional()
      .describe(
        'Vendor API credentials, the names --ils-credentials takes (which wins, name by name): Alma apiKey; Sierra and WMS clientKey, clientSecret; Symphony and Horizon clientId, username, password; Millennium needs none.',
      ),
    patrons: z
      .strictObject({
        good: z
          .string()
          .describe('A patron in good standing who may borrow and place holds, by the id the ILS API takes (Alma primary id, a barcode elsewhere).'),
        blocked: z.string().describe('A patron with a block, whom the ILS refuses to check out to.'),
        expired: z.string().describe('A patron whose registration has run out (no block of its own): review must show the expiry.'),
        unknown: z.string().describe('An id that matches no patron.'),
        other: z.string().describe('A second patron in good standing: a corrected patron ID moves the hold from the good patron to this one.'),
      })
      .optional()
      .describe('The test patrons the borrowing scenarios request for.'),
    partnerSymbol: z
      .string()
      .optional()
      .describe('The symbol of a borrowing library that has its own institutional account in this ILS (the lending scenarios lend to it).'),
    partnerAccount: z.string().optional().describe("That library's institutional patron: lent items are checked out to it."),
    defaultAccount: z.string().optional().describe('The catch-all institutional patron for borrowing libraries without their own account.'),
    lendableItems: z
      .array(z.string())
      .min(1)
      .optional()
      .describe(
        'Barcodes of on-shelf, loanable items of the home library. Each lending scenario ships one and one more is used as an existing barcode: give at least as many as the README says.',
      ),
    pickupLocation: z.string().optional().describe('The pickup location (library or branch code) holds for borrowed items are placed at.'),
    otherPickupLocation: z.string().optional().describe('A second pickup location: a corrected pickup location moves the hold there.'),
    calendar: z
      .strictObject({
        closedWeekdays: z
          .array(z.number().int().min(0).max(6))
          .describe('Weekdays the home library is closed, 0 = Sunday … 6 = Saturday; expected due dates skip them as the ILS does.'),
        closedDates: z
          .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'))
          .describe("Closed dates, YYYY-MM-DD (holidays in the period the suite's due dates fall in)."),
      })
      .optional()
      .describe("The home library's opening calendar, as the ILS knows it."),
  })
  .describe(
    "The sandbox's own test identities for `pnpm conformance --fixture <file>`; they replace the simulator seed's. Every field is optional; one that is given must be complete, and an unknown field is an error.",
  );

/** sandbox.schema.json, as `pnpm --filter @bookstrap/conformance run sandbox-schema` writes it. */
export function sandboxJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(sandboxSchema), null, 2)}\n`;
}

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
  const { credentials, $schema: _schema, ...fixture } = parsed.data;
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
