/**
 * The SQLite run lock when its file belongs to another OS user (separate processes; a second OS
 * user, created if missing, runs retort through `setpriv`). SQLite opens a lock file it may not
 * write read-only without a word, and a read-only `BEGIN EXCLUSIVE` takes a shared lock only, so
 * two such runs both "held" the lock and both applied a revision. Now each refuses with
 * `LockUnavailable` (exit 4) naming the file, its owner and what to do, having executed nothing;
 * once the file is made writable as the message says, two runs serialise again.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRetort, type AsyncRun } from '../support/cli-async.js';
import { retort } from '../support/cli.js';
import { canSwitchUser, ensureOsUser, OTHER_USER } from '../support/os-user.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { sqliteRows } from '../support/sqlite.js';

const FIRST = 'a1000000000a';
const SECOND = 'a2000000000b';

/** The second revision writes its row, then sleeps long enough for the other run to overlap it. */
const revisions = [
  { id: FIRST, down: null, message: 'create effects', upgrade: "  await op.execute('CREATE TABLE effects (rev TEXT NOT NULL)');" },
  {
    id: SECOND,
    down: FIRST,
    message: 'fill effects',
    upgrade: [`  await op.execute("INSERT INTO effects VALUES ('${SECOND}')");`, '  await new Promise((r) => setTimeout(r, 1200));'].join('\n'),
  },
];

let projects: TestProject[] = [];
afterEach(() => {
  for (const project of projects.splice(0)) project.cleanup();
});

const read = <T>(project: TestProject, sqlText: string): T[] => sqliteRows<T>(join(project.dir, 'app.db'), sqlText);

describe.skipIf(!canSwitchUser)('the SQLite lock file belongs to another OS user', () => {
  let other: { uid: number; gid: number };
  beforeAll(() => {
    other = ensureOsUser();
  });

  /**
   * A project whose first revision root applied (so root created app.db.lock, mode 0644 by the
   * umask), with the folder and the database writable by everyone: only the lock file is root's.
   */
  function sharedProject(transaction: 'none'): TestProject {
    const project = createTestProject({ url: 'sqlite:./app.db', transaction }, revisions);
    projects.push(project);
    const first = retort(project.dir, ['upgrade', FIRST]);
    expect(first.code, first.stderr).toBe(0);
    chmodSync(project.dir, 0o777);
    chmodSync(join(project.dir, 'app.db'), 0o666);
    chmodSync(join(project.dir, 'app.db.lock'), 0o644);
    return project;
  }

  const asOther = (project: TestProject) =>
    startRetort(project.dir, ['upgrade', 'head', '--json', '--lock-timeout', '10'], { user: other, env: { XDG_CACHE_HOME: join(project.dir, '.cache') } }).done;

  it('two runs as the other user both refuse (exit 4, LockUnavailable naming file, owner and fix); nothing ran', async () => {
    // transaction 'none': before, each run's INSERT committed on its own, so both rows stayed.
    const project = sharedProject('none');
    const runs: AsyncRun[] = await Promise.all([asOther(project), asOther(project)]);
    const lockFile = join(project.dir, 'app.db.lock');
    for (const run of runs) {
      const context = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      expect(run.code, context).toBe(4);
      const { error } = JSON.parse(run.stdout) as { error: Record<string, any> };
      expect(error).toMatchObject({ code: 'LockUnavailable', path: lockFile, owner: 'root', ownerUid: 0, mode: '0644', user: OTHER_USER });
      expect(error.message).toContain(`the lock file ${lockFile} belongs to root`);
      expect(error.message).toContain('nothing was executed');
      expect(error.hint).toContain(`chmod 666 ${lockFile}`);
    }
    expect(read(project, 'SELECT rev FROM effects')).toEqual([]);
    expect(read(project, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: FIRST }]);
    // The text form says the same on stderr, and exits 4 too.
    const text = await startRetort(project.dir, ['upgrade', 'head'], { user: other, env: { XDG_CACHE_HOME: join(project.dir, '.cache') } }).done;
    expect(text.code).toBe(4);
    expect(text.stderr).toMatch(/LockUnavailable.*app\.db\.lock belongs to root \(uid 0, mode 0644\)/);
  }, 30_000);

  it('once the lock file is writable as the hint says, two runs as the other user serialise: the revision once', async () => {
    const project = sharedProject('none');
    chmodSync(join(project.dir, 'app.db.lock'), 0o666);
    const runs = await Promise.all([asOther(project), asOther(project)]);
    for (const run of runs) expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(read(project, 'SELECT rev FROM effects')).toEqual([{ rev: SECOND }]);
    expect(read(project, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: SECOND }]);
  }, 30_000);
});
