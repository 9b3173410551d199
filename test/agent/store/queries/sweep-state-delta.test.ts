/**
 * A writable SQLite store reads the sweep state again only for the VMs whose rows changed
 * (agent/store/queries/sweep-state-delta.ts). Whatever happened in between (sweeps, operators' flags,
 * audit records, host 12310s, deletions, rolled-back transactions, another connection's commits, a
 * host renamed), what it returns must be exactly what a full read returns: a read-only store on the
 * same file reads in full and is the reference.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabDriver } from '../../../../agent/driver/lab/lab-driver.js';
import { Lab } from '../../../../agent/lab/lab.js';
import { createPrng, type Prng } from '../../../../agent/lab/prng.js';
import { defaultScenario } from '../../../../agent/lab/scenario-loader.js';
import { Connection } from '../../../../agent/store/connection.js';
import type { Store, SweepVm } from '../../../../agent/store/index.js';
import { SweepStateTracker } from '../../../../agent/store/queries/sweep-state-delta.js';
import { readSweepState } from '../../../../agent/store/queries/sweep-state-query.js';
import type { Transaction } from '../../../../agent/store/transaction.js';
import { SweepCache } from '../../../../agent/sweep/sweep-cache.js';
import { sweepRound } from '../../../../agent/sweep/sweep-round.js';
import { observed, storeWithHosts, type TempDir, tempDir, vmGuid } from '../store-test-kit.js';

const HOUR = 3_600_000;
const START = new Date('2026-11-01T00:00:00Z');
const VMS = 12;

/** The state the store under test reads, and a full read of the same file by a read-only store. */
async function expectFullRead(store: Store, reference: Store): Promise<void> {
  expect(await store.readSweepState()).toEqual(await reference.readSweepState());
}

const { host: _host, ...STEADY } = observed();

/** One random change, made through the store's own methods (or a second connection's). */
type Change = (tx: Transaction, at: Date, prng: Prng) => Promise<unknown>;

const vmOf = (prng: Prng) => vmGuid(1 + prng.nextInt(VMS));

const CHANGES: Readonly<Record<string, Change>> = {
  // Same fields: the open interval is seen again (last_seen moves); other fields: a new interval.
  seenAgain: (tx, at, prng) => tx.recordObservation(vmOf(prng), at, observed()),
  newInterval: (tx, at, prng) =>
    tx.recordObservation(vmOf(prng), at, observed({ licenseStatus: 'notification', host: 'HV02' })),
  sweep: (tx, at, prng) => {
    const entries: SweepVm[] = [];
    for (let n = 1; n <= VMS; n++) {
      const observation = prng.nextInt(5) === 0 ? { ...STEADY, channel: 'retail' as const } : STEADY;
      entries.push({ vm: { id: vmGuid(n), tenant: 't' }, name: `vm-${n}`, observation });
    }
    return tx.recordSweep('HV01', at, entries);
  },
  audit: (tx, at, prng) =>
    tx.audit({
      at,
      actor: 'agent',
      action: prng.nextInt(2) === 0 ? 'push-key' : 'send-intent',
      vm: vmOf(prng),
      reason: 'r',
      details: { seq: 1 + prng.nextInt(50) },
    }),
  block: (tx, at, prng) =>
    tx.setAvmaBlocked(vmOf(prng), prng.nextInt(2) === 0, { at, actor: 'agent', reason: 'replaced' }),
  optOut: (tx, at, prng) =>
    tx.setOptOut(vmOf(prng), prng.nextInt(2) === 0, { at, actor: 'ops', reason: 'asked' }),
  hostEvent: (tx, at, prng) =>
    tx.recordHostEvents(
      'HV02',
      'Application',
      [
        {
          recordId: Math.floor(at.getTime() / 60_000),
          eventId: 12310,
          time: at,
          vm: vmOf(prng),
          notification: prng.nextInt(2) === 0 ? 'avma-success' : 'invalid-host',
        },
      ],
      at,
    ),
  delete: (tx, at, prng) => tx.markVmDeleted(vmOf(prng), at),
  comeBack: (tx, at, prng) => tx.upsertVm({ id: vmOf(prng), tenant: 't' }, at),
  newVm: (tx, at, prng) => tx.upsertVm({ id: vmGuid(100 + prng.nextInt(1000)), tenant: null }, at),
  // Computer names are case-insensitive: the same host reported in other letters renames its row.
  renameHost: (tx, at, prng) => tx.upsertHost(prng.nextInt(2) === 0 ? 'hv01' : 'HV01', at),
};

describe('agent/store/queries/sweep-state-delta', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('reads what a full read reads after random changes, rollbacks and another connection’s commits', async () => {
    const store = await storeWithHosts(dir, ['HV01', 'HV02'], START);
    const other = await dir.open();
    const reference = await dir.open({ readOnly: true });
    const prng = createPrng(7);
    const names = Object.keys(CHANGES);
    try {
      await store.transaction((tx) => CHANGES.sweep?.(tx, START, prng) ?? Promise.resolve());
      for (let step = 1; step <= 300; step++) {
        const at = new Date(START.getTime() + step * 60_000);
        const change = CHANGES[names[prng.nextInt(names.length)] as string] as Change;
        const roll = prng.nextInt(10);
        if (roll === 0) {
          // Another connection's commit: its writes fire no trigger of this one.
          await other.transaction((tx) => change(tx, at, prng));
        } else if (roll === 1) {
          const failed = store.transaction(async (tx) => {
            await change(tx, at, prng);
            throw new Error('rolled back');
          });
          await expect(failed).rejects.toThrow('rolled back');
        } else {
          await store.transaction((tx) => change(tx, at, prng));
        }
        if (prng.nextInt(3) === 0) await expectFullRead(store, reference);
      }
      await expectFullRead(store, reference);
    } finally {
      await Promise.all([store.close(), other.close(), reference.close()]);
    }
  }, 60_000);

  // Writes no store method makes today, on the tracked connection itself: each trigger is needed.
  it.each([
    ['a VM flag', 'UPDATE vms SET opted_out = 1 WHERE id = 2'],
    ['a VM row', 'DELETE FROM vms WHERE id = 4'],
    [
      'the latest interval seen again',
      'UPDATE observations SET last_seen = last_seen + 1 WHERE valid_to IS NULL',
    ],
    [
      'nothing the state holds (an older interval)',
      'UPDATE observations SET last_seen = valid_from WHERE valid_to IS NOT NULL',
    ],
    ['an observation field', "UPDATE observations SET license_status = 'unlicensed' WHERE vm_id = 1"],
    [
      'an observation',
      'DELETE FROM observations WHERE id = (SELECT max(id) FROM observations WHERE vm_id = 1)',
    ],
    ['an audit record', "UPDATE actions SET details = json_set(details, '$.seq', 99) WHERE vm_id = 1"],
    ['a host 12310', "UPDATE events SET vm_id = 2 WHERE source = 'host'"],
    ['a host 12310 deleted', "DELETE FROM events WHERE source = 'host'"],
    ['a host renamed', "UPDATE hosts SET name = 'HV01-NEW' WHERE name = 'HV01'"],
    ['nothing the state holds', 'UPDATE vms SET last_seen = last_seen + 1'],
  ])('reads what a full read reads after SQL that changes %s', async (what, sql) => {
    const store = await storeWithHosts(dir, ['HV01', 'HV02'], START);
    const later = new Date(START.getTime() + HOUR);
    await store.transaction(async (tx) => {
      for (const n of [1, 2, 3]) {
        await tx.upsertVm({ id: vmGuid(n), tenant: 't' }, START);
        await tx.recordObservation(vmGuid(n), START, observed());
        await tx.audit({
          at: START,
          actor: 'agent',
          action: 'push-key',
          vm: vmGuid(n),
          reason: 'r',
          details: { seq: n },
        });
      }
      await tx.upsertVm({ id: vmGuid(4), tenant: null }, START);
      await tx.recordObservation(vmGuid(1), later, observed({ channel: 'retail' }));
      await tx.recordHostEvents(
        'HV02',
        'Application',
        [{ recordId: 1, eventId: 12310, time: START, vm: vmGuid(1), notification: 'avma-success' }],
        START,
      );
    });
    await store.close();
    const conn = await Connection.open(dir.file('avma.db'), { readOnly: false, create: false });
    try {
      // Each read deletes the notes it read: the next notes must still be found.
      const tracker = new SweepStateTracker(0);
      await tracker.read(conn);
      await conn.exec('UPDATE observations SET last_seen = last_seen + 1 WHERE valid_to IS NULL');
      const before = await tracker.read(conn);
      expect(before).toEqual(await readSweepState(conn));
      await conn.exec(sql);
      const after = await tracker.read(conn);
      expect(after).toEqual(await readSweepState(conn));
      if (what.startsWith('nothing')) expect(after).toEqual(before);
      else expect(after).not.toEqual(before);
      // An interval seen again is copied into the memory kept, not read again.
      if (what.startsWith('nothing') || what.endsWith('seen again')) expect(tracker.lastRead).toBe(0);
    } finally {
      await conn.close();
    }
  });

  it('reads what a full read reads after every round of two days of lab sweeps', async () => {
    const lab = await Lab.create(defaultScenario());
    const drivers = lab.hosts().map((host) => new LabDriver(lab, host.name));
    const store = await dir.open({ staleAfterMs: 3 * HOUR });
    const reference = await dir.open({ readOnly: true });
    const settings = {
      silentAfterMs: 3 * HOUR,
      tenantOf: (_host: string, vm: { readonly id: string }) => lab.findVm(vm.id)?.tenant ?? null,
      evidenceWindowMs: 7 * 24 * HOUR,
      correlationToleranceMs: 5 * 60_000,
    };
    const cache = new SweepCache();
    try {
      for (let time = lab.startTime; time <= lab.startTime + 2 * 24 * HOUR; time += HOUR) {
        await lab.advanceTo(time);
        await sweepRound({ drivers, store, at: new Date(time), settings, cache });
        await expectFullRead(store, reference);
      }
      // The triggers leave the steady sweeps' single statements alone.
      expect(store.oneStatements.written).toBeGreaterThan(store.oneStatements.refused);
    } finally {
      await Promise.all([store.close(), reference.close()]);
    }
  }, 60_000);
});
