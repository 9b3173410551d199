/**
 * Retention: raw data goes only when every month it belongs to is closed and it lies before the
 * configured horizon; reports of months not pruned are unchanged, and a pruned month's drift check
 * says it was pruned instead of reporting false drift.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EventInput, type Store, StoreError } from '../../../../agent/store/index.js';
import { buildUsageMonth, closeMonth, monthDrift } from '../../../../agent/usage/index.js';
import { simulate, steadyVm, vmGuid } from '../../usage/usage-test-kit.js';
import { type BackendPlace, rawQuery, STORE_BACKENDS } from '../store-backends.js';

const at = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const MONTHS = ['2026-08', '2026-09', '2026-10'] as const;

/** One host event on the 10th of each month. */
function hostEvents(): EventInput[] {
  return MONTHS.map((month, i) => ({
    source: 'host',
    origin: 'HV01',
    recordId: i + 1,
    eventId: 12310,
    time: new Date(`${month}-10T12:00:00Z`),
    message: `AVMA ${month}`,
  }));
}

async function eventTimes(store: Store): Promise<string[]> {
  const events = await store.listEvents({});
  return events.filter((e) => e.source === 'host').map((e) => e.time.slice(0, 7));
}

describe.each(STORE_BACKENDS)('agent/store/repos/retention-repo ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await place.open({ staleAfterMs: 7 * 3_600_000 });
    // web01 runs throughout (one open interval); app01 is switched off and on twice a month (closed
    // intervals in every month); old01 is deleted mid-September (its last interval closes then).
    const flapping = MONTHS.flatMap((month) => [
      { fromMs: at(`${month}-01`), host: 'HV01', guest: { state: 'Running' as const } },
      { fromMs: at(`${month}-15`), host: 'HV01', guest: { state: 'Off' as const } },
    ]);
    await simulate(store, {
      hosts: [{ name: 'HV01' }],
      vms: [
        steadyVm(1, 'web01', 'contoso', 'HV01'),
        { n: 2, name: 'app01', tenant: 'contoso', phases: flapping },
        {
          n: 3,
          name: 'old01',
          tenant: null,
          phases: [
            { fromMs: 0, host: 'HV01' },
            { fromMs: at('2026-09-16'), host: null },
          ],
        },
      ],
      fromMs: at('2026-08-01'),
      toMs: at('2026-11-01'),
      stepMinutes: 360,
    });
    await store.transaction((tx) => tx.insertEvents(hostEvents()));
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  it('never prunes data of a month that is not closed, whatever its age, nor anything after it', async () => {
    await closeMonth(store, '2026-08', { now: new Date(at('2026-11-02')) });
    await closeMonth(store, '2026-10', { now: new Date(at('2026-11-02')) });
    const september = await buildUsageMonth(store, '2026-09');
    const october = await buildUsageMonth(store, '2026-10');
    const options = { now: new Date(at('2029-12-15')), rawMonths: 36, actor: 'ops' };
    const plan = await store.pruneRawData({ ...options, dryRun: true });
    expect(plan).toMatchObject({
      before: '2026-09-01T00:00:00.000Z',
      horizon: '2026-12-01T00:00:00.000Z',
      heldBackBy: '2026-09',
      events: 1,
      dryRun: true,
    });
    expect(plan.observations).toBeGreaterThan(0);
    const done = await store.pruneRawData(options);
    expect(done).toMatchObject({ ...plan, dryRun: false });
    expect(await eventTimes(store)).toEqual(['2026-09', '2026-10']);
    expect(await buildUsageMonth(store, '2026-09')).toEqual(september);
    expect(await buildUsageMonth(store, '2026-10')).toEqual(october);
    const [audit] = await store.listAudit({ actions: ['raw-prune'] });
    expect(audit).toMatchObject({ actor: 'ops', details: { events: 1, heldBackBy: '2026-09' } });
  });

  it('prunes closed months up to the horizon only, keeps each VM’s latest observation, and says a pruned month cannot be checked for drift', async () => {
    for (const month of MONTHS) await closeMonth(store, month, { now: new Date(at('2026-11-02')) });
    const october = await buildUsageMonth(store, '2026-10');
    // Horizon: 36 months before October 2029 is October 2026.
    const done = await store.pruneRawData({ now: new Date(at('2029-10-15')), rawMonths: 36, actor: 'agent' });
    expect(done).toMatchObject({ before: '2026-10-01T00:00:00.000Z', heldBackBy: null, events: 2 });
    expect(await eventTimes(store)).toEqual(['2026-10']);
    expect(await buildUsageMonth(store, '2026-10')).toEqual(october);
    const old01 = await rawQuery(
      place,
      `SELECT count(*) AS n FROM observations o JOIN vms v ON v.id = o.vm_id WHERE v.guid = '${vmGuid(3)}'`,
    );
    expect(old01).toEqual([{ n: 1 }]);
    const prune = await store.lastRawPrune();
    expect(prune?.before).toBe('2026-10-01T00:00:00.000Z');
    const september = await store.getMonthClose('2026-09');
    const octoberClose = await store.getMonthClose('2026-10');
    if (september === null || octoberClose === null) throw new Error('closes missing');
    expect((await monthDrift(store, september, prune)).status).toBe('pruned');
    expect((await monthDrift(store, octoberClose, prune)).status).toBe('none');
    // A second prune finds nothing more and records nothing.
    const again = await store.pruneRawData({
      now: new Date(at('2029-10-15')),
      rawMonths: 36,
      actor: 'agent',
    });
    expect([again.events, again.observations]).toEqual([0, 0]);
    expect(await store.listAudit({ actions: ['raw-prune'] })).toHaveLength(1);
  });

  // Every agent on one PostgreSQL runs the daily prune; SQLite has one writer, so only PostgreSQL can race.
  it.runIf(backend.name === 'postgres')(
    'lets two agents prune at once: everything old goes once and one prune is recorded',
    async () => {
      for (const month of MONTHS) await closeMonth(store, month, { now: new Date(at('2026-11-02')) });
      const other = await place.open({ staleAfterMs: 7 * 3_600_000 });
      try {
        const options = { now: new Date(at('2029-10-15')), rawMonths: 36, actor: 'agent' };
        const [a, b] = await Promise.all([store.pruneRawData(options), other.pruneRawData(options)]);
        expect(a.events + b.events).toBe(2);
        expect(a.observations * b.observations).toBe(0);
        expect(await eventTimes(store)).toEqual(['2026-10']);
        expect(await store.listAudit({ actions: ['raw-prune'] })).toHaveLength(1);
      } finally {
        await other.close();
      }
    },
  );

  it('refuses a retention shorter than 36 months', async () => {
    const error = await store
      .pruneRawData({ now: new Date(), rawMonths: 35, actor: 'ops' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain('rawMonths');
  });
});
