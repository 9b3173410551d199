/**
 * The API of `avma run` reports and closes months by the configuration's SPLA rules (splaSettings),
 * over real HTTP on a real store: ST1 (Standard 2 x 8) runs three VMs together in November 2026.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../../../agent/api/api-host.js';
import type { RunningServer } from '../../../../agent/api/server.js';
import { openStore, type Store } from '../../../../agent/store/index.js';
import { HOST_FACTS, type TempDir, tempDir } from '../../store/store-test-kit.js';
import { simulate, steadyVm } from '../../usage/usage-test-kit.js';

describe('agent/api/routes/usage-routes with SPLA settings', () => {
  let dir: TempDir;
  let store: Store;
  let server: RunningServer;
  const tokens: Record<'reader' | 'operator', string> = { reader: '', operator: '' };
  const get = (path: string, token = tokens.reader, method = 'GET') =>
    fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    dir = await tempDir();
    store = await openStore(dir.file('avma.db'), { staleAfterMs: 12 * 3_600_000 });
    await simulate(store, {
      hosts: [{ name: 'ST1', facts: { ...HOST_FACTS, edition: 'standard', coresPerSocket: [8, 8] } }],
      vms: [1, 2, 3].map((n) => steadyVm(n, `vm${n}`, 'contoso', 'ST1')),
      stepMinutes: 360,
    });
    const at = new Date();
    for (const role of ['reader', 'operator'] as const) {
      tokens[role] = (
        await store.createToken({ name: role, role, expiresAt: null, actor: 'test', at })
      ).token;
    }
    server = await startApi({
      store,
      version: '0.0.0-test',
      listen: { host: '127.0.0.1', port: 0 },
      warn: () => undefined,
      now: () => new Date('2026-12-04T00:00:00Z'),
      splaSettings: { standardVmsPerLicenceSet: 2, skus: { 'Windows Server Standard': 'STD-0001' } },
    });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    await dir.remove();
  });

  it('serves the month by the configured rules, as JSON and as the reseller CSV table', async () => {
    // Two VMs per set: ceil(3 / 2) = 2 sets x 16 = 32 licences = 16 packs (the default would give 24).
    const report = (await (await get('/api/v1/usage/2026-11')).json()) as {
      settings: { standardVmsPerLicenceSet: number };
      reseller: { product: string; sku: string | null; quantity: number }[];
    };
    expect(report.settings.standardVmsPerLicenceSet).toBe(2);
    expect(report.reseller[1]).toEqual({
      period: '2026-11-30',
      product: 'Windows Server Standard',
      sku: 'STD-0001',
      quantity: 16,
    });
    const csv = await (await get('/api/v1/usage/2026-11?format=csv&table=reseller')).text();
    expect(csv).toBe(
      'period,product,sku,quantity\r\n' +
        '2026-11-30,Windows Server Datacenter,,0\r\n' +
        '2026-11-30,Windows Server Standard,STD-0001,16\r\n',
    );
  });

  it('answers a month without usage with a zero report', async () => {
    const response = await get('/api/v1/usage/2026-09');
    expect(response.status).toBe(200);
    const report = (await response.json()) as { hosts: unknown[]; reseller: { quantity: number }[] };
    expect(report.hosts).toEqual([]);
    expect(report.reseller.map((r) => r.quantity)).toEqual([0, 0]);
  });

  it('closes a month with the same rules, recorded in the frozen report', async () => {
    expect((await get('/api/v1/months/2026-11/close', tokens.operator, 'POST')).status).toBe(201);
    const closed = await store.getMonthClose('2026-11');
    const frozen = JSON.parse(closed?.report ?? '{}') as {
      settings: unknown;
      reseller: { quantity: number }[];
    };
    expect(frozen.settings).toMatchObject({ standardVmsPerLicenceSet: 2 });
    expect(frozen.reseller.map((r) => r.quantity)).toEqual([0, 16]);
  });
});
