import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection } from '../../../../agent/store/connection.js';
import type { Store } from '../../../../agent/store/index.js';
import { applyMigrations } from '../../../../agent/store/migrate.js';
import { MIGRATIONS } from '../../../../agent/store/migrations/index.js';
import { buildUsageMonth } from '../../../../agent/usage/index.js';
import { queryOnce } from '../raw-sqlite.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { observed, storeWithHosts, type TempDir, tempDir, vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');

/** The columns of index `observations_time`, in order, on either engine. */
async function timeIndexColumns(place: BackendPlace): Promise<string[]> {
  const raw = await place.raw();
  try {
    if (place.backend === 'sqlite') {
      return (await raw.all("SELECT name FROM pragma_index_info('observations_time') ORDER BY seqno")).map(
        (row) => String(row.name),
      );
    }
    const [row] = await raw.all("SELECT indexdef FROM pg_indexes WHERE indexname = 'observations_time'");
    return /\(([^)]*)\)\s*$/.exec(String(row?.indexdef))?.[1]?.split(/,\s*/) ?? [];
  } finally {
    await raw.close();
  }
}

describe.each(STORE_BACKENDS)('agent/store/migrations/0008-observations-time-index ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place, ['HV01']);
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  // A sweep moves every open interval's last_seen; in the index, each move rewrote an index entry.
  it('indexes intervals by their start alone, so a sweep moving last_seen leaves the index as it is', async () => {
    expect(await timeIndexColumns(place)).toEqual(['valid_from']);
  });

  it('still finds the intervals a month touches, up to where the last sweep moved last_seen', async () => {
    const { host: _host, ...guest } = observed();
    // A sweep every 5 minutes for an hour: the first opens the VM's interval, each later one moves its
    // last_seen (the store's default staleness is 10 minutes).
    for (let minute = 0; minute <= 60; minute += 5) {
      const at = new Date(START.getTime() + minute * 60_000);
      await store.transaction(async (tx) => {
        await tx.upsertHost('HV01', at);
        await tx.recordSweep('HV01', at, [
          { vm: { id: vmGuid(1), tenant: null }, name: 'vm1', observation: guest },
        ]);
      });
    }
    const [vm] = (await buildUsageMonth(store, '2026-11')).vms;
    expect([vm?.id, vm?.vmHours]).toEqual([vmGuid(1), 1]);
  });
});

describe('agent/store/migrations/0008-observations-time-index: upgrading a version-7 database', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('rebuilds the index on valid_from and keeps every interval', async () => {
    const conn = await Connection.open(dir.file('v7.db'), { readOnly: false, create: true });
    try {
      await applyMigrations(conn, MIGRATIONS.slice(0, 7));
      await conn.exec(`
        INSERT INTO hosts (name, first_seen, last_seen) VALUES ('HV01', 0, 0);
        INSERT INTO vms (guid, first_seen, last_seen) VALUES ('${vmGuid(1)}', 0, 0);`);
      await conn.run(
        `INSERT INTO observations (vm_id, host_id, valid_from, last_seen, state, data_exchange, os,
           license_status, channel, eligible, reasons, key_pushed, kvp_wiped, problems)
         VALUES (1, 1, 0, 3600000, 'Running', 1, 'windows', 'licensed', 'avma', 1, '[]', 0, 0, '[]')`,
      );
      const before = await queryOnce(
        dir.file('v7.db'),
        "SELECT name FROM pragma_index_info('observations_time')",
      );
      expect(before.map((row) => row.name)).toEqual(['valid_from', 'last_seen']);
      await applyMigrations(conn, MIGRATIONS);
    } finally {
      await conn.close();
    }
    const after = await queryOnce(
      dir.file('v7.db'),
      "SELECT name FROM pragma_index_info('observations_time')",
    );
    expect(after.map((row) => row.name)).toEqual(['valid_from']);
    expect(await queryOnce(dir.file('v7.db'), 'SELECT valid_from, last_seen FROM observations')).toEqual([
      { valid_from: 0, last_seen: 3600000 },
    ]);
  });
});
