import { afterEach, describe, expect, it } from 'vitest';
import { LabGuestPlatform } from '../../../agent/lab/lab-guest-platform.js';
import { StoreError } from '../../../agent/store/index.js';
import { GuestAgent } from '../../../guest/agent/guest-agent.js';
import { encodeStatus } from '../../../shared/protocol/index.js';
import { openRaw } from '../store/raw-sqlite.js';
import { STORE_BACKENDS } from '../store/store-backends.js';
import { type Fleet, fleet, MINUTE, scenario, server } from './sweep-kit.js';

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

function hostItems(f: Fleet, name: string): Record<string, string> {
  return Object.fromEntries(f.lab.vmByName(name).hostItems);
}

describe.each(STORE_BACKENDS)('agent/sweep/sweep-round ($name)', (backend) => {
  let subject: Fleet | null = null;
  afterEach(async () => {
    await subject?.close();
    subject = null;
  });

  it('pushes the key to a KMS guest, whose agent installs it; the next sweeps record it licensed with its events', async () => {
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST]), {}, await backend.place());
    const first = await subject.roundAt(0);
    expect(first.hosts.map((host) => [host.host, host.pushed])).toEqual([
      ['HV01', 1],
      ['HV02', 0],
    ]);
    expect(hostItems(subject, 'web01')).toEqual({
      'AvmaAgent.Key': 'TNK62-RXVTB-4P47B-2D623-4GF74',
      'AvmaAgent.Intent': '{"v":1,"seq":1,"action":"install"}',
    });
    await subject.roundAt(10);
    const web01 = (await subject.store.listVmStatus()).find((vm) => vm.name === 'web01');
    expect(web01).toMatchObject({
      host: 'HV01',
      tenant: 'contoso',
      licenseStatus: 'licensed',
      channel: 'avma',
      keyPushed: true,
      eligible: true,
    });
    const events = (await subject.store.listEvents({ vm: 'web01' })).map((e) => [
      e.source,
      e.eventId,
      e.notification,
    ]);
    expect(events).toEqual([
      ['agent', null, null],
      ['host', 12310, 'avma-success'],
      ['guest', 12309, 'avma-success'],
    ]);
    const [audit] = await subject.store.listAudit({ actions: ['push-key'] });
    expect(audit).toMatchObject({
      actor: 'agent',
      at: '2026-11-01T00:00:00.000Z',
      host: 'HV01',
      reason: 'eligible; the guest holds a KMS client key',
    });
    expect(audit?.details).toMatchObject({ seq: 1, partialKey: '4GF74', calls: [{ op: 'add' }] });
  });

  it('asks the hosts for their facts and VMs while it reads the store, and acts only after the read', async () => {
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST]), {}, await backend.place());
    const store = subject.store;
    const read = store.readSweepState.bind(store);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    store.readSweepState = async () => {
      await held;
      return read();
    };
    const round = subject.roundAt(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(subject.drivers.map((driver) => driver.calls.listVms)).toEqual([1, 1]);
    expect(hostItems(subject, 'web01')).toEqual({});
    release();
    expect((await round).hosts.map((host) => [host.host, host.pushed])).toEqual([
      ['HV01', 1],
      ['HV02', 0],
    ]);
  });

  it('fails a round whose store read fails (STORE_UNAVAILABLE) and writes nothing to any guest', async () => {
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST]), {}, await backend.place());
    subject.store.readSweepState = () => Promise.reject(new StoreError('UNAVAILABLE', 'the store is down'));
    await expect(subject.roundAt(0)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(hostItems(subject, 'web01')).toEqual({});
  });

  it('runs a round of several hosts with one transaction each', async () => {
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST]), {}, await backend.place());
    const store = subject.store;
    const original = store.transaction.bind(store);
    let transactions = 0;
    store.transaction = ((work: Parameters<typeof original>[0]) => {
      transactions += 1;
      return original(work);
    }) as typeof store.transaction;
    await subject.roundAt(0, { concurrency: 1 });
    expect(transactions).toBe(2);
  });

  it('marks a host that is down stale and keeps its VMs’ history open; the gap stays below staleAfter', async () => {
    const events = [
      { at: '2026-11-01T00:40:00Z', type: 'host-down', host: 'HV02' },
      { at: '2026-11-01T01:50:00Z', type: 'host-up', host: 'HV02' },
    ];
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST], events), {}, await backend.place());
    await subject.roundAt(0);
    await subject.roundAt(30);
    const down = await subject.roundAt(60);
    expect(down.hosts[1]).toMatchObject({
      host: 'HV02',
      outcome: 'stale',
      error: 'HOST_UNAVAILABLE: host HV02 does not answer (host down)',
    });
    const during = (await subject.store.listVmStatus({ includeDeleted: true })).find(
      (vm) => vm.name === 'app01',
    );
    expect(during).toMatchObject({ deletedAt: null, state: 'Running', lastSeen: '2026-11-01T00:30:00.000Z' });
    await subject.roundAt(120);
    const rows = await subject.store.readUsageInputs(
      new Date('2026-11-01T00:00:00Z'),
      new Date('2026-11-02T00:00:00Z'),
    );
    const app01 = rows.intervals.filter((interval) => interval.vm === during?.id);
    expect(app01.map((interval) => [interval.fromMs, interval.untilMs])).toEqual([
      [Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-11-01T02:00:00Z')],
    ]);
  });

  it('records a typed problem for a hostile guest and sweeps the other VMs as usual', async () => {
    const hostile = { ...KMS_GUEST, name: 'evil', guestAgent: false };
    const corrupt = [
      {
        at: '2026-11-01T00:10:00Z',
        type: 'corrupt-kvp',
        vm: 'evil',
        value: '{"v":1,"seq":0,"licenseStatus":99}',
      },
      {
        at: '2026-11-01T00:40:00Z',
        type: 'corrupt-kvp',
        vm: 'evil',
        item: 'AvmaAgent.Event.0',
        value: '{"v":1,"recordId":"1"}',
      },
    ];
    subject = await fleet(scenario([hostile, KMS_GUEST], corrupt), {}, await backend.place());
    await subject.roundAt(0);
    await subject.roundAt(30);
    const first = (await subject.store.listVmStatus()).find((vm) => vm.name === 'evil');
    expect(first).toMatchObject({ licenseStatus: 'unknown', channel: 'unknown', keyPushed: false });
    expect(first?.problems).toEqual([
      {
        code: 'STATUS_INVALID',
        message: expect.stringMatching(/^AvmaAgent\.Status: status\.licenseStatus: expected one of/),
      },
    ]);
    await subject.roundAt(60);
    const second = (await subject.store.listVmStatus()).find((vm) => vm.name === 'evil');
    expect(second?.problems.map((p) => p.code)).toEqual(['STATUS_INVALID', 'EVENT_INVALID']);
    expect((await subject.store.listVmStatus()).find((vm) => vm.name === 'web01')).toMatchObject({
      channel: 'avma',
      problems: [],
    });
  });

  it('follows a live migration without marking the VM deleted, and marks a deleted VM deleted keeping its history', async () => {
    const events = [
      { at: '2026-11-01T00:20:00Z', type: 'migrate', vm: 'app01', to: 'HV01' },
      { at: '2026-11-01T00:20:00Z', type: 'delete-vm', vm: 'web01' },
    ];
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST], events), {}, await backend.place());
    await subject.roundAt(0);
    const report = await subject.roundAt(30, { concurrency: 1 });
    expect(report.hosts.map((host) => [host.host, host.vms, host.deleted])).toEqual([
      ['HV01', 1, 1],
      ['HV02', 0, 0],
    ]);
    const all = await subject.store.listVmStatus({ includeDeleted: true });
    expect(all.map((vm) => [vm.name, vm.host, vm.deletedAt])).toEqual([
      ['app01', 'HV01', null],
      ['web01', 'HV01', '2026-11-01T00:30:00.000Z'],
    ]);
    expect((await subject.store.listEvents({ vm: 'web01' })).length).toBeGreaterThan(0);
  });

  it('withdraws the offered key from a VM the tenant opted out of, once, with an audit record', async () => {
    subject = await fleet(scenario([KMS_GUEST]), {}, await backend.place());
    await subject.roundAt(0);
    const [web01] = await subject.store.listVmStatus();
    const at = new Date(subject.lab.now());
    await subject.store.transaction((tx) =>
      tx.setOptOut(web01?.id ?? '', true, { at, actor: 'alice', reason: 'tenant asked' }),
    );
    await subject.roundAt(1);
    await subject.roundAt(30);
    expect(hostItems(subject, 'web01')).toEqual({});
    expect((await subject.store.listVmStatus())[0]).toMatchObject({
      reasons: ['OPTED_OUT'],
      keyPushed: false,
      optedOut: true,
    });
    const audit = (await subject.store.listAudit()).map((row) => [row.action, row.actor]);
    expect(audit).toEqual([
      ['push-key', 'agent'],
      ['opt-out', 'alice'],
      ['remove-host-items', 'agent'],
    ]);
  });

  it('records once, as recovered, a write whose sweep was never recorded, and never pushes it twice', async () => {
    subject = await fleet(scenario([KMS_GUEST]), {}, await backend.place());
    const unrecorded = await subject.roundAt(0, { record: false });
    expect(unrecorded.hosts[0]).toMatchObject({ outcome: 'not-recorded', pushed: 1 });
    await subject.roundAt(30);
    await subject.roundAt(60);
    expect(subject.drivers[0]?.calls.addKvpItems).toBe(1);
    const audit = await subject.store.listAudit();
    expect(audit.map((row) => [row.action, row.at, row.details.seq])).toEqual([
      ['push-key', '2026-11-01T00:30:00.000Z', 1],
    ]);
    expect(audit[0]?.reason).toMatch(/^recovered: the host holds intent 1 \(install\)/);
  });

  it('reports every host not recorded while another process locks the database, and records at the next round', async ({
    skip,
  }) => {
    // PostgreSQL's counterpart, a lost connection, is test/agent/store/pg/shared-database.test.ts's.
    skip(backend.name !== 'sqlite', "SQLite's file lock");
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST]), {}, await backend.place());
    await subject.roundAt(0);
    const other = await openRaw(subject.store.path);
    await other.exec('BEGIN EXCLUSIVE');
    const locked = await subject.roundAt(30);
    await other.exec('ROLLBACK');
    await other.close();
    expect(locked.hosts.map((host) => host.outcome)).toEqual(['not-recorded', 'not-recorded']);
    expect(locked.hosts[0]?.error).toMatch(/^LOCKED: database .* is locked by another process/);
    expect(locked.hosts[1]?.error).toMatch(/^not tried: LOCKED/);
    const next = await subject.roundAt(60);
    expect(next.hosts.map((host) => host.outcome)).toEqual(['ok', 'ok']);
    expect((await subject.store.listVmStatus()).map((vm) => vm.lastSeen)).toEqual([
      '2026-11-01T01:00:00.000Z',
      '2026-11-01T01:00:00.000Z',
    ]);
  });

  it('after a key replacement reported by an answering guest: wipe intent, key withdrawn, AVMA blocked, both sides clean', async () => {
    subject = await fleet(scenario([KMS_GUEST]), { guestAgentFactory: null }, await backend.place());
    const vm = subject.lab.vmByName('web01');
    const agent = new GuestAgent(new LabGuestPlatform(subject.lab, vm), { agentVersion: '0.1.0' });
    await agent.tick();
    await subject.roundAt(0);
    await agent.tick();
    await subject.roundAt(30);
    const retail = JSON.parse(vm.guestPool.get('AvmaAgent.Status') ?? '{}');
    vm.writeGuestItem(
      'AvmaAgent.Status',
      encodeStatus({ ...retail, channel: 'retail', partialKey: 'BBBBB' }),
    );
    const replaced = await subject.roundAt(60);
    expect(replaced.hosts[0]).toMatchObject({ wiped: 1, pushed: 0 });
    expect(hostItems(subject, 'web01')).toEqual({ 'AvmaAgent.Intent': '{"v":1,"seq":2,"action":"wipe"}' });
    await agent.tick();
    expect([...vm.guestPool.keys()]).toEqual([]);
    await subject.roundAt(90);
    expect(hostItems(subject, 'web01')).toEqual({});
    expect((await subject.store.listVmStatus())[0]).toMatchObject({
      kvpWiped: true,
      avmaBlocked: true,
      keyPushed: false,
    });
    const audit = (await subject.store.listAudit()).map((row) => row.action);
    expect(audit).toEqual(['push-key', 'block-avma', 'send-wipe', 'remove-host-items', 'remove-host-items']);
    await subject.roundAt(120);
    expect((await subject.store.listAudit()).length).toBe(5);
  });

  it('runs without an optional collector turned off, reporting it disabled and keeping the bookmark', async () => {
    subject = await fleet(scenario([AVMA_GUEST]), {}, await backend.place());
    const off = { ...subject.settings, disabledCollectors: new Set(['host-events'] as const) };
    const round = await subject.roundAt(5, { settings: off });
    const host = round.hosts.find((entry) => entry.host === 'HV02');
    expect(host?.outcome).toBe('ok');
    expect(host?.collectors.map((c) => [c.name, c.enabled, c.success])).toEqual([
      ['host-facts', true, true],
      ['vm-inventory', true, true],
      ['host-events', false, true],
      ['guest-reports', true, true],
    ]);
    expect(await subject.store.listEvents({ eventId: 12310 })).toEqual([]);
    // Turned on again, the host's log is read from where it was: the boot's 12310 is recorded.
    await subject.roundAt(10);
    expect((await subject.store.listEvents({ eventId: 12310 })).length).toBeGreaterThan(0);
  });

  it('sweeps at most `concurrency` hosts at a time', async ({ skip }) => {
    skip(backend.name !== 'sqlite', 'about the driver calls, not what is stored');
    subject = await fleet(scenario([KMS_GUEST, AVMA_GUEST]), {}, await backend.place());
    let inFlight = 0;
    let most = 0;
    for (const driver of subject.drivers) {
      const list = driver.listVms.bind(driver);
      driver.listVms = async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        return list();
      };
    }
    await subject.roundAt(0, { concurrency: 1 });
    expect(most).toBe(1);
    await subject.roundAt(30, { concurrency: 2 });
    expect(most).toBe(2);
    await expect(subject.roundAt(60, { concurrency: 0 })).rejects.toThrow(
      'concurrency is 0, expected an integer 1..64',
    );
  });

  it('keeps a minute-by-minute round time at or after the latest sighting even when the clock steps back', async () => {
    subject = await fleet(scenario([AVMA_GUEST]), {}, await backend.place());
    await subject.roundAt(30);
    const { sweepRound } = await import('../../../agent/sweep/sweep-round.js');
    const report = await sweepRound({
      drivers: subject.drivers,
      store: subject.store,
      at: new Date(subject.lab.startTime),
      settings: subject.settings,
      cache: subject.cache,
    });
    expect(report.at).toBe(new Date(subject.lab.startTime + 30 * MINUTE).toISOString());
    expect(report.totals.notRecorded).toBe(0);
  });
});
