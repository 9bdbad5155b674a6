import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** For the suite that runs this example: which worker ran which file on which database. */
export function report(file: string, facts: Record<string, unknown>): void {
  const dir = process.env['EXAMPLE_REPORT_DIR'];
  if (dir === undefined) return;
  writeFileSync(join(dir, `${file}.json`), JSON.stringify({ file, worker: process.env['VITEST_POOL_ID'], pid: process.pid, database: process.env['TEST_DATABASE_URL'], ...facts }));
}
