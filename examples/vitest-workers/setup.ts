import { afterAll } from 'vitest';
import { workerDatabase } from 'retort-migrate/testing';

// Not DATABASE_URL: the config reads that one to find where templates and copies live.
const db = await workerDatabase({ cwd: import.meta.dirname });
process.env['TEST_DATABASE_URL'] = db.url;
afterAll(() => db.drop());
