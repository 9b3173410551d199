import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../agent/store/index.js';
import { HOST_FACTS, observed, vmGuid } from '../agent/store/store-test-kit.js';
import { spawnAvma } from './child-avma.js';

const AT = new Date('2026-11-01T00:00:00Z');
/** The conventional unprivileged user and group (nobody, nogroup). */
const NOBODY = { uid: 65534, gid: 65534 };
const isRoot = process.getuid?.() === 0;

describe('e2e/read-only-directory', () => {
  it.skipIf(!isRoot)(
    'avma status reads a WAL database in a directory its user cannot write (root only: runs avma as uid 65534; skipped otherwise)',
    async () => {
      // Characters SQLite's URI file names would misread (? # %) must survive the read-only open.
      const dir = await mkdtemp(join(tmpdir(), 'e2e-read-only ?#%20-'));
      const db = join(dir, 'avma.sqlite');
      try {
        const store = await openStore(db);
        await store.transaction(async (tx) => {
          await tx.upsertHost('HV01', AT);
          await tx.recordHostFacts('HV01', AT, HOST_FACTS);
          await tx.upsertVm({ id: vmGuid(1), tenant: 'contoso' }, AT);
          await tx.recordVmName(vmGuid(1), AT, 'web01');
          await tx.recordObservation(vmGuid(1), AT, observed());
        });
        // The writer's last close checkpoints and removes -wal and -shm: what a stopped agent leaves.
        await store.close();
        await chmod(dir, 0o755);
        const status = spawnAvma(['status', '--db', db, '--json'], dir, NOBODY);
        expect([await status.exited, status.stderr()]).toEqual([0, '']);
        expect(JSON.parse(status.stdout())).toMatchObject([
          { name: 'web01', host: 'HV01', tenant: 'contoso' },
        ]);
        expect(await readdir(dir)).toEqual(['avma.sqlite']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
