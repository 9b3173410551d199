import { afterEach, describe, expect, it } from 'vitest';
import { DriverError } from '../../../agent/driver/driver-error.js';
import { createAgentMetrics } from '../../../agent/metrics/index.js';
import { StoreError } from '../../../agent/store/index.js';
import { storeWithHosts, tempDir } from '../store/store-test-kit.js';
import { type Fleet, fleet, START, scenario, server } from '../sweep/sweep-kit.js';
import { metadata, pick, samples, sampleValue } from './exposition-kit.js';

const KMS_GUEST = {
  name: 'web01',
  host: 'HV01',
  tenant: 'contoso',
  guestAgent: true,
  guest: server('2019', 'standard', 'gvlk', 'unlicensed'),
};
const AVMA_GUEST = {
  name: 'app01',
  host: 'HV02',
  tenant: 'fabrikam',
  guestAgent: true,
  guest: server('2022', 'datacenter', 'avma', 'licensed'),
};

/** The names architecture §12 promises. */
const CONTRACT = [
  'avma_build_info',
  'avma_host_info',
  'avma_host_activated',
  'avma_collector_success',
  'avma_collector_duration_seconds',
  'avma_last_sweep_timestamp_seconds',
  'avma_vms',
  'avma_vm_reasons',
  'avma_guest_problems',
  'avma_key_pushes_total',
  'avma_kvp_wipes_total',
  'avma_events_total',
];

/** A wall clock the test moves by hand. */
function clock(startSeconds: number) {
  let ms = startSeconds * 1000;
  return { now: () => ms, set: (seconds: number) => (ms = seconds * 1000) };
}

describe('agent/metrics/agent-metrics', () => {
  let subject: Fleet | null = null;
  afterEach(async () => {
    await subject?.close();
    subject = null;
  });

  it('shows a fleet by host with every contract name, HELP text and no VM in any label', async () => {
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST]));
    const time = clock(1_800_000_000);
    const metrics = createAgentMetrics({ store: subject.store, version: '1.2.3', now: time.now });
    metrics.observeRound(await subject.roundAt(0));
    time.set(1_800_000_600);
    metrics.observeRound(await subject.roundAt(10));
    const { contentType, body } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const all = samples(body);
    const described = metadata(body);
    for (const name of CONTRACT) expect(described.get(name)?.help, name).toMatch(/\w+ \w+/);
    for (const [name, { type }] of described) {
      if (name.startsWith('avma_')) expect(type === 'counter', name).toBe(name.endsWith('_total'));
    }
    expect(sampleValue(all, 'avma_build_info', { version: '1.2.3', node: process.version })).toBe(1);
    expect(pick(all, 'process_cpu_user_seconds_total')).toHaveLength(1);
    // web01 got the key in the first round; its agent installed it before the second.
    expect(sampleValue(all, 'avma_key_pushes_total', { host: 'HV01' })).toBe(1);
    expect(sampleValue(all, 'avma_key_pushes_total', { host: 'HV02' })).toBe(0);
    expect(sampleValue(all, 'avma_kvp_wipes_total', { host: 'HV01' })).toBe(0);
    expect(sampleValue(all, 'avma_last_sweep_timestamp_seconds', { host: 'HV02' })).toBe(1_800_000_600);
    const hv01 = { host: 'HV01', version: '2022', edition: 'datacenter', cluster: '' };
    expect(sampleValue(all, 'avma_host_info', hv01)).toBe(1);
    expect(sampleValue(all, 'avma_host_activated', { host: 'HV01' })).toBe(1);
    expect(sampleValue(all, 'avma_vms', { host: 'HV01', license_status: 'licensed', eligible: 'true' })).toBe(
      1,
    );
    expect(pick(all, 'avma_vms')).toHaveLength(2);
    const success = { host: 'HV01', event_id: '12310', outcome: 'avma-success' };
    expect(sampleValue(all, 'avma_events_total', success)).toBe(1);
    expect(sampleValue(all, 'avma_events_total', { ...success, event_id: '12309' })).toBe(1);
    expect(sampleValue(all, 'avma_collector_success', { host: 'HV02', collector: 'guest-reports' })).toBe(1);
    expect(sampleValue(all, 'avma_store_up')).toBe(1);
    const vmIds = (await subject.store.listVmStatus()).map((vm) => vm.id);
    for (const text of [...vmIds, 'web01', 'app01', 'contoso']) expect(body).not.toContain(text);
    for (const sample of all) expect(Object.keys(sample.labels)).not.toContain('vm');
  });

  it('shows a failing collector as 0 and drops the series of one turned off', async () => {
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST]));
    const metrics = createAgentMetrics({ store: subject.store, version: '1.2.3' });
    subject.drivers[0]?.fail('readEvents', new DriverError('BAD_RESPONSE', 'read-events: record 3 after 5'));
    metrics.observeRound(await subject.roundAt(0));
    const events = { host: 'HV01', collector: 'host-events' };
    let all = samples((await metrics.render()).body);
    expect(sampleValue(all, 'avma_collector_success', events)).toBe(0);
    expect(sampleValue(all, 'avma_collector_success', { ...events, host: 'HV02' })).toBe(1);
    const listing = sampleValue(all, 'avma_collector_duration_seconds', {
      host: 'HV01',
      collector: 'vm-inventory',
    });
    expect(listing).toBeGreaterThan(0);
    expect(listing).toBeLessThan(10);
    const off = { ...subject.settings, disabledCollectors: new Set(['host-events'] as const) };
    metrics.observeRound(await subject.roundAt(10, { settings: off }));
    all = samples((await metrics.render()).body);
    expect(pick(all, 'avma_collector_success', { collector: 'host-events' })).toEqual([]);
    expect(pick(all, 'avma_collector_duration_seconds', { collector: 'host-events' })).toEqual([]);
    expect(pick(all, 'avma_collector_success', { collector: 'guest-reports' })).toHaveLength(2);
  });

  it('keeps the last recorded time of a host whose inventory stops answering, and counts no dry-run push', async () => {
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST]));
    const time = clock(1_800_000_000);
    const metrics = createAgentMetrics({ store: subject.store, version: '1.2.3', now: time.now });
    metrics.observeRound(await subject.roundAt(0, { record: false }));
    let all = samples((await metrics.render()).body);
    expect(sampleValue(all, 'avma_key_pushes_total', { host: 'HV01' })).toBe(0);
    expect(pick(all, 'avma_last_sweep_timestamp_seconds')).toEqual([]);
    metrics.observeRound(await subject.roundAt(10));
    subject.drivers[0]?.fail('listVms', new DriverError('TIMEOUT', 'list-vms did not finish in 120000 ms'));
    time.set(1_800_003_600);
    metrics.observeRound(await subject.roundAt(70));
    all = samples((await metrics.render()).body);
    expect(sampleValue(all, 'avma_last_sweep_timestamp_seconds', { host: 'HV01' })).toBe(1_800_000_000);
    expect(sampleValue(all, 'avma_last_sweep_timestamp_seconds', { host: 'HV02' })).toBe(1_800_003_600);
    expect(sampleValue(all, 'avma_collector_success', { host: 'HV01', collector: 'vm-inventory' })).toBe(0);
  });

  it('still answers when the store cannot be read: store down, sweep figures kept, store figures gone', async () => {
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST]));
    const errors: unknown[] = [];
    const metrics = createAgentMetrics({
      store: subject.store,
      version: '1.2.3',
      onStoreError: (error) => errors.push(error),
    });
    metrics.observeRound(await subject.roundAt(0));
    expect(pick(samples((await metrics.render()).body), 'avma_vms').length).toBeGreaterThan(0);
    await subject.store.close();
    const all = samples((await metrics.render()).body);
    expect(sampleValue(all, 'avma_store_up')).toBe(0);
    for (const name of ['avma_vms', 'avma_host_info', 'avma_events_total', 'avma_vm_reasons']) {
      expect(pick(all, name), name).toEqual([]);
    }
    expect(pick(all, 'avma_key_pushes_total')).toHaveLength(2);
    expect(sampleValue(all, 'avma_build_info', { version: '1.2.3' })).toBe(1);
    expect(errors).toEqual([expect.any(StoreError)]);
    expect(errors[0]).toMatchObject({ code: 'CLOSED' });
  });

  it("counts store failures of hosts' transactions by code (PostgreSQL unreachable during a restart)", async () => {
    subject = await fleet(scenario([KMS_GUEST]));
    const metrics = createAgentMetrics({ store: subject.store, version: '1.2.3' });
    metrics.observeStoreError('UNAVAILABLE');
    metrics.observeStoreError('UNAVAILABLE');
    metrics.observeStoreError('LEASE_LOST');
    const all = samples((await metrics.render()).body);
    expect(sampleValue(all, 'avma_store_errors_total', { code: 'UNAVAILABLE' })).toBe(2);
    expect(sampleValue(all, 'avma_store_errors_total', { code: 'LEASE_LOST' })).toBe(1);
  });

  it('shows AVMA guests on a Standard host by the reason AVMA cannot serve them', async () => {
    subject = await fleet({
      start: START,
      hosts: [
        { name: 'HV01', version: '2022', edition: 'datacenter', sockets: 2, coresPerSocket: 16 },
        { name: 'HV03', version: '2022', edition: 'standard', sockets: 1, coresPerSocket: 8 },
      ],
      vms: [
        { ...AVMA_GUEST, host: 'HV03' },
        { ...KMS_GUEST, host: 'HV03' },
      ],
      events: [],
    });
    const metrics = createAgentMetrics({ store: subject.store, version: '1.2.3' });
    metrics.observeRound(await subject.roundAt(0));
    metrics.observeRound(await subject.roundAt(10));
    const all = samples((await metrics.render()).body);
    const notDatacenter = { host: 'HV03', reason: 'HOST_NOT_DATACENTER' };
    expect(sampleValue(all, 'avma_vm_reasons', notDatacenter)).toBe(2);
    expect(sampleValue(all, 'avma_avma_guest_reasons', notDatacenter)).toBe(1);
    expect(pick(all, 'avma_avma_guest_reasons', { host: 'HV01' })).toEqual([]);
    // The guest's own 12309 says why, and its claim of activation is not taken on its word.
    const refused = { host: 'HV03', event_id: '12309', outcome: 'invalid-host' };
    expect(sampleValue(all, 'avma_events_total', refused)).toBe(1);
    const uncorroborated = { host: 'HV03', problem: 'GUEST_CLAIM_UNCORROBORATED' };
    expect(sampleValue(all, 'avma_guest_problems', uncorroborated)).toBe(1);
  });

  it('counts AVMA activations the host granted as expiring once their last renewal is 4 days old', async () => {
    subject = await fleet(scenario([AVMA_GUEST]));
    await subject.roundAt(10);
    const { store } = subject;
    const scrapeAt = async (daysAfterStart: number) => {
      const now = () => Date.parse(START) + daysAfterStart * 24 * 3_600_000;
      const metrics = createAgentMetrics({ store, version: '1.2.3', now });
      return sampleValue(samples((await metrics.render()).body), 'avma_avma_activations_expiring', {
        host: 'HV02',
      });
    };
    // Activated by HV02 at boot (12310 AVMA Success): fresh for 4 days, then within 3 days of its end.
    expect(await scrapeAt(1)).toBe(0);
    expect(await scrapeAt(5)).toBe(1);
  });

  it('counts unclassified events as outcome unknown, events of no host without a host, and host facts', async () => {
    const dir = await tempDir();
    const store = await storeWithHosts(dir, ['HV01']);
    try {
      const at = new Date('2026-11-01T00:00:00Z');
      await store.transaction(async (tx) => {
        const event = (recordId: number, host: string | null) =>
          ({ source: 'host', origin: 'hv01', recordId, eventId: 12310, time: at, host }) as const;
        await tx.insertEvents([
          { ...event(1, 'HV01'), notification: 'unknown' },
          event(2, 'HV01'),
          event(3, null),
        ]);
        await tx.recordHostFacts('HV01', at, {
          version: '2016',
          build: 14393,
          edition: 'standard',
          activated: false,
          sockets: 1,
          coresPerSocket: [8],
          cluster: null,
        });
      });
      const metrics = createAgentMetrics({ store, version: '1.2.3' });
      const all = samples((await metrics.render()).body);
      const unknown = { host: 'HV01', event_id: '12310', outcome: 'unknown' };
      expect(sampleValue(all, 'avma_events_total', unknown)).toBe(2);
      expect(sampleValue(all, 'avma_events_total', { ...unknown, host: '' })).toBe(1);
      // Every outcome of a known host is there from 0, so its first failure is an increase.
      expect(pick(all, 'avma_events_total', { host: 'HV01' })).toHaveLength(10);
      const denied = { host: 'HV01', event_id: '12309', outcome: 'activation-denied' };
      expect(sampleValue(all, 'avma_events_total', denied)).toBe(0);
      expect(sampleValue(all, 'avma_host_activated', { host: 'HV01' })).toBe(0);
      expect(sampleValue(all, 'avma_host_info', { host: 'HV01', edition: 'standard' })).toBe(1);
    } finally {
      await store.close();
      await dir.remove();
    }
  });
});
