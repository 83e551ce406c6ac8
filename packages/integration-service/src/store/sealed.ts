import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets kept in the store, sealed (AES-256-GCM) under a key derived (HKDF-SHA256) from a secret
 * the database does not hold on its own: a console session's token, which only the browser has;
 * a library connection's credentials for its vendor tokens. A copy of the database alone shows
 * neither an API key nor a usable vendor token; a changed secret makes the old sealed value
 * unreadable (open() answers undefined), which is the same as not having one.
 */
const version = 'v1';

function keyFor(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from(purpose, 'utf8'), Buffer.from('bookstrap sealed v1', 'utf8'), 32));
}

export function seal(secret: string, purpose: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, purpose), iv);
  // The purpose is authenticated too: a value sealed for one use cannot be replayed as another.
  cipher.setAAD(Buffer.from(purpose, 'utf8'));
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${version}.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
}

/** The plaintext, or undefined when the secret, the purpose or the value is not the one sealed. */
export function open(secret: string, purpose: string, value: string): string | undefined {
  if (!value.startsWith(`${version}.`)) return undefined;
  const raw = Buffer.from(value.slice(version.length + 1), 'base64url');
  if (raw.length < 28) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, purpose), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** A lookup key that does not reveal the secret (a session token's row id). */
export const digestOf = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');
