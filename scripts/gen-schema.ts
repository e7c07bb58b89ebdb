/**
 * Write reports/schema/scorecard.schema.json from the zod schema (src/scorecard/schema.ts).
 *
 *   npx tsx scripts/gen-schema.ts           # regenerate the committed file
 *   npx tsx scripts/gen-schema.ts --check   # exit 1 when the committed file is out of date (CI)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scorecardJsonSchemaText } from '../src/scorecard/schema.js';
import { writeFileAtomic } from '../src/util/atomic.js';

/** The committed JSON Schema, relative to the package root. */
export const SCHEMA_FILE = path.join('reports', 'schema', 'scorecard.schema.json');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, SCHEMA_FILE);
const text = scorecardJsonSchemaText();

if (process.argv.includes('--check')) {
  const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  if (committed !== text) {
    process.stderr.write(`${SCHEMA_FILE} is ${committed === null ? 'missing' : 'out of date'}; run: npx tsx scripts/gen-schema.ts\n`);
    process.exit(1);
  }
  process.stdout.write(`${SCHEMA_FILE} is up to date\n`);
} else {
  writeFileAtomic(file, text);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
