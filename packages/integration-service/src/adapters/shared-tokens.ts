import type { Connection } from '@bookstrap/core';
import type { Db } from '../store/database.ts';
import { digestOf, open, seal } from '../store/sealed.ts';
import { dropVendorToken, readVendorToken, writeVendorToken } from '../store/vendor-tokens.ts';
import type { Clock, SharedTokens } from './types.ts';

/**
 * A library connection's vendor tokens shared through the store, so several service instances
 * (and the worker and the ILS sync of one) log in once between them, not once each: a Sierra
 * token, OCLC access tokens per scope, a SirsiDynix staff session. Each is kept under a key
 * derived from its name and the connection's credentials (two libraries on one account share it;
 * a changed secret starts afresh) and sealed with those credentials: the table alone holds no
 * usable token, and no token is ever logged. A token the ILS refuses (401) is dropped only if it
 * is still the one stored — another instance may already have put a fresh one there, which is
 * then used instead of asking again.
 */
export function sharedTokensFor(db: Db, connection: Connection, clock: Clock): SharedTokens {
  const secret = JSON.stringify(connection.credentials ?? {});
  const keyOf = (name: string) => digestOf(`${name}\n${secret}`);
  const purpose = (name: string) => `vendor token ${name}`;
  return {
    async read(name) {
      const row = await readVendorToken(db, keyOf(name));
      if (!row) return undefined;
      const value = open(secret, purpose(name), row.sealed);
      return value === undefined ? undefined : { value, expiresAt: row.expiresAt };
    },
    async write(name, value, expiresAt) {
      await writeVendorToken(db, { cacheKey: keyOf(name), sealed: seal(secret, purpose(name), value), expiresAt }, clock.now().getTime());
    },
    async drop(name, value) {
      const row = await readVendorToken(db, keyOf(name));
      if (!row || open(secret, purpose(name), row.sealed) !== value) return;
      await dropVendorToken(db, row.cacheKey, row.sealed);
    },
  };
}
