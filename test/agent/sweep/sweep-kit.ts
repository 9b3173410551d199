/**
 * A small lab fleet and a fresh store for sweep tests, plus a driver wrapper that counts calls and can
 * be told to fail: the real lab driver underneath, so every KVP write follows WMI's rules.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HypervDriver } from '../../../agent/driver/hyperv-driver.js';
import { LabDriver } from '../../../agent/driver/lab/lab-driver.js';
import { Lab, type LabOptions } from '../../../agent/lab/lab.js';
import { validateScenario } from '../../../agent/lab/scenario-loader.js';
import { openStore, type Store } from '../../../agent/store/index.js';
import type { SweepSettings } from '../../../agent/sweep/host-sweep.js';
import { SweepCache } from '../../../agent/sweep/sweep-cache.js';
import type { SweepReport } from '../../../agent/sweep/sweep-report.js';
import { type RoundOptions, sweepRound } from '../../../agent/sweep/sweep-round.js';
import type { BackendPlace } from '../store/store-backends.js';

export const START = '2026-11-01T00:00:00Z';
export const MINUTE = 60_000;

type ScenarioInput = Parameters<typeof validateScenario>[0];

export function server(version: string, edition: string, key: string, licenseStatus: string) {
  return { os: 'windows-server', version, edition, key, licenseStatus };
}

/** Two activated 2022 Datacenter hosts, HV01 and HV02, and the given VMs and events. */
export function scenario(vms: readonly object[], events: readonly object[] = []): ScenarioInput {
  return {
    start: START,
    hosts: [
      { name: 'HV01', version: '2022', edition: 'datacenter', sockets: 2, coresPerSocket: 16 },
      { name: 'HV02', version: '2022', edition: 'datacenter', sockets: 2, coresPerSocket: 16 },
    ],
    vms,
    events,
  };
}

/** Calls by method name; `fail` makes a method reject with the given error from now on. */
export interface CountingDriver extends HypervDriver {
  readonly calls: Record<string, number>;
  fail(method: keyof HypervDriver, error: Error | null): void;
  reset(): void;
}

export function counting(driver: HypervDriver): CountingDriver {
  const calls: Record<string, number> = {};
  const failures = new Map<string, Error>();
  const wrapper = new Proxy(driver, {
    get(target, property, receiver) {
      if (property === 'calls') return calls;
      if (property === 'fail')
        return (method: string, error: Error | null) =>
          error === null ? failures.delete(method) : failures.set(method, error);
      if (property === 'reset') {
        return () => {
          for (const key of Object.keys(calls)) delete calls[key];
        };
      }
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        calls[property] = (calls[property] ?? 0) + 1;
        const failure = failures.get(property);
        if (failure !== undefined) throw failure;
        return value.apply(target, args);
      };
    },
  });
  return wrapper as CountingDriver;
}

export interface Fleet {
  readonly lab: Lab;
  readonly drivers: CountingDriver[];
  readonly store: Store;
  readonly cache: SweepCache;
  readonly settings: SweepSettings;
  /** Advances the lab to `minutes` after the start and runs a round there. */
  roundAt(minutes: number, options?: Partial<RoundOptions>): Promise<SweepReport>;
  close(): Promise<void>;
}

/** The fleet's store and how to remove it: an SQLite file of its own, or the place's store. */
async function fleetStore(
  place: BackendPlace | undefined,
): Promise<{ store: Store; remove(): Promise<void> }> {
  const options = { staleAfterMs: 180 * MINUTE, busyTimeoutMs: 200 };
  if (place !== undefined) return { store: await place.open(options), remove: () => place.remove() };
  const dir = await mkdtemp(join(tmpdir(), 'avma-sweep-'));
  return {
    store: await openStore(join(dir, 'avma.sqlite'), options),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A lab of the scenario, one counting driver per host and a fresh store (stale after 3 hours): an
 * SQLite file of its own, or the store of `place` (a STORE_BACKENDS place, removed on close).
 */
export async function fleet(
  input: ScenarioInput,
  labOptions: LabOptions = {},
  place?: BackendPlace,
): Promise<Fleet> {
  const lab = await Lab.create(validateScenario(input), labOptions);
  const drivers = lab.hosts().map((host) => counting(new LabDriver(lab, host.name)));
  const { store, remove } = await fleetStore(place);
  const cache = new SweepCache();
  const settings: SweepSettings = {
    silentAfterMs: 45 * MINUTE,
    tenantOf: (_host, vm) => lab.findVm(vm.id)?.tenant ?? null,
    evidenceWindowMs: 7 * 24 * 60 * MINUTE,
    correlationToleranceMs: 5 * MINUTE,
  };
  return {
    lab,
    drivers,
    store,
    cache,
    settings,
    async roundAt(minutes, options = {}) {
      await lab.advanceTo(lab.startTime + minutes * MINUTE);
      return sweepRound({ drivers, store, at: new Date(lab.now()), settings, cache, ...options });
    },
    async close() {
      await store.close();
      await remove();
    },
  };
}
