/**
 * Every report over the hand-made fleet of report-fixture.ts; the expected rows are worked out from
 * that file's table (comments give the arithmetic), never taken from the code's output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_NAMES, type ReportRow, runReport } from '../../../agent/reports/index.js';
import type { Store } from '../../../agent/store/index.js';
import { type TempDir, tempDir } from '../store/store-test-kit.js';
import { AT, ID, reportFleet } from './report-fixture.js';

let dir: TempDir;
let store: Store;
beforeAll(async () => {
  dir = await tempDir();
  store = await reportFleet(dir);
});
afterAll(async () => {
  await store.close();
  await dir.remove();
});

async function rows(name: string, params: Record<string, string> = {}): Promise<readonly ReportRow[]> {
  return (await runReport(store, name, params, { now: new Date(AT) })).rows;
}

const pick = (list: readonly ReportRow[], ...columns: string[]) =>
  list.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));

const HOST = 'host: a 12310 in the host Application log';
const GUEST = 'guest claim: the guest agent status (tenant-written, not verified)';

describe('agent/reports', () => {
  it('licence-states (03A): live VMs counted by conclusion and evidence, the deleted VM left out', async () => {
    // 7 live VMs: app02+grace03 licensed/avma/host, lnx01+claim01 unknown/none, then one each.
    expect(await rows('licence-states')).toEqual([
      { licenseStatus: 'licensed', channel: 'avma', evidence: 'host', vms: 2, source: HOST },
      { licenseStatus: 'unknown', channel: 'unknown', evidence: 'none', vms: 2, source: 'no evidence' },
      {
        licenseStatus: 'licensed',
        channel: 'avma',
        evidence: 'host+guest',
        vms: 1,
        source: `${HOST}; the guest status agrees`,
      },
      { licenseStatus: 'licensed', channel: 'gvlk', evidence: 'guest', vms: 1, source: GUEST },
      { licenseStatus: 'oob-grace', channel: 'none', evidence: 'guest', vms: 1, source: GUEST },
    ]);
  });

  it('licence-status-vms (03B): the VMs in one status, narrowed by channel and evidence', async () => {
    const licensedAvma = await rows('licence-status-vms', { status: 'licensed', channel: 'avma' });
    expect(pick(licensedAvma, 'name', 'host', 'evidence')).toEqual([
      { name: 'app01', host: 'HV01', evidence: 'host+guest' },
      { name: 'app02', host: 'HV01', evidence: 'host' },
      { name: 'grace03', host: 'HV05', evidence: 'host' },
    ]);
    const hostOnly = await rows('licence-status-vms', { status: 'licensed', evidence: 'host' });
    expect(hostOnly.map((r) => r.name)).toEqual(['app02', 'grace03']);
    // claim01 claims licensed through AVMA; the conclusion (no host evidence) keeps it out of `licensed`.
    const unknown = await rows('licence-status-vms', { status: 'unknown' });
    expect(pick(unknown, 'name', 'claimedLicenseStatus', 'claimedChannel')).toEqual([
      { name: 'claim01', claimedLicenseStatus: 'licensed', claimedChannel: 'avma' },
      { name: 'lnx01', claimedLicenseStatus: null, claimedChannel: null },
    ]);
  });

  it('products (04A) and product-vms (04B): edition and channel from the latest observation', async () => {
    const products = await rows('products');
    expect(products).toHaveLength(7);
    expect(pick(products, 'os', 'version', 'edition', 'channel', 'evidence', 'vms')).toEqual(
      expect.arrayContaining([
        {
          os: 'windows-server',
          version: '2022',
          edition: 'datacenter',
          channel: 'avma',
          evidence: 'host+guest',
          vms: 1,
        },
        {
          os: 'windows-server',
          version: '2022',
          edition: 'datacenter',
          channel: 'unknown',
          evidence: 'none',
          vms: 1,
        },
        {
          os: 'windows-server',
          version: '2016',
          edition: 'standard',
          channel: 'gvlk',
          evidence: 'guest',
          vms: 1,
        },
        { os: 'linux', version: null, edition: null, channel: 'unknown', evidence: 'none', vms: 1 },
      ]),
    );
    expect((await rows('product-vms', { edition: 'datacenter' })).map((r) => r.name)).toEqual([
      'app01',
      'claim01',
      'grace03',
      'sql01',
    ]);
    expect(
      (await rows('product-vms', { edition: 'datacenter', version: '2022' })).map((r) => r.name),
    ).toEqual(['app01', 'claim01']);
    expect(
      (await rows('product-vms', { edition: 'datacenter', channel: 'avma' })).map((r) => r.name),
    ).toEqual(['app01', 'grace03']);
  });

  it('expiring (02A): grace ends from the guest word, AVMA renewals from the host 12310, by range', async () => {
    const counts = (await rows('expiring', { at: AT })).filter((r) => r.vms !== 0);
    // sql01: 2880 min after 11-09 = 11-11, 1 day after AT -> 1d. grace03's 30-day grace claim is
    // contradicted by its host 12310 and left out. app02: 11-02 12:00 + 7 d = 11-09 12:00 -> ended;
    // app01: 11-08 + 7 d = 11-15 (5 days); grace03: 11-09 + 7 d = 11-16 (6 days) -> both 7d.
    expect(pick(counts, 'kind', 'range', 'vms', 'evidence')).toEqual([
      { kind: 'grace-ending', range: '1d', vms: 1, evidence: 'guest' },
      { kind: 'avma-renewal-due', range: 'ended', vms: 1, evidence: 'host' },
      { kind: 'avma-renewal-due', range: '7d', vms: 2, evidence: 'host' },
    ]);
    // Every range is listed for each kind, zero or not, so the table has a stable shape.
    expect(await rows('expiring', { at: AT })).toHaveLength(2 * 9);
    expect(
      (await rows('expiring', { at: AT, kind: 'grace-ending' })).every((r) => r.kind === 'grace-ending'),
    ).toBe(true);
  });

  it('expiring-vms (02B): the VMs behind one range with the end time and its basis', async () => {
    const due = await rows('expiring-vms', { kind: 'avma-renewal-due', range: '7d', at: AT });
    expect(pick(due, 'name', 'endsAt', 'daysLeft', 'evidence')).toEqual([
      { name: 'app01', endsAt: '2026-11-15T00:00:00.000Z', daysLeft: 5, evidence: 'host' },
      { name: 'grace03', endsAt: '2026-11-16T00:00:00.000Z', daysLeft: 6, evidence: 'host' },
    ]);
    expect(due[0]?.basis).toContain(
      "12310 AVMA success in HV01's Application log at 2026-11-08T00:00:00.000Z",
    );
    const grace = await rows('expiring-vms', { kind: 'grace-ending', at: AT });
    expect(pick(grace, 'name', 'range', 'endsAt', 'evidence')).toEqual([
      { name: 'sql01', range: '1d', endsAt: '2026-11-11T00:00:00.000Z', evidence: 'guest' },
    ]);
    expect(grace[0]?.basis).toMatch(/^guest claim: oob-grace, graceMinutes 2880/);
  });

  it('vm (02C): one VM by id or by a former name, each fact with its evidence', async () => {
    const byName = await rows('vm', { vm: 'KMS-LEGACY' });
    const fact = (section: string, field: string) =>
      byName.find((r) => r.section === section && r.field === field);
    expect(fact('vm', 'id')?.value).toBe(ID.kms01);
    expect(fact('vm', 'name')?.value).toBe('kms01');
    expect(fact('licence', 'licenseStatus')).toMatchObject({ value: 'licensed', evidence: 'guest' });
    expect(fact('guest-status', 'channel')).toMatchObject({ value: 'gvlk', evidence: 'guest' });
    expect(byName.filter((r) => r.section === 'licence-history').map((r) => [r.field, r.value])).toEqual([
      ['2026-11-01T00:00:00.000Z/2026-11-03T00:00:00.000Z', 'unlicensed gvlk'],
      ['2026-11-03T00:00:00.000Z/', 'licensed gvlk'],
    ]);
    const byId = await rows('vm', { vm: ID.app01 });
    expect(byId.find((r) => r.section === 'event')).toMatchObject({
      evidence: 'host',
      field: '2026-11-08T00:00:00.000Z',
    });
  });

  it('kms-hosts (05A): activation hosts the guests name, with host corroboration; KMS hosts not carried', async () => {
    expect(
      pick(await rows('kms-hosts', { at: AT }), 'service', 'namedHost', 'runsOn', 'vms', 'hostCorroborated'),
    ).toEqual([
      { service: 'avma', namedHost: 'HV01', runsOn: 'HV01', vms: 1, hostCorroborated: 1 },
      { service: 'avma', namedHost: 'HV05', runsOn: 'HV05', vms: 1, hostCorroborated: 1 },
      // claim01 names a host it does not run on, and no 12310 backs it.
      { service: 'avma', namedHost: 'HV09', runsOn: 'HV04', vms: 1, hostCorroborated: 0 },
      { service: 'kms', namedHost: null, runsOn: 'HV05', vms: 1, hostCorroborated: 0 },
    ]);
    // Later than every activation's validity, nothing is corroborated any more.
    const late = await rows('kms-hosts', { at: '2026-12-01T00:00:00Z' });
    expect(late.every((r) => r.hostCorroborated === 0)).toBe(true);
  });

  it('placement-risk: per cluster, the nodes where AVMA would fail each VM after a migration', async () => {
    expect(pick(await rows('placement-risk'), 'cluster', 'name', 'currentNode', 'node', 'reasons')).toEqual([
      // app01 (2022 DC guest): HV02 is a 2019 host, HV03 a Standard one.
      { cluster: 'CL1', name: 'app01', currentNode: 'HV01', node: 'HV02', reasons: 'HOST_TOO_OLD' },
      { cluster: 'CL1', name: 'app01', currentNode: 'HV01', node: 'HV03', reasons: 'HOST_NOT_DATACENTER' },
      { cluster: 'CL1', name: 'app02', currentNode: 'HV01', node: 'HV03', reasons: 'HOST_NOT_DATACENTER' },
      { cluster: 'CL1', name: 'sql01', currentNode: 'HV02', node: 'HV03', reasons: 'HOST_NOT_DATACENTER' },
      // HV04 is not activated; claim01, already there and not served, is no placement risk.
      { cluster: 'CL2', name: 'grace03', currentNode: 'HV05', node: 'HV04', reasons: 'HOST_NOT_ACTIVATED' },
      { cluster: 'CL2', name: 'kms01', currentNode: 'HV05', node: 'HV04', reasons: 'HOST_NOT_ACTIVATED' },
    ]);
    expect((await rows('placement-risk', { cluster: 'cl2' })).map((r) => r.name)).toEqual([
      'grace03',
      'kms01',
    ]);
  });

  it('activation-timeline: when each VM became licensed and how; a guest-only licence is a claim', async () => {
    expect(
      pick(await rows('activation-timeline', { vm: 'app01' }), 'from', 'to', 'change', 'channel', 'evidence'),
    ).toEqual([
      {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-02T00:00:00.000Z',
        change: 'first-seen',
        channel: 'unknown',
        evidence: 'none',
      },
      {
        from: '2026-11-02T00:00:00.000Z',
        to: null,
        change: 'became-licensed',
        channel: 'avma',
        evidence: 'host+guest',
      },
    ]);
    const fabrikam = await rows('activation-timeline', { tenant: 'fabrikam' });
    expect(pick(fabrikam, 'name', 'change', 'licenseStatus')).toEqual([
      { name: 'sql01', change: 'first-seen', licenseStatus: 'oob-grace' },
      { name: 'kms01', change: 'first-seen', licenseStatus: 'unlicensed' },
      { name: 'kms01', change: 'claims-licensed', licenseStatus: 'licensed' },
    ]);
  });

  it('refuses a bad report or parameter with one line naming it', async () => {
    await expect(rows('nope')).rejects.toMatchObject({ code: 'UNKNOWN_REPORT' });
    await expect(rows('licence-status-vms')).rejects.toThrow(
      /^status: report licence-status-vms needs status/,
    );
    await expect(rows('licence-status-vms', { status: 'golden' })).rejects.toThrow(
      /^status: expected one of unlicensed, licensed/,
    );
    await expect(rows('licence-states', { tenant: 'x' })).rejects.toThrow(
      /^tenant: report licence-states takes no parameters$/,
    );
    await expect(rows('expiring', { at: '2026-11-10' })).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
    await expect(rows('vm', { vm: 'old-name' })).rejects.toThrow(/^vm: 2 VMs are or were called "old-name"/);
    await expect(rows('vm', { vm: 'nobody' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(REPORT_NAMES).toHaveLength(10);
  });
});
