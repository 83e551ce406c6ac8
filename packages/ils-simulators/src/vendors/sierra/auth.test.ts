import { describe, expect, it, onTestFinished } from 'vitest';
import { adjustableClock, fixedClock } from '../../clock.ts';
import { testNow } from '../../testing.ts';
import { basic, demo, sierraSimulator, v6 } from './test-support.ts';

function setup(options: Parameters<typeof sierraSimulator>[0] = {}) {
  const sierra = sierraSimulator(options);
  onTestFinished(() => sierra.sim.close());
  return sierra;
}

describe('Sierra client-credentials tokens', () => {
  it('grants a one-hour bearer token for Basic key:secret and grant_type=client_credentials', async () => {
    const { sim } = setup();
    const response = await sim.app.request(`${v6}/token`, {
      method: 'POST',
      headers: { Authorization: basic(demo.clientKey, demo.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(200);
    const grant = (await response.json()) as Record<string, unknown>;
    expect(grant).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(typeof grant.access_token).toBe('string');
  });

  it('also takes the grant as multipart form data (as DCB sends it)', async () => {
    const { sim } = setup();
    const form = new FormData();
    form.set('grant_type', 'client_credentials');
    const response = await sim.app.request(`${v6}/token`, { method: 'POST', headers: { Authorization: basic(demo.clientKey, demo.clientSecret) }, body: form });
    expect(response.status).toBe(200);
  });

  it('refuses a wrong secret (401, 123 invalid_grant) and an unknown grant type (400)', async () => {
    const { sim } = setup();
    const wrong = await sim.app.request(`${v6}/token`, {
      method: 'POST',
      headers: { Authorization: basic(demo.clientKey, 'nope'), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ code: 123, specificCode: 0, httpStatus: 401, name: 'Unauthorized', description: 'invalid_grant' });
    const grant = await sim.app.request(`${v6}/token`, {
      method: 'POST',
      headers: { Authorization: basic(demo.clientKey, demo.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password',
    });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ code: 108 });
  });

  it('answers 401 with code 113 without an Authorization header and 120 for an unknown token', async () => {
    const { sim } = setup();
    const none = await sim.app.request(`${v6}/patrons/${demo.patrons.good.id}`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 113, httpStatus: 401 });
    const unknown = await sim.app.request(`${v6}/patrons/${demo.patrons.good.id}`, { headers: { Authorization: 'Bearer not-a-token' } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ code: 120, name: 'Unauthorized', description: 'invalid_token' });
  });

  it('expires tokens after an hour; a new token works again', async () => {
    const clock = adjustableClock(fixedClock(testNow));
    const { sim, tokenFor, json } = setup({ clock });
    const token = await tokenFor();
    expect((await json(`/patrons/${demo.patrons.good.id}`, { token })).status).toBe(200);
    clock.advance(59 * 60 * 1000);
    expect((await json('/info/token', { token })).body.expiresIn).toBe(60);
    clock.advance(60 * 1000);
    const expired = await json(`/patrons/${demo.patrons.good.id}`, { token });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 120 });
    expect((await json(`/patrons/${demo.patrons.good.id}`, { token: await tokenFor() })).status).toBe(200);
    expect(sim.vendor).toBe('sierra');
  });

  it('describes the token (GET info/token) with its key and roles', async () => {
    const { json } = setup();
    const info = await json('/info/token');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ keyId: demo.clientKey, grantType: 'client_credentials', authorizationScheme: 'Bearer', expiresIn: 3600 });
    expect(info.body.roles.map((role: { name: string }) => role.name)).toContain('Patrons Write');
  });

  it('refuses writes to a read-only key with 403 (code 116) but lets it read', async () => {
    const { json, tokenFor } = setup();
    const token = await tokenFor(demo.readOnlyClientKey, demo.readOnlyClientSecret);
    expect((await json(`/patrons/${demo.patrons.good.id}`, { token })).status).toBe(200);
    const write = await json(`/patrons/${demo.patrons.good.id}/fines/charge`, { method: 'POST', token, body: { amount: 1, reason: 'x' } });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ code: 116, httpStatus: 403 });
  });

  it('forgets tokens on a simulator reset', async () => {
    const { json, control, tokenFor } = setup();
    const token = await tokenFor();
    expect((await json('/info/token', { token })).status).toBe(200);
    await control('/reset', { method: 'POST' });
    expect((await json('/info/token', { token })).status).toBe(401);
  });
});
