/**
 * The control plane every simulator exposes under `/_sim/` (JSON, no vendor auth): health, reset
 * to the seed, fault injection, a state dump and the simulated clock. Tests and the conformance
 * harness drive it; the vendor API never depends on it.
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { AdjustableClock } from '../clock.ts';
import { dumpState, type Engine } from '../engine/engine.ts';
import { expireHoldShelf } from '../engine/holds.ts';
import type { VendorId } from '../vendors/types.ts';
import { type FaultController, faultSettingsSchema } from './faults.ts';
import type { PersonalityStore } from './personality.ts';

export interface ControlPlaneTarget {
  vendor: VendorId;
  engine: Engine;
  clock: AdjustableClock;
  faults: FaultController;
  personality?: PersonalityStore;
  reset(): void;
  /** the vendor gateway's counts (Alma's per-second threshold), when it has one */
  governance?: () => Record<string, unknown>;
}

const clockSchema = z.union([
  z.object({ now: z.iso.datetime({ offset: true }) }).strict(),
  z.object({ advanceDays: z.number().finite() }).strict(),
  z.object({ advanceMs: z.number().finite() }).strict(),
]);

function problem(c: Context, status: 400 | 404 | 500, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

/** Reads a JSON body; an empty body is `{}`. */
async function jsonBody(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const raw = await c.req.text();
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false, response: problem(c, 400, 'INVALID_JSON', 'The request body is not valid JSON.') };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

export function controlPlane(target: ControlPlaneTarget): Hono {
  const app = new Hono();

  app.get('/health', (c) => c.json({ status: 'ok', vendor: target.vendor, now: target.clock.now().toISOString(), faults: target.faults.settings }));

  app.post('/reset', (c) => {
    target.reset();
    return c.json({ status: 'reset', vendor: target.vendor, now: target.clock.now().toISOString() });
  });

  app.get('/faults', (c) => c.json({ faults: target.faults.settings }));

  app.post('/faults', async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return body.response;
    const parsed = faultSettingsSchema.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'INVALID_REQUEST', describeIssues(parsed.error));
    return c.json({ faults: target.faults.set(parsed.data) });
  });

  app.delete('/faults', (c) => c.json({ faults: target.faults.clear() }));

  // Calls the gateway let through and refused since the last reset, and the most in any one second.
  app.get('/governance', (c) => c.json({ vendor: target.vendor, governance: target.governance?.() ?? null }));

  app.get('/state', (c) =>
    c.json({
      vendor: target.vendor,
      now: target.clock.now().toISOString(),
      faults: target.faults.settings,
      tables: dumpState(target.engine),
    }),
  );

  // Responder personalities: which real responder's answer the edge cases get (control/personality.ts).
  app.get('/personality', (c) => c.json({ personality: target.personality?.current() ?? null }));
  app.put('/personality', async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return body.response;
    if (!target.personality) return problem(c, 404, 'NOT_FOUND', 'This simulator has no personality switches.');
    try {
      return c.json({ personality: target.personality.update(body.value) });
    } catch (error) {
      if (error instanceof z.ZodError) return problem(c, 400, 'INVALID_PERSONALITY', describeIssues(error));
      throw error;
    }
  });

  app.get('/clock', (c) => c.json({ now: target.clock.now().toISOString() }));

  app.post('/clock', async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return body.response;
    const parsed = clockSchema.safeParse(body.value);
    if (!parsed.success) {
      return problem(c, 400, 'INVALID_REQUEST', `Send {now: ISO date-time}, {advanceDays: n} or {advanceMs: n}. ${describeIssues(parsed.error)}`);
    }
    const change = parsed.data;
    if ('now' in change) target.clock.set(new Date(change.now));
    else if ('advanceDays' in change) target.clock.advance(change.advanceDays * 24 * 60 * 60 * 1000);
    else target.clock.advance(change.advanceMs);
    // Moving time runs the library's overnight jobs for the days passed.
    const expiredHolds = expireHoldShelf(target.engine).length;
    return c.json({ now: target.clock.now().toISOString(), expiredHolds });
  });

  app.all('*', (c) => problem(c, 404, 'NOT_FOUND', `No control-plane endpoint ${c.req.method} ${new URL(c.req.url).pathname}.`));
  app.onError((error, c) => problem(c, 500, 'INTERNAL_ERROR', error instanceof Error ? error.message : String(error)));
  return app;
}
