import { describe, expect, it } from 'vitest';
import { createService } from '../service.ts';

describe('admin keys', () => {
  it('accepts every configured admin key (rotation by configuration) and no other', async () => {
    const service = createService({ dbPath: ':memory:', adminKey: ['new-admin-key-0000001', 'old-admin-key-0000001'] });
    try {
      const status = async (key: string) => (await service.app.request('/v1/libraries', { headers: { authorization: `Bearer ${key}` } })).status;
      expect(await status('new-admin-key-0000001')).toBe(200);
      expect(await status('old-admin-key-0000001')).toBe(200);
      expect(await status('new-admin-key-000000')).toBe(401);
      expect(await status('')).toBe(401);
    } finally {
      await service.close();
    }
  });

  it('an empty key in the list is never a key', async () => {
    const service = createService({ dbPath: ':memory:', adminKey: ['', 'only-admin-key-000001'] });
    try {
      expect((await service.app.request('/v1/libraries', { headers: { authorization: 'Bearer ' } })).status).toBe(401);
    } finally {
      await service.close();
    }
  });
});
