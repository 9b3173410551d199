import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DriverError } from '../../../agent/driver/driver-error.js';
import { createPowerShellDriver } from '../../../agent/driver/powershell/powershell-driver.js';
import { openStore } from '../../../agent/store/index.js';
import { SweepCache } from '../../../agent/sweep/sweep-cache.js';
import { sweepRound } from '../../../agent/sweep/sweep-round.js';
import { loadRecording, ReplayingRunner } from '../driver/powershell/replaying-runner.js';
import { STORE_BACKENDS } from '../store/store-backends.js';
import { type Fleet, fleet, scenario, server } from './sweep-kit.js';

function avmaGuests(count: number) {
  return Array.from({ length: count }, (_, n) => ({
    name: `vm${n}`,
    host: 'HV01',
    tenant: 'contoso',
    guestAgent: true,
    guest: server('2022', 'datacenter', 'avma', 'licensed'),
  }));
}

const READS = ['hostInfo', 'listVms', 'readEvents'];
const WRITES = ['addKvpItems', 'modifyKvpItems', 'removeKvpItems'];

function sum(calls: Record<string, number>, methods: readonly string[]): number {
  return methods.reduce((total, method) => total + (calls[method] ?? 0), 0);
}

describe.each(STORE_BACKENDS)('agent/sweep/host-sweep ($name)', (backend) => {
  let subject: Fleet | null = null;
  afterEach(async () => {
    await subject?.close();
    subject = null;
  });

  it.each([1, 500])(
    'reads a host of %i VMs with the same few driver calls and writes nothing in steady state',
    async (count) => {
      subject = await fleet(scenario(avmaGuests(count)), {}, await backend.place());
      await subject.roundAt(0);
      const [hv01] = subject.drivers;
      hv01?.reset();
      const report = await subject.roundAt(30);
      expect(report.hosts[0]).toMatchObject({ host: 'HV01', outcome: 'ok', vms: count, pushed: 0 });
      expect(hv01?.calls).toEqual({ hostInfo: 1, listVms: 1, readEvents: 2 });
      expect(sum(hv01?.calls ?? {}, READS)).toBe(4);
    },
  );

  it('writes once per VM that needs the key, key and intent in one call', async () => {
    const guests = [0, 1, 2].map((n) => ({
      name: `kms${n}`,
      host: 'HV01',
      guestAgent: true,
      guest: server('2019', 'standard', 'gvlk', 'unlicensed'),
    }));
    subject = await fleet(scenario([...guests, ...avmaGuests(5)]), {}, await backend.place());
    const report = await subject.roundAt(0);
    expect(report.hosts[0]?.pushed).toBe(3);
    expect(sum(subject.drivers[0]?.calls ?? {}, WRITES)).toBe(3);
  });

  it('marks a host whose inventory fails stale, and still records its facts and events', async () => {
    subject = await fleet(scenario(avmaGuests(2)), {}, await backend.place());
    await subject.roundAt(0);
    subject.drivers[0]?.fail('listVms', new DriverError('TIMEOUT', 'list-vms did not finish in 120000 ms'));
    const report = await subject.roundAt(30);
    expect(report.hosts[0]).toMatchObject({
      outcome: 'stale',
      vms: 0,
      error: 'TIMEOUT: list-vms did not finish in 120000 ms',
    });
    expect(report.hosts[0]?.collectors.map((c) => [c.name, c.success])).toEqual([
      ['host-facts', true],
      ['vm-inventory', false],
      ['host-events', true],
      ['guest-reports', true],
    ]);
    expect(report.hosts[1]?.outcome).toBe('ok');
    const statuses = await subject.store.listVmStatus();
    expect(statuses.map((vm) => vm.lastSeen)).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
    ]);
  });

  it('goes on without 12310 events when the event read fails, and reads them next time', async () => {
    subject = await fleet(scenario(avmaGuests(2)), {}, await backend.place());
    subject.drivers[0]?.fail('readEvents', new DriverError('BAD_RESPONSE', 'read-events: record 3 after 5'));
    const first = await subject.roundAt(0);
    expect(first.hosts[0]).toMatchObject({ outcome: 'partial', vms: 2 });
    expect(await subject.store.listEvents({ eventId: 12310 })).toEqual([]);
    expect((await subject.store.listEvents({ eventId: 12309 })).length).toBe(2);
    subject.drivers[0]?.fail('readEvents', null);
    const second = await subject.roundAt(30);
    expect(second.hosts[0]?.outcome).toBe('ok');
    expect((await subject.store.listEvents({ eventId: 12310 })).map((event) => event.recordId)).toEqual([
      1, 2,
    ]);
  });

  it('uses the facts it read before when only the host-facts read fails', async () => {
    subject = await fleet(scenario(avmaGuests(1)), {}, await backend.place());
    await subject.roundAt(0);
    subject.drivers[0]?.fail('hostInfo', new DriverError('TIMEOUT', 'host-info timed out'));
    const report = await subject.roundAt(30);
    expect(report.hosts[0]).toMatchObject({ host: 'HV01', outcome: 'partial', vms: 1 });
  });
});

describe('agent/sweep/host-sweep over the PowerShell driver', () => {
  it('sweeps a host from its recorded answers in three invocations and never touches the tenant’s own item', async () => {
    const steps = [
      ...loadRecording('host-info.recording.json').steps,
      ...loadRecording('list-vms.recording.json').steps,
      ...loadRecording('read-events.recording.json').steps.slice(0, 1),
    ];
    const runner = new ReplayingRunner(steps);
    const driver = await createPowerShellDriver({ runner, hostName: 'node1' });
    const dir = await mkdtemp(join(tmpdir(), 'avma-ps-sweep-'));
    const store = await openStore(join(dir, 'avma.sqlite'));
    try {
      const report = await sweepRound({
        drivers: [driver],
        store,
        at: new Date('2026-11-01T00:10:00Z'),
        settings: {
          silentAfterMs: 0,
          tenantOf: () => null,
          evidenceWindowMs: 7 * 24 * 3_600_000,
          correlationToleranceMs: 300_000,
        },
        cache: new SweepCache(),
      });
      expect(report.hosts[0]).toMatchObject({
        host: 'NODE1',
        outcome: 'ok',
        vms: 4,
        pushed: 0,
        newEvents: 4,
      });
      expect(runner.sent).toHaveLength(3);
      await runner.close();
      const demo = (await store.listVmStatus()).find((vm) => vm.name === 'DemoVM');
      // No guest agent answers, but the host's own 12310 names the VM: AVMA on the host's evidence.
      expect(demo).toMatchObject({ eligible: true, reasons: [], keyPushed: false });
      expect(demo).toMatchObject({ channel: 'avma', evidence: 'host', claimedChannel: null });
      expect(demo?.problems.map((p) => p.code)).toEqual(['GUEST_AGENT_SILENT']);
      const events = await store.listEvents({ eventId: 12310 });
      expect(events.map((event) => [event.recordId, event.vm])).toEqual([
        [4711, 'DemoVM'],
        [4716, expect.any(String)],
        [4790, expect.any(String)],
        [4802, expect.any(String)],
      ]);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
