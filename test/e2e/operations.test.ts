import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sqlite3 from 'sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventRow, VmStatus } from '../../agent/store/index.js';
import type { UsageMonth } from '../../agent/usage/index.js';
import { avma } from '../agent/cli/cli-harness.js';
import { openRaw } from '../agent/store/raw-sqlite.js';

const SCENARIO = fileURLToPath(new URL('../fixtures/e2e/operations.json', import.meta.url));

/** Rows of one VM's observation history and stored pools, read beside the store's own API. */
async function history(db: string, name: string) {
  const raw = await openRaw(db, sqlite3.OPEN_READONLY);
  try {
    const vm = `(SELECT vm_id FROM vm_names WHERE name = '${name}')`;
    const observations = await raw.all(
      `SELECT valid_from, valid_to, license_status, channel, problems FROM observations WHERE vm_id = ${vm} ORDER BY valid_from, id`,
    );
    // A stored pool with no items has its kvp_latest row and no kvp_items row.
    const pools = await raw.all(
      `SELECT k.pool, i.name FROM kvp_latest k LEFT JOIN kvp_items i ON i.vm_id = k.vm_id AND i.pool = k.pool
       WHERE k.vm_id = ${vm} ORDER BY k.pool, i.name, i.nth`,
    );
    return {
      observations: observations.map((row) => ({
        from: new Date(Number(row.valid_from)).toISOString(),
        licenseStatus: row.license_status,
        problems: (JSON.parse(String(row.problems)) as { code: string; message: string }[]).map(
          (p) => `${p.code}: ${p.message}`,
        ),
      })),
      pools: pools.reduce<Record<string, { name: string }[]>>((byPool, row) => {
        const items = byPool[String(row.pool)] ?? [];
        if (row.name !== null) items.push({ name: String(row.name) });
        byPool[String(row.pool)] = items;
        return byPool;
      }, {}),
    };
  } finally {
    await raw.close();
  }
}

describe('e2e/operations', () => {
  let db: string;
  let status: VmStatus[];
  let events: EventRow[];
  beforeAll(async () => {
    db = join(await mkdtemp(join(tmpdir(), 'e2e-operations-')), 'avma.sqlite');
    const run = await avma(['lab', 'run', '--scenario', SCENARIO, '--days', '8', '--db', db]);
    expect(run.code).toBe(0);
    status = (await avma(['status', '--db', db, '--json', '--all'])).json<VmStatus[]>();
    events = (await avma(['events', '--db', db, '--json'])).json<EventRow[]>();
  }, 60_000);

  const vm = (name: string) => status.find((row) => row.name === name);

  it('wipes both sides after a key replacement, audits it, and never pushes to that VM again', async () => {
    expect(vm('swap01')).toMatchObject({
      avmaBlocked: true,
      kvpWiped: true,
      keyPushed: false,
      // The tenant's key stays the reason, and the channel its last status stated stays shown, as the
      // guest's word (the agent wiped its items without reporting the new key).
      eligible: false,
      reasons: ['TENANT_KEY'],
      licenseStatus: 'unknown',
      channel: 'avma',
      evidence: 'guest',
    });
    const { pools } = await history(db, 'swap01');
    expect(pools.host).toEqual([]);
    expect(pools.guest).toEqual([]);
    const agent = events.filter((e) => e.source === 'agent' && e.vm === 'swap01');
    expect(agent.map((e) => [e.time, e.message.split(':')[0]])).toEqual([
      ['2026-11-01T00:00:00.000Z', 'push-key by agent'],
      ['2026-11-03T10:00:00.000Z', 'block-avma by agent'],
      ['2026-11-03T10:00:00.000Z', 'remove-host-items by agent'],
    ]);
  });

  it('records a host losing its activation: HOST_NOT_ACTIVATED, and the guest’s 12309 Invalid Host 0xC004FD02 forwarded', () => {
    expect(vm('act01')).toMatchObject({ eligible: false, reasons: ['HOST_NOT_ACTIVATED'] });
    const invalid = events.filter((e) => e.vm === 'act01' && e.notification === 'invalid-host');
    expect(
      invalid
        .filter((e) => e.source === 'guest')
        .every((e) => e.eventId === 12309 && e.hresult === '0xC004FD02'),
    ).toBe(true);
    expect(invalid.filter((e) => e.source === 'guest').length).toBeGreaterThan(0);
    expect(
      invalid.filter((e) => e.source === 'host').every((e) => e.eventId === 12310 && e.host === 'HV03'),
    ).toBe(true);
  });

  it('lists a migrated VM with both hosts and a deleted VM in the month export', async () => {
    const month = (
      await avma(['export', 'usage', '--db', db, '--month', '2026-11', '--format', 'json'])
    ).json<UsageMonth>();
    const mover = month.vms.find((row) => row.name === 'mover');
    expect(mover?.hosts.map((host) => [host.name, host.hours])).toEqual([
      ['HV01', 108],
      ['HV02', 84],
    ]);
    const gone = month.vms.find((row) => row.name === 'gone01');
    expect(gone?.hosts).toEqual([{ name: 'HV02', hours: 143 }]);
    expect(vm('gone01')?.deletedAt).toBe('2026-11-07T00:00:00.000Z');
    const csv = await avma([
      'export',
      'usage',
      '--db',
      db,
      '--month',
      '2026-11',
      '--format',
      'csv',
      '--table',
      'vms',
    ]);
    expect(
      csv.stdout.split('\r\n').filter((line) => line.includes('gone01') || line.includes('mover')),
    ).toHaveLength(3);
  });

  it('records a typed problem for each hostile value, keeps everything stored before, and sweeps the others as usual', async () => {
    const { observations } = await history(db, 'evil01');
    const problems = observations.map((o) => [
      o.from,
      o.problems.map((p) => p.replace(/ \(and \d+ more\)/, '')),
    ]);
    expect(problems).toEqual([
      ['2026-11-01T00:00:00.000Z', []],
      ['2026-11-01T03:00:00.000Z', [expect.stringMatching(/^GUEST_AGENT_SILENT: /)]],
      [
        '2026-11-02T02:00:00.000Z',
        ['STATUS_INVALID: AvmaAgent.Status: status: is not valid JSON, expected a JSON object'],
      ],
      [
        '2026-11-02T04:00:00.000Z',
        ['STATUS_INVALID: AvmaAgent.Status: status.seq: expected an integer 0..9007199254740991'],
      ],
      [
        '2026-11-02T06:00:00.000Z',
        [
          expect.stringMatching(
            /^STATUS_INVALID: AvmaAgent\.Status: status\.licenseStatus: expected one of unlicensed, licensed/,
          ),
        ],
      ],
      [
        '2026-11-02T08:00:00.000Z',
        ['STATUS_INVALID: AvmaAgent.Status: status: value is 1380 UTF-8 bytes, expected at most 1022'],
      ],
      [
        '2026-11-02T10:00:00.000Z',
        [
          expect.stringMatching(
            /^STATUS_INVALID: AvmaAgent\.Status: status\.channel: expected one of avma, gvlk/,
          ),
        ],
      ],
      [
        '2026-11-02T12:00:00.000Z',
        [
          expect.stringMatching(/^STATUS_INVALID: /),
          expect.stringMatching(/^EVENT_INVALID: AvmaAgent\.Event\.0: event\.host: expected a host name/),
        ],
      ],
    ]);
    expect(observations.every((o) => o.licenseStatus === 'unknown')).toBe(true);
    expect(events.filter((e) => e.vm === 'evil01' && e.source === 'guest')).toEqual([]);
    expect(vm('mover')?.problems).toEqual([]);
  });

  it('records GUEST_AGENT_SILENT for a Windows Server guest without an agent after three sweeps', async () => {
    const { observations } = await history(db, 'silent01');
    expect(observations.map((o) => [o.from, o.problems.length])).toEqual([
      ['2026-11-01T00:00:00.000Z', 0],
      ['2026-11-01T03:00:00.000Z', 1],
    ]);
    expect(vm('silent01')?.problems[0]?.message).toMatch(
      /^no AvmaAgent\.Status from the guest agent since 2026-11-01T00:00:00\.000Z/,
    );
  });
});
