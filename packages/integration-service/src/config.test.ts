import { describe, expect, it } from 'vitest';
import { keyConfigFromEnv } from './config.ts';

describe('keyConfigFromEnv', () => {
  it('accepts every admin key of BOOKSTRAP_ADMIN_KEYS and BOOKSTRAP_ADMIN_KEY, once each', () => {
    const parsed = keyConfigFromEnv({ BOOKSTRAP_ADMIN_KEYS: ' new-admin-key-0000001 , old-admin-key-0000001,', BOOKSTRAP_ADMIN_KEY: 'old-admin-key-0000001' });
    expect(parsed).toEqual({ ok: true, config: { adminKeys: ['new-admin-key-0000001', 'old-admin-key-0000001'], keyGracePeriodMs: 24 * 3_600_000 } });
  });

  it('reads the grace period in hours; 0 means an old key stops at once', () => {
    expect(keyConfigFromEnv({ BOOKSTRAP_ADMIN_KEY: 'an-admin-key-000001', BOOKSTRAP_KEY_GRACE_HOURS: '0' })).toMatchObject({
      ok: true,
      config: { keyGracePeriodMs: 0 },
    });
    expect(keyConfigFromEnv({ BOOKSTRAP_ADMIN_KEY: 'an-admin-key-000001', BOOKSTRAP_KEY_GRACE_HOURS: '1.5' })).toMatchObject({
      ok: true,
      config: { keyGracePeriodMs: 5_400_000 },
    });
  });

  it('refuses no key, a short key and a bad grace period, naming the variable', () => {
    expect(keyConfigFromEnv({})).toMatchObject({ ok: false, message: expect.stringContaining('BOOKSTRAP_ADMIN_KEYS') });
    expect(keyConfigFromEnv({ BOOKSTRAP_ADMIN_KEYS: 'long-enough-admin-key,short' })).toMatchObject({ ok: false, message: expect.stringContaining('16') });
    for (const bad of ['-1', 'a day', '721']) {
      expect(keyConfigFromEnv({ BOOKSTRAP_ADMIN_KEY: 'an-admin-key-000001', BOOKSTRAP_KEY_GRACE_HOURS: bad })).toMatchObject({
        ok: false,
        message: expect.stringContaining('BOOKSTRAP_KEY_GRACE_HOURS'),
      });
    }
  });
});
