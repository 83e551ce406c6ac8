import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { serviceLeases } from './schema.ts';
import { connection } from './connection.ts';
import { oneRow, runWrite, tablesOf } from './dialect.ts';

/**
 * Named leases on periodic work (table `service_leases`): one instance holds a name until
 * `lease_until` (wall-clock ms) and renews it while alive; when it stops renewing (killed, hung,
 * cut off from the database) any instance takes the name once the time has passed.
 *
 * Taking and renewing are the same single statement, an upsert whose update only applies when
 * the row is the caller's own or has run out — a compare-and-set the database decides, so two
 * instances asking at once never both hold it (SQLite and Postgres both have `on conflict … do
 * update … where`). The lease time is the caller's: instances on different machines must have
 * clocks within a small part of the lease (NTP), as any lease scheme needs.
 */
export interface Lease {
  name: string;
  owner: string;
  leaseUntil: number;
}

/** Takes `name` for `owner` until `until`, or renews it; false when another owner holds it still. */
export async function acquireLease(db: Db, name: string, owner: string, now: number, until: number): Promise<boolean> {
  const { serviceLeases } = tablesOf(db);
  return connection(db, async () => {
    const result = await runWrite(
      db
        .insert(serviceLeases)
        .values({ name, owner, leaseUntil: until })
        .onConflictDoUpdate({
          target: serviceLeases.name,
          set: { owner, leaseUntil: until },
          setWhere: sql`${serviceLeases.owner} = ${owner} or ${serviceLeases.leaseUntil} <= ${now}`,
        }),
    );
    return result.changes === 1;
  });
}

/** Gives `name` up now (a clean shutdown): another instance takes it at its next look. */
export async function releaseLease(db: Db, name: string, owner: string): Promise<boolean> {
  const { serviceLeases } = tablesOf(db);
  return connection(db, async () => {
    const result = await runWrite(
      db
        .update(serviceLeases)
        .set({ leaseUntil: 0 })
        .where(and(eq(serviceLeases.name, name), eq(serviceLeases.owner, owner))),
    );
    return result.changes === 1;
  });
}

/** Who holds `name` and until when (a run-out lease is still shown: the holder that let it lapse). */
export async function leaseOf(db: Db, name: string): Promise<Lease | undefined> {
  const { serviceLeases } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(db.select().from(serviceLeases).where(eq(serviceLeases.name, name)));
  });
}
