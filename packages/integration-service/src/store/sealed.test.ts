import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestOf, open, seal } from './sealed.ts';

describe('sealed secrets', () => {
  it('opens with the same secret and purpose only; a changed byte, secret or purpose opens nothing', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.nat(), (secret, plaintext, flip) => {
        const sealed = seal(secret, 'console session', plaintext);
        expect(sealed).not.toContain(plaintext.length > 3 ? plaintext : '\u0000');
        expect(open(secret, 'console session', sealed)).toBe(plaintext);
        expect(open(`${secret}x`, 'console session', sealed)).toBeUndefined();
        expect(open(secret, 'vendor token', sealed)).toBeUndefined();
        const raw = Buffer.from(sealed.slice(3), 'base64url');
        raw[flip % raw.length] = (raw[flip % raw.length]! + 1) % 256;
        expect(open(secret, 'console session', `v1.${raw.toString('base64url')}`)).toBeUndefined();
      }),
      { seed: 16, numRuns: 100 },
    );
  });

  it('seals the same value differently every time; refuses what is not a sealed value', () => {
    expect(seal('s', 'p', 'key')).not.toBe(seal('s', 'p', 'key'));
    for (const value of ['', 'v1.', 'v2.abc', 'plain text', `v1.${Buffer.alloc(20).toString('base64url')}`]) expect(open('s', 'p', value)).toBeUndefined();
    expect(digestOf('token')).toMatch(/^[0-9a-f]{64}$/);
    expect(digestOf('token')).not.toBe(digestOf('token2'));
  });
});
