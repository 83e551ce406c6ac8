/** The vendor-neutral circulation engine: every vendor façade builds on these functions. */
export * from './calendar.ts';
export * from './catalog.ts';
export * from './circulation.ts';
export { type Db, type EngineDatabase, migrationsFolder, openDatabase } from './database.ts';
export * from './engine.ts';
export * from './errors.ts';
export * from './fees.ts';
export * from './holds.ts';
export * from './lookup.ts';
export * from './patrons.ts';
export * from './schema.ts';
