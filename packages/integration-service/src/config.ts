/**
 * What the server reads from its environment about keys. BOOKSTRAP_ADMIN_KEYS is a comma-separated
 * list, every key accepted: an operator rotates the admin key by adding the new one beside the
 * old, switching clients over, then removing the old one (BOOKSTRAP_ADMIN_KEY alone still works).
 * BOOKSTRAP_KEY_GRACE_HOURS (default 24) is how long a library's old key keeps working after a
 * rotation.
 */
export interface KeyConfig {
  adminKeys: string[];
  keyGracePeriodMs: number;
}

export const defaultKeyGraceHours = 24;

export function keyConfigFromEnv(env: Record<string, string | undefined>): { ok: true; config: KeyConfig } | { ok: false; message: string } {
  const adminKeys = [...(env.BOOKSTRAP_ADMIN_KEYS ?? '').split(','), env.BOOKSTRAP_ADMIN_KEY ?? '']
    .map((key) => key.trim())
    .filter((key, index, all) => key.length > 0 && all.indexOf(key) === index);
  if (adminKeys.length === 0) {
    return { ok: false, message: 'Set BOOKSTRAP_ADMIN_KEY, or BOOKSTRAP_ADMIN_KEYS (comma-separated), to the key(s) that manage libraries.' };
  }
  if (adminKeys.some((key) => key.length < 16)) return { ok: false, message: 'Every admin key must be at least 16 characters.' };
  const raw = env.BOOKSTRAP_KEY_GRACE_HOURS?.trim();
  const graceHours = raw === undefined || raw === '' ? defaultKeyGraceHours : Number(raw);
  if (!Number.isFinite(graceHours) || graceHours < 0 || graceHours > 720) {
    return { ok: false, message: 'BOOKSTRAP_KEY_GRACE_HOURS must be a number of hours from 0 to 720.' };
  }
  return { ok: true, config: { adminKeys, keyGracePeriodMs: graceHours * 60 * 60_000 } };
}
