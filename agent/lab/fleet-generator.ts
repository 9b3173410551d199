/**
 * Fleets of any size for benchmarks and load tests: `generateFleet({ hosts, vmsPerHost, seed })` returns
 * a scenario (validate it with `validateScenario`) whose mix resembles a hosting operator's: mostly
 * activated Datacenter hosts of recent versions in clusters of up to 16 nodes (a Hyper-V failover
 * cluster's maximum is 64; 16 keeps names short), and guests that are mostly Windows Server with every
 * key channel, some Linux and Windows client guests, some VMs off and a few with Data Exchange off,
 * in a spread of sizes (1 to 8 vCPUs, 2 to 16 GB). The same options always give the same fleet.
 */
import type { HostVersion } from 'hyperv-kvp';
import { LabError } from './lab-error.js';
import { createPrng, type Prng } from './prng.js';
import type { ScenarioInput } from './scenario-schema.js';

export interface FleetOptions {
  readonly hosts: number;
  readonly vmsPerHost: number;
  readonly seed: number;
  /** Start of the scenario; default 2026-11-01T00:00:00Z. */
  readonly start?: string;
  /** Install the guest agent in the Windows guests; default false (listing benchmarks need none). */
  readonly guestAgents?: boolean;
}

/** Hyper-V's documented maximum of running VMs per host; fleets are capped well above it. */
export const MAX_VMS_PER_HOST = 4096;
export const MAX_HOSTS = 4096;
const CLUSTER_SIZE = 16;
const HOST_VERSIONS: readonly HostVersion[] = ['2022', '2022', '2019', '2025', '2016'];

type GuestInput = ScenarioInput['vms'][number]['guest'];

/**
 * Hosting plans [vCPUs, MiB] dealt in turn by VM number, not drawn from the generator, so fleets of
 * a given seed keep the guests, states and tenants they had before sizes existed (illustrative sizes).
 */
const SIZES: readonly (readonly [number, number])[] = [
  [2, 4096],
  [4, 8192],
  [2, 8192],
  [8, 16384],
  [1, 2048],
  [4, 16384],
];

/** Windows Server guest mixes: [version, edition, key, licence status]. */
const SERVER_GUESTS: readonly (readonly [string, string, string, string])[] = [
  ['2022', 'datacenter', 'avma', 'licensed'],
  ['2022', 'standard', 'avma', 'licensed'],
  ['2019', 'standard', 'avma', 'licensed'],
  ['2019', 'datacenter', 'gvlk', 'unlicensed'],
  ['2016', 'standard', 'gvlk', 'oob-grace'],
  ['2022', 'standard', 'retail', 'licensed'],
  ['2019', 'standard', 'mak', 'licensed'],
  ['2016', 'datacenter', 'oem', 'licensed'],
  ['2012R2', 'standard', 'avma', 'licensed'],
  ['2025', 'datacenter', 'gvlk', 'unlicensed'],
];

function guestFor(prng: Prng): GuestInput {
  const roll = prng.nextInt(100);
  if (roll < 8) return { os: 'linux', version: prng.pick(['20.04', '22.04', '24.04']) };
  if (roll < 12) {
    return {
      os: 'windows-client',
      version: prng.pick(['10', '11']),
      edition: 'enterprise',
      key: 'gvlk',
      licenseStatus: 'licensed',
    };
  }
  if (roll < 15) {
    return {
      os: 'windows-server',
      version: '2022',
      edition: 'standard',
      evaluation: true,
      key: 'none',
      licenseStatus: 'licensed',
    };
  }
  const [version, edition, key, licenseStatus] = prng.pick(SERVER_GUESTS);
  return { os: 'windows-server', version, edition, key, licenseStatus } as GuestInput;
}

function checkCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new LabError('INVALID_ARGUMENT', `${name} is ${value}, expected an integer 1..${max}`);
  }
}

/**
 * A scenario with `hosts` hosts of `vmsPerHost` VMs each. Throws `LabError` INVALID_ARGUMENT for counts
 * outside 1..4096 or a seed that is not an integer.
 */
export function generateFleet(options: FleetOptions): ScenarioInput {
  checkCount('hosts', options.hosts, MAX_HOSTS);
  checkCount('vmsPerHost', options.vmsPerHost, MAX_VMS_PER_HOST);
  if (!Number.isSafeInteger(options.seed)) {
    throw new LabError('INVALID_ARGUMENT', `seed is ${options.seed}, expected an integer`);
  }
  const prng = createPrng(options.seed);
  const hosts = Array.from({ length: options.hosts }, (_, index) => ({
    name: `HV${String(index + 1).padStart(4, '0')}`,
    version: HOST_VERSIONS[index % HOST_VERSIONS.length] as HostVersion,
    edition: index % 10 === 9 ? ('standard' as const) : ('datacenter' as const),
    activated: index % 20 !== 19,
    sockets: 2,
    coresPerSocket: prng.pick([16, 24, 32, 48]),
    cluster: options.hosts > 1 ? `CL${String(Math.floor(index / CLUSTER_SIZE) + 1).padStart(3, '0')}` : null,
  }));
  const vms = hosts.flatMap((host, hostIndex) =>
    Array.from({ length: options.vmsPerHost }, (_, index) => {
      const guest = guestFor(prng);
      const roll = prng.nextInt(100);
      const number = hostIndex * options.vmsPerHost + index;
      const [vcpus, memoryMb] = SIZES[number % SIZES.length] as readonly [number, number];
      return {
        name: `vm-${String(number + 1).padStart(6, '0')}`,
        host: host.name,
        tenant: `tenant-${String(prng.nextInt(200) + 1).padStart(3, '0')}`,
        state: roll < 10 ? ('off' as const) : ('running' as const),
        dataExchange: roll < 10 || roll >= 13,
        guestAgent: options.guestAgents === true && guest.os !== 'linux',
        guest,
        vcpus,
        memoryMb,
      };
    }),
  );
  return { start: options.start ?? '2026-11-01T00:00:00Z', hosts, vms, events: [] };
}
