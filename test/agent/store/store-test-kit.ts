/**
 * Shared builders for store tests: a temporary directory per test, host facts and observation fields
 * with realistic defaults (a 2 x 16-core Datacenter 2022 host, a Windows Server 2019 Standard guest).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store, type StoreOptions } from '../../../agent/store/index.js';
import type { HostFacts, ObservationFields } from '../../../agent/store/types.js';

/** Where a test opens its stores: a directory of SQLite files, or PostgreSQL databases (store-backends.ts). */
export interface StorePlace {
  /** Opens (creating) the database `name` of this place, 'avma.db' by default. */
  open(options?: StoreOptions, name?: string): Promise<Store>;
}

export interface TempDir extends StorePlace {
  readonly path: string;
  file(name: string): string;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'avma-store-'));
  return {
    path,
    file: (name) => join(path, name),
    open: (options = {}, name = 'avma.db') => openStore(join(path, name), options),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

export const HOST_FACTS: HostFacts = Object.freeze({
  version: '2022',
  build: 20348,
  edition: 'datacenter',
  activated: true,
  sockets: 2,
  coresPerSocket: Object.freeze([16, 16]),
  cluster: 'CL1',
});

export function observed(overrides: Partial<ObservationFields> = {}): ObservationFields {
  return {
    host: 'HV01',
    state: 'Running',
    dataExchange: true,
    os: 'windows-server',
    version: '2019',
    edition: 'standard',
    evaluation: false,
    licenseStatus: 'licensed',
    channel: 'avma',
    evidence: 'host+guest',
    claimedLicenseStatus: 'licensed',
    claimedChannel: 'avma',
    eligible: true,
    reasons: [],
    keyPushed: true,
    kvpWiped: false,
    problems: [],
    ...overrides,
  };
}

/** GUIDs in the form Hyper-V reports them (Msvm_ComputerSystem.Name). */
export function vmGuid(n: number): string {
  return `6a3f5c2e-0b1d-4e8f-9a7b-${n.toString(16).padStart(12, '0')}`;
}

/** Opens a store in `place` with a host HV01 (and any extra hosts) already recorded at `at`. */
export async function storeWithHosts(
  place: StorePlace,
  hosts: readonly string[] = ['HV01'],
  at = new Date('2026-11-01T00:00:00Z'),
  options: StoreOptions = {},
  file = 'avma.db',
): Promise<Store> {
  const store = await place.open(options, file);
  await store.transaction(async (tx) => {
    for (const host of hosts) {
      await tx.upsertHost(host, at);
      await tx.recordHostFacts(host, at, HOST_FACTS);
    }
  });
  return store;
}

export function hoursAfter(start: Date, hours: number): Date {
  return new Date(start.getTime() + hours * 3_600_000);
}
