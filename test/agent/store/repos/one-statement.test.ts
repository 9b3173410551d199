/**
 * A steady sweep written as one statement (agent/store/repos/one-statement.ts) must leave exactly the
 * database the usual way leaves: same rows, same counts. Anything the recording cannot vouch for (a
 * write that is not a steady step, another connection's commit, an event stored already) makes it
 * write nothing and run the usual way. SQLite only: PostgreSQL keeps no rows and ignores the option.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LabDriver } from '../../../../agent/driver/lab/lab-driver.js';
import { Lab } from '../../../../agent/lab/lab.js';
import { defaultScenario, loadScenarioFile } from '../../../../agent/lab/scenario-loader.js';
import { Connection } from '../../../../agent/store/connection.js';
import type { EventInput, Store, StoreOptions, SweepVm } from '../../../../agent/store/index.js';
import { jsonArrayLength } from '../../../../agent/store/repos/one-statement.js';
import { SweepCache } from '../../../../agent/sweep/sweep-cache.js';
import { sweepRound } from '../../../../agent/sweep/sweep-round.js';
import { openRaw } from '../raw-sqlite.js';
import { HOST_FACTS, observed, storeWithHosts, type TempDir, tempDir, vmGuid } from '../store-test-kit.js';

const HOUR = 3_600_000;
const START = new Date('2026-11-01T00:00:00Z');
const { host: _host, ...STEADY } = observed();
const at = (minutes: number) => new Date(START.getTime() + minutes * 60_000);

/** Every table's rows in rowid order: what a user of either database could read. */
async function tableContents(file: string): Promise<Record<string, unknown[]>> {
  const conn = await Connection.open(file, { readOnly: true, create: false });
  try {
    const tables = await conn.all("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    const contents: Record<string, unknown[]> = {};
    for (const { name } of tables)
      contents[String(name)] = await conn.all(`SELECT * FROM "${name}" ORDER BY rowid`);
    return contents;
  } finally {
    await conn.close();
  }
}

/** `days` of hourly sweeps of a lab scenario, as `avma lab run --db` makes them. */
async function labRun(
  dir: TempDir,
  file: string,
  scenarioFile: string | null,
  days: number,
  options: StoreOptions,
) {
  const scenario = scenarioFile === null ? defaultScenario() : await loadScenarioFile(scenarioFile);
  const lab = await Lab.create(scenario);
  const drivers = lab.hosts().map((host) => new LabDriver(lab, host.name));
  const store = await dir.open({ staleAfterMs: 3 * HOUR, ...options }, file);
  const settings = {
    silentAfterMs: 3 * HOUR,
    tenantOf: (_host: string, vm: { readonly id: string }) => lab.findVm(vm.id)?.tenant ?? null,
    evidenceWindowMs: 7 * 24 * HOUR,
    correlationToleranceMs: 5 * 60_000,
  };
  const cache = new SweepCache();
  const newEvents: number[] = [];
  for (let time = lab.startTime; time <= lab.startTime + days * 24 * HOUR; time += HOUR) {
    await lab.advanceTo(time);
    const report = await sweepRound({ drivers, store, at: new Date(time), settings, cache });
    newEvents.push(report.totals.newEvents);
  }
  const counts = store.oneStatements;
  await store.close();
  return { newEvents, counts, contents: await tableContents(dir.file(file)) };
}

function entry(n: number, name = `vm-${n}`, build = '17763'): SweepVm {
  const items = [{ name: 'OSBuildNumber', data: build }];
  return { vm: { id: vmGuid(n), tenant: 'tenant-a' }, name, observation: STEADY, kvp: { intrinsic: items } };
}

function guestEvent(n: number, recordId: number): EventInput {
  return {
    source: 'guest',
    origin: vmGuid(n),
    recordId,
    eventId: 12309,
    time: at(recordId),
    vm: vmGuid(n),
    host: 'HV01',
    notification: 'avma-success',
  };
}

describe('agent/store/repos/one-statement', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it.each([
    ['the bundled scenario', null],
    ['the hostile scenario', 'agent/lab/scenarios/hostile.json'],
  ])(
    'leaves the database the usual way leaves after three days of %s',
    async (_name, scenario) => {
      const one = await labRun(dir, 'one.db', scenario, 3, {});
      const usual = await labRun(dir, 'usual.db', scenario, 3, { oneStatement: false });
      expect(one.counts.written).toBeGreaterThan(one.counts.refused);
      expect(usual.counts).toEqual({ written: 0, refused: 0 });
      expect(one.newEvents).toEqual(usual.newEvents);
      expect(one.contents).toEqual(usual.contents);
    },
    60_000,
  );

  describe('a store that kept a settled host', () => {
    let store: Store;
    /** A steady sweep of VMs 1 and 2, asked to run as one statement, with `events` after it. */
    const steady = (minutes: number, vms = [entry(1), entry(2)], events: EventInput[] = []) =>
      store.transaction(
        async (tx) => {
          await tx.upsertHost('HV01', at(minutes));
          await tx.recordHostFacts('HV01', at(minutes), HOST_FACTS);
          const summary = await tx.recordSweep('HV01', at(minutes), vms);
          return { summary, inserted: await tx.insertEvents(events) };
        },
        { oneStatement: true },
      );
    beforeEach(async () => {
      store = await storeWithHosts(dir, ['HV01'], START, { staleAfterMs: 3 * HOUR, busyTimeoutMs: 100 });
      await steady(1);
      await steady(2);
    });
    afterEach(async () => {
      vi.restoreAllMocks();
      await store.close();
    });

    it('writes a steady sweep in one statement and counts its new events', async () => {
      const before = store.oneStatements.written;
      const { summary, inserted } = await steady(3, undefined, [guestEvent(1, 1), guestEvent(1, 2)]);
      expect(summary.observations.unchanged).toBe(2);
      expect(inserted).toBe(2);
      expect(store.oneStatements.written).toBe(before + 1);
      const vms = await store.listVmStatus();
      expect(vms.map((vm) => vm.lastSeen)).toEqual([at(3).toISOString(), at(3).toISOString()]);
    });

    it('counts an event stored already the usual way: the statement is refused and nothing of it written', async () => {
      await store.transaction((tx) => tx.insertEvents([guestEvent(1, 1)]));
      const refused = store.oneStatements.refused;
      // A changed pool in the refused statement: the usual way must not take it for written.
      const vms = [entry(1, 'vm-1', '20348'), entry(2)];
      const { inserted } = await steady(3, vms, [guestEvent(1, 1), guestEvent(1, 2)]);
      expect(inserted).toBe(1);
      expect(store.oneStatements.refused).toBe(refused + 1);
      expect((await store.listEvents({ vm: vmGuid(1) })).map((event) => event.recordId)).toEqual([1, 2]);
      const items = await store.transaction((tx) => tx.readKvp(vmGuid(1), 'intrinsic'));
      expect(items).toEqual([{ name: 'OSBuildNumber', data: '20348' }]);
    });

    it('runs the usual way after another process wrote: it decides against what is stored', async () => {
      const other = await dir.open({ staleAfterMs: 3 * HOUR });
      await other.transaction((tx) => tx.recordVmName(vmGuid(1), at(2), 'renamed elsewhere'));
      await other.close();
      const refused = store.oneStatements.refused;
      // The kept name is still vm-1, as the sweep sees it: only the stored one says it must be written.
      const { summary } = await steady(3);
      expect(summary.renamed).toBe(1);
      expect(store.oneStatements.refused).toBe(refused + 1);
      const names = (await store.listVmStatus()).map((vm) => vm.name);
      expect(names.sort()).toEqual(['vm-1', 'vm-2']);
    });

    it('runs a sweep with a write that is not a steady step (a rename) the usual way', async () => {
      const refused = store.oneStatements.refused;
      const { summary } = await steady(3, [entry(1, 'web01'), entry(2)]);
      expect(summary.renamed).toBe(1);
      expect(store.oneStatements.refused).toBe(refused + 1);
      expect((await store.listVmStatus()).map((vm) => vm.name).sort()).toEqual(['vm-2', 'web01']);
    });

    it('writes again once another process let go of the write lock that refused it', async () => {
      const other = await openRaw(dir.file('avma.db'));
      await other.exec('BEGIN EXCLUSIVE');
      await expect(steady(3)).rejects.toMatchObject({ code: 'LOCKED' });
      await other.exec('ROLLBACK');
      await other.close();
      // The refused statement must not stay active: it would hold a snapshot every later write trips on.
      await store.transaction((tx) => tx.upsertHost('HV02', at(4)));
      await expect(steady(5)).resolves.toMatchObject({ summary: { vms: 2 } });
    });

    it('keeps the other hosts’ rows when a sweep runs the usual way: their next sweep reads nothing', async () => {
      const hv02 = (minutes: number) =>
        store.transaction(
          async (tx) => {
            await tx.upsertHost('HV02', at(minutes));
            return tx.recordSweep('HV02', at(minutes), [entry(3), entry(4)]);
          },
          { oneStatement: true },
        );
      await hv02(1);
      await hv02(2);
      await steady(3, [entry(1, 'web01'), entry(2)]);
      const reads: string[] = [];
      const { all, get } = Connection.prototype;
      vi.spyOn(Connection.prototype, 'all').mockImplementation(function (this: Connection, sql, params) {
        reads.push(sql);
        return all.call(this, sql, params);
      });
      vi.spyOn(Connection.prototype, 'get').mockImplementation(function (this: Connection, sql, params) {
        reads.push(sql);
        return get.call(this, sql, params);
      });
      const written = store.oneStatements.written;
      await hv02(3);
      expect(store.oneStatements.written).toBe(written + 1);
      expect(reads).toEqual([]);
    });

    it("rejects with the work's own error and writes nothing", async () => {
      const events = await store.listEvents({});
      await expect(steady(3, [entry(1), entry(1)])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(store.listEvents({})).resolves.toEqual(events);
      const vms = await store.listVmStatus();
      expect(vms.map((vm) => vm.lastSeen)).toEqual([at(2).toISOString(), at(2).toISOString()]);
    });
  });

  it('counts the elements of a JSON batch without parsing it', () => {
    const batches: unknown[][] = [
      [],
      [1],
      [
        [1, 'a,b', '"]['],
        [2, '\\', 'x\\"y'],
      ],
      [{ a: 1, b: [1, 2] }, 'x'],
      [JSON.stringify([{ name: 'a"b', data: '{"x":[1,2]}' }]), null],
    ];
    for (const batch of batches) expect(jsonArrayLength(JSON.stringify(batch))).toBe(batch.length);
  });
});
