import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRow } from '../../../../agent/store/index.js';
import type { Fleet } from '../../sweep/sweep-kit.js';
import { STORE_BACKENDS } from '../store-backends.js';
import { hoursAfter, storeWithHosts } from '../store-test-kit.js';
import { apiLab } from './api-lab.js';

const NO_STATUS = {
  unlicensed: 0,
  licensed: 0,
  'oob-grace': 0,
  'oot-grace': 0,
  'non-genuine-grace': 0,
  notification: 0,
  'extended-grace': 0,
  unknown: 0,
};

describe.each(STORE_BACKENDS)('agent/store/queries/host-query ($name)', (backend) => {
  let lab: Fleet;
  beforeAll(async () => {
    lab = await apiLab(backend);
  });
  afterAll(async () => {
    await lab.close();
  });

  it('lists every host with its current facts, the VMs last seen on it and its event bookmark', async () => {
    const hosts = await lab.store.listHosts();
    expect(hosts.map((host) => host.name)).toEqual(['HV01', 'HV02']);
    const [hv01, hv02] = hosts as [HostRow, HostRow];
    expect(hv01).toMatchObject({
      firstSeen: '2026-11-01T00:00:00.000Z',
      lastSeen: '2026-11-01T01:00:00.000Z',
      facts: {
        since: '2026-11-01T00:00:00.000Z',
        version: '2022',
        build: 20348,
        edition: 'datacenter',
        activated: true,
        sockets: 2,
        coresPerSocket: [16, 16],
        cluster: null,
      },
    });
    // web01 migrated to HV02; gone01 was deleted and is not counted.
    expect(hv01.vms).toEqual({ total: 1, eligible: 0, byLicenseStatus: { ...NO_STATUS, licensed: 1 } });
    expect(hv02.vms).toEqual({
      total: 4,
      eligible: 2,
      byLicenseStatus: { ...NO_STATUS, licensed: 1, unknown: 3 },
    });
    // HV01 logged web01's 12310; the agent read up to it.
    expect(hv01.bookmarks).toEqual([
      { log: 'Application', recordId: 1, logEpoch: 0, updatedAt: expect.any(String) },
    ]);
  });

  it('finds one host by name, case-insensitively, as the list shows it', async () => {
    const listed = (await lab.store.listHosts()).find((host) => host.name === 'HV02');
    expect(await lab.store.getHost('hv02')).toEqual(listed);
  });

  it('answers null for a host the store never saw and refuses a name that is not text', async () => {
    expect(await lab.store.getHost('HV99')).toBeNull();
    await expect(lab.store.getHost('')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^name is /),
    });
  });

  it('shows a host without facts or VMs yet with zero counts', async () => {
    const place = await backend.place();
    const store = await storeWithHosts(place, ['HV01']);
    try {
      await store.transaction((tx) => tx.upsertHost('HV03', hoursAfter(new Date('2026-11-01T00:00:00Z'), 1)));
      expect(await store.getHost('HV03')).toEqual({
        name: 'HV03',
        firstSeen: '2026-11-01T01:00:00.000Z',
        lastSeen: '2026-11-01T01:00:00.000Z',
        facts: null,
        vms: { total: 0, eligible: 0, byLicenseStatus: NO_STATUS },
        bookmarks: [],
      });
    } finally {
      await store.close();
      await place.remove();
    }
  });
});
