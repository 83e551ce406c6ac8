import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('POST /v1/requests/{id}/steps/{stepKey}/resolve and /skip (errors)', () => {
  it('409 for a step that already succeeded or was skipped, 404 for an unknown step, 400 without a note; nothing changes', async () => {
    const h = await useHarness();
    const patron = demo.alma.patrons.good.primaryId;
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: patron } });
    const bad = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron' } });
    await h.drain();
    const badKey = encodeURIComponent(`${bad.id}:lookup-patron:no.such.patron`);
    await h.ok(200, 'POST', `/v1/requests/${bad.id}/steps/${badKey}/skip`, { body: { note: 'n' } });
    const before = await snapshot(h);
    const done = encodeURIComponent(`${id}:lookup-patron:${patron}`);
    const resolved = await h.request('POST', `/v1/requests/${id}/steps/${done}/resolve`, { body: { note: 'n' } });
    expect(resolved.status).toBe(409);
    expect(resolved.body.error).toMatchObject({ code: 'STEP_NOT_RESOLVABLE', message: expect.stringContaining('already succeeded') });
    const skipped = await h.request('POST', `/v1/requests/${id}/steps/${done}/skip`, { body: { note: 'n' } });
    expect(skipped.body.error.code).toBe('STEP_NOT_SKIPPABLE');
    const twice = await h.request('POST', `/v1/requests/${bad.id}/steps/${badKey}/skip`, { body: { note: 'n' } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain('already skipped');
    expect((await h.request('POST', `/v1/requests/${id}/steps/nope/resolve`, { body: { note: 'n' } })).status).toBe(404);
    const noNote = await h.request('POST', `/v1/requests/${bad.id}/steps/${badKey}/resolve`, { body: {} });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.details).toEqual([expect.objectContaining({ path: 'note' })]);
    const extra = await h.request('POST', `/v1/requests/${bad.id}/steps/${badKey}/resolve`, { body: { note: 'n', force: true } });
    expect(extra.status).toBe(400);
    expect(await snapshot(h)).toBe(before);
  });
});
