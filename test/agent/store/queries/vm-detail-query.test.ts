import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VM_DETAIL_AUDIT } from '../../../../agent/store/index.js';
import type { Fleet } from '../../sweep/sweep-kit.js';
import { STORE_BACKENDS } from '../store-backends.js';
import { apiLab, guidOf } from './api-lab.js';

describe.each(STORE_BACKENDS)('agent/store/queries/vm-detail-query ($name)', (backend) => {
  let lab: Fleet;
  beforeAll(async () => {
    lab = await apiLab(backend);
  });
  afterAll(async () => {
    await lab.close();
  });

  it('gives a VM its list row and its history: names, stays on hosts, licence conclusions', async () => {
    const id = guidOf(lab, 'web01-renamed');
    const detail = await lab.store.getVmDetail(id);
    const [listed] = (await lab.store.listVmPage({ q: id })).rows;
    expect(detail).toMatchObject({ ...listed, firstSeen: '2026-11-01T00:00:00.000Z' });
    // Renamed at 00:20 in Hyper-V, seen by the 00:25 sweep; migrated at 00:30, seen at 00:40.
    expect(detail?.names).toEqual([
      { name: 'web01', from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T00:25:00.000Z' },
      { name: 'web01-renamed', from: '2026-11-01T00:25:00.000Z', to: null },
    ]);
    expect(detail?.hosts).toEqual([
      { host: 'HV01', from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T00:40:00.000Z' },
      { host: 'HV02', from: '2026-11-01T00:40:00.000Z', to: null },
    ]);
    // The key was pushed at 00:00 and the guest activated at 00:05: one span per conclusion, however
    // many observation intervals (the rename and the migration opened new ones) it covers.
    expect(detail?.licence).toEqual([
      {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-01T00:10:00.000Z',
        licenseStatus: 'unlicensed',
        channel: 'gvlk',
        evidence: 'guest',
      },
      {
        from: '2026-11-01T00:10:00.000Z',
        to: null,
        licenseStatus: 'licensed',
        channel: 'avma',
        evidence: 'host+guest',
      },
    ]);
  });

  it('identifies the guest from its latest intrinsic pool and shows the stored pools', async () => {
    const detail = await lab.store.getVmDetail(guidOf(lab, 'web01-renamed'));
    expect(detail?.identity).toMatchObject({
      source: 'kvp',
      os: 'windows-server',
      version: '2019',
      build: 17763,
      edition: 'standard',
      evaluation: false,
      fqdn: 'web01.contoso.example',
      architecture: 'amd64',
    });
    expect(detail?.identity.ipv4).toHaveLength(1);
    expect(detail?.kvp.intrinsic).toContainEqual({ name: 'OSName', data: 'Windows Server 2019 Standard' });
    expect(detail?.kvp.guest.map((item) => item.name)).toContain('AvmaAgent.Status');
  });

  it('falls back to the observation for a VM that never published intrinsic items', async () => {
    const detail = await lab.store.getVmDetail(guidOf(lab, 'off01'));
    expect(detail?.identity).toEqual({
      source: 'observation',
      os: 'unknown',
      version: null,
      build: null,
      edition: null,
      evaluation: null,
      fqdn: null,
      ipv4: [],
      ipv6: [],
      architecture: null,
    });
    expect(detail?.kvp).toEqual({ intrinsic: [], guest: [], host: [] });
    expect(detail?.fqdn).toBeNull();
  });

  it('lists the VM’s events newest first, with their source and attribution, and its audit', async () => {
    const detail = await lab.store.getVmDetail(guidOf(lab, 'web01-renamed'));
    expect(detail?.events.map((event) => [event.source, event.eventId, event.vmMatch, event.time])).toEqual([
      ['guest', 12309, null, '2026-11-01T00:05:00.000Z'],
      ['host', 12310, 'vm-id', '2026-11-01T00:05:00.000Z'],
      ['agent', null, null, '2026-11-01T00:00:00.000Z'],
    ]);
    expect(detail?.events.every((event) => event.vm === 'web01-renamed')).toBe(true);
    expect(detail?.audit.map((record) => [record.action, record.actor, record.host])).toEqual([
      ['push-key', 'agent', 'HV01'],
    ]);
  });

  it('keeps only the latest audit records, newest first', async () => {
    const id = guidOf(lab, 'db01');
    await lab.store.transaction(async (tx) => {
      for (let i = 0; i < VM_DETAIL_AUDIT + 5; i++) {
        await tx.setOptOut(id, i % 2 === 0, {
          at: new Date(Date.parse('2026-11-02T00:00:00Z') + i * 60_000),
          actor: `operator-${i}`,
          reason: 'ticket',
        });
      }
    });
    const audit = (await lab.store.getVmDetail(id))?.audit ?? [];
    expect(audit).toHaveLength(VM_DETAIL_AUDIT);
    expect(audit[0]).toMatchObject({ actor: `operator-${VM_DETAIL_AUDIT + 4}`, action: 'opt-out' });
    expect(audit.at(-1)).toMatchObject({ actor: 'operator-5' });
  });

  it('shows a deleted VM with its deletion', async () => {
    const gone = (await lab.store.listVmPage({ includeDeleted: true, q: 'gone01' })).rows[0];
    const detail = await lab.store.getVmDetail(gone?.id ?? '');
    expect(detail).toMatchObject({ name: 'gone01', deletedAt: '2026-11-01T00:10:00.000Z' });
    expect(detail?.hosts).toEqual([
      { host: 'HV02', from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' },
    ]);
  });

  it('answers null for a VM the store never saw, and takes a GUID in either case', async () => {
    expect(await lab.store.getVmDetail('00000000-0000-4000-8000-000000000000')).toBeNull();
    const id = guidOf(lab, 'app01');
    expect((await lab.store.getVmDetail(id.toUpperCase()))?.id).toBe(id);
  });

  it('refuses an id that is not a GUID with INVALID_ARGUMENT naming it', async () => {
    await expect(lab.store.getVmDetail("app01' OR 1=1")).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^id is /),
    });
  });
});
