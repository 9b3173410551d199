import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeKvpItem } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import type { RecordedStep } from '../../../agent/driver/powershell/recording.js';
import { openSession, type SessionOptions } from '../../../agent/runtime/agent-session.js';
import { sweepRound } from '../../../agent/sweep/sweep-round.js';
import { encodeStatus } from '../../../shared/protocol/index.js';
import { loadRecording, ReplayingRunner } from '../driver/powershell/replaying-runner.js';

async function tempDb(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'session-')), 'avma.sqlite');
}

const BASE = { staleAfterMs: 600_000, silentAfterMs: 180_000 };

/** The recorded list-vms answer with a guest agent's status added to DemoVM (an eligible 2022 guest). */
function listWithStatus(): RecordedStep {
  const [step] = loadRecording('list-vms.recording.json').steps;
  if (step === undefined) throw new Error('no list-vms step');
  const output = structuredClone(step.output) as { ok: { Vms: { GuestItems: string[] }[] } };
  const status = encodeStatus({
    v: 1,
    seq: 0,
    licenseStatus: 'oob-grace',
    channel: 'gvlk',
    partialKey: 'D6TGH',
    avmaHost: null,
    lastActivation: null,
    graceMinutes: 43000,
    lastHresult: null,
    agentVersion: '0.1.0',
    refused: null,
  });
  output.ok.Vms[0]?.GuestItems.push(encodeKvpItem({ name: 'AvmaAgent.Status', data: status, source: 1 }));
  return { ...step, output } as RecordedStep;
}

describe('agent/runtime/agent-session', () => {
  it('opens the lab, its drivers and a new database, and closes them', async () => {
    const session = await openSession({ driver: 'lab', db: await tempDb(), ...BASE });
    expect(session.drivers.map((driver) => driver.hostName)).toEqual([
      'HV01',
      'HV02',
      'HV03',
      'HV04',
      'HV05',
      'HV06',
    ]);
    expect(session.now().toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(
      session.settings.tenantOf('HV01', { id: session.lab?.vmByName('sql01').id ?? '', name: 'sql01' }),
    ).toBe('fabrikam');
    await session.close();
    await expect(session.store.listVmStatus()).rejects.toThrow(/is closed/);
  });

  it('takes tenants of real hosts from the configured rules', async () => {
    const steps = [...loadRecording('host-info.recording.json').steps];
    const options = {
      runnerFor: () => new ReplayingRunner(steps),
    } as unknown as SessionOptions['powershell'];
    const session = await openSession({
      driver: 'powershell',
      db: await tempDb(),
      ...BASE,
      powershell: options,
      tenants: [
        { prefix: 'demo', tenant: 'contoso' },
        { regex: '^vm\\d$', tenant: 'fabrikam' },
      ],
    });
    expect(
      ['DemoVM', 'Vm1', 'tvmdemo1'].map((name) => session.settings.tenantOf('node1', { id: '', name })),
    ).toEqual(['contoso', 'fabrikam', null]);
    await session.close();
  });

  it('with --dry-run, prints the exact write script the PowerShell driver would send and records nothing', async () => {
    const steps = [
      ...loadRecording('host-info.recording.json').steps,
      listWithStatus(),
      ...loadRecording('read-events.recording.json').steps.slice(0, 1),
    ];
    const printed: string[] = [];
    const runner = new ReplayingRunner(steps);
    const db = await tempDb();
    const session = await openSession({
      driver: 'powershell',
      db,
      ...BASE,
      powershell: { runnerFor: () => runner } as unknown as SessionOptions['powershell'],
      dryRun: (operation, text) => printed.push(`${operation}: ${text}`),
    });
    try {
      const report = await sweepRound({
        drivers: session.drivers,
        store: session.store,
        at: new Date('2026-11-01T00:00:00Z'),
        settings: session.settings,
        cache: session.cache,
        record: false,
      });
      expect(report).toMatchObject({ dryRun: true, totals: { pushed: 1, notRecorded: 1 } });
      expect(printed).toHaveLength(1);
      expect(printed[0]).toMatch(/^add-kvp: /);
      expect(runner.sent).toHaveLength(3);
      expect(await session.store.listVmStatus()).toEqual([]);
    } finally {
      await session.close();
    }
    // The dry run neither created nor migrated a database at --db.
    expect(existsSync(db)).toBe(false);
  });

  it('is the database’s one writer: a second session is refused naming the first, a dry run is not', async () => {
    const db = await tempDb();
    const first = await openSession({ driver: 'lab', db, command: 'avma run', ...BASE });
    try {
      const refused = await openSession({ driver: 'lab', db, command: 'avma sweep', ...BASE }).then(
        () => null,
        (error: unknown) => error as { code: string; message: string },
      );
      expect(refused?.code).toBe('STORE_UNAVAILABLE');
      expect(refused?.message).toMatch(
        new RegExp(
          `^store .*avma\\.sqlite is in use by another agent \\(pid ${process.pid} on .*, "avma run", since .*\\); one writer per database$`,
        ),
      );
      // A dry run records nothing, so it reads the database beside the writer.
      const dryRun = await openSession({
        driver: 'powershell',
        db,
        ...BASE,
        powershell: {
          runnerFor: () => new ReplayingRunner([...loadRecording('host-info.recording.json').steps]),
        } as unknown as SessionOptions['powershell'],
        dryRun: () => undefined,
      });
      await dryRun.close();
    } finally {
      await first.close();
    }
    const next = await openSession({ driver: 'lab', db, command: 'avma sweep', ...BASE });
    await next.close();
  });

  it.each<[Partial<SessionOptions>, string, RegExp]>([
    [{ hosts: ['HV99'] }, 'DRIVER_UNAVAILABLE', /unknown lab host "HV99"/],
    [{ scenario: '/nonexistent/scenario.json' }, 'INVALID_OPTIONS', /scenario\.json/],
    [
      { db: '/nonexistent-dir/avma.sqlite' },
      'STORE_UNAVAILABLE',
      /^directory \/nonexistent-dir does not exist/,
    ],
  ])('refuses %o with %s', async (change, code, message) => {
    const failed = await openSession({ driver: 'lab', db: await tempDb(), ...BASE, ...change }).then(
      () => null,
      (error: unknown) => error as { code: string; message: string },
    );
    expect(failed?.code).toBe(code);
    expect(failed?.message).toMatch(message);
  });
});
