import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './run.ts';
import { sandboxJsonSchema } from './sandbox.ts';

/** Writes sandbox.schema.json from the schema --fixture checks with (a test fails when they differ). */
writeFileSync(join(packageDir, 'sandbox.schema.json'), sandboxJsonSchema());
