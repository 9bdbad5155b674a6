/**
 * Checksums of applied revisions are hashed once per file content and then answered by the
 * file's identity (size, mtime, ctime, inode; src/script/checksums.ts). An edit that keeps the
 * size and puts the old mtime back (`touch -r`, `cp -p`) still changes the ctime, so the edited
 * file is hashed again and the run refuses it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { failure } from '../support/assertions.js';
import { createTestProject, revisionSource, type RevisionSpec, type TestProject } from '../support/project.js';

const revA: RevisionSpec = { id: 'cid000000001', down: null, message: 'create a', upgrade: "  await op.execute('CREATE TABLE c_a (n INT)');" };
const revB: RevisionSpec = { id: 'cid000000002', down: 'cid000000001', message: 'create b', upgrade: "  await op.execute('CREATE TABLE c_b (n INT)');" };

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('checksums by file identity', () => {
  let project: TestProject | undefined;
  afterEach(() => {
    project?.cleanup();
    project = undefined;
  });

  it('refuses an applied revision edited to the same size with its old mtime put back', async () => {
    project = createTestProject({ url: 'sqlite:./c.db' }, [revA, revB]);
    const pathA = join(project.dir, 'migrations', `${revA.id}_create_a.ts`);
    const recorded = sha(pathA);
    // A whole second, so that putting it back later is exact.
    const mtime = 1_700_000_000;
    utimesSync(pathA, mtime, mtime);
    // Past the window in which a file's identity is not trusted yet, so its hash is kept.
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await project.retort.upgrade('head')).current).toEqual([revB.id]);
    // Checked against the kept hashes: nothing changed, nothing to do.
    expect((await project.retort.upgrade('head')).steps).toEqual([]);

    const before = statSync(pathA);
    const edited = revisionSource({ ...revA, message: 'create A' });
    expect(edited.length).toBe(readFileSync(pathA, 'utf8').length);
    writeFileSync(pathA, edited);
    utimesSync(pathA, mtime, mtime);
    expect(statSync(pathA)).toMatchObject({ size: before.size, mtimeMs: before.mtimeMs, ino: before.ino });
    const refused = await failure(project.retort.upgrade('head'));
    expect(refused.code).toBe('ChecksumMismatch');
    expect(refused.fields).toMatchObject({ mismatches: [{ revision: revA.id, file: pathA, recorded, actual: sha(pathA) }] });
  });

  it('records the checksum of the bytes that ran, though the file changes during the run', async () => {
    // The revision's script edits its own file: the run has compiled and runs the bytes it read.
    const selfEditing: RevisionSpec = { ...revA, preamble: "import { appendFileSync } from 'node:fs';", upgrade: `${revA.upgrade}\n  appendFileSync(__filename, '// edited during the run\\n');` };
    project = createTestProject({ url: 'sqlite:./c.db' }, [selfEditing, revB]);
    const pathA = join(project.dir, 'migrations', `${revA.id}_create_a.ts`);
    const ran = sha(pathA);
    await project.retort.upgrade('head');
    expect(readFileSync(pathA, 'utf8')).toContain('// edited during the run');
    const rows = await project.retort.appliedHistory();
    expect(rows.applied.find((r) => r.revision === revA.id)?.checksum).toBe(ran);
    // So the next run finds the file changed since it ran.
    const refused = await failure(project.retort.upgrade('head'));
    expect(refused.code).toBe('ChecksumMismatch');
    expect(refused.fields).toMatchObject({ mismatches: [{ revision: revA.id, file: pathA, recorded: ran, actual: sha(pathA) }] });
  });
});
