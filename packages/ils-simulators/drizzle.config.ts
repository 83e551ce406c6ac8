import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema (`npx drizzle-kit generate`) and applied at startup.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/engine/schema.ts',
  out: './drizzle',
});
