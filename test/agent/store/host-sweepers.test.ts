/** Who sweeps a host in an SQLite store: the database's one writer (the PostgreSQL case: pg/leases.test.ts). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostSweepers, openStore } from '../../../agent/store/index.js';

describe('agent/store/host-sweepers', () => {
  it('names the writer of an SQLite database as every host’s sweeper, with the last sighting as last sweep', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'host-sweepers-'));
    const store = await openStore(join(dir, 'avma.sqlite'), { writer: { command: 'avma run' } });
    try {
      const sweeperOf = await hostSweepers(store);
      const sweeper = sweeperOf({ name: 'HV01', lastSeen: '2026-11-01T00:15:00.000Z' });
      expect(sweeper).toMatchObject({ until: null, live: true, lastSweep: '2026-11-01T00:15:00.000Z' });
      expect(sweeper.agent).toMatch(new RegExp(`^avma run \\(pid ${process.pid} on .+\\)$`));
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
