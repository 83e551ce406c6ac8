import { defineConfig } from 'drizzle-kit';

// The Postgres store's migrations (issue 16), generated from its schema like ./drizzle is from
// SQLite's (`npx drizzle-kit generate --config drizzle-pg.config.ts`), committed, applied at startup.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/pg/schema.ts',
  out: './drizzle-pg',
});
