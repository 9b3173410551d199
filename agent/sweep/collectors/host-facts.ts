/**
 * The host facts collector: one `hostInfo()` call, checked against what the store records (sockets
 * and one core count per socket), so facts the store would refuse fail this collector instead of the
 * host's whole transaction.
 */

import type { HypervDriver } from '../../driver/hyperv-driver.js';
import type { HostInfo } from '../../model/index.js';
import type { HostFacts } from '../../store/index.js';
import type { Collector, CollectorInput } from '../collector.js';

const MAX_SOCKETS = 64;
const MAX_CORES = 1024;

/** Throws an Error naming the fact that is out of range. */
function checkInfo(info: HostInfo): void {
  if (typeof info.name !== 'string' || info.name.trim() === '' || info.name.length > 253) {
    throw new Error(
      `host name ${JSON.stringify(String(info.name).slice(0, 40))}, expected 1..253 characters`,
    );
  }
  if (!Number.isInteger(info.sockets) || info.sockets < 1 || info.sockets > MAX_SOCKETS) {
    throw new Error(`sockets is ${String(info.sockets)}, expected an integer 1..${MAX_SOCKETS}`);
  }
  const cores = info.coresPerSocket;
  if (cores.length !== info.sockets || !cores.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_CORES)) {
    throw new Error(
      `coresPerSocket is ${JSON.stringify(cores).slice(0, 60)}, expected ${info.sockets} counts 1..${MAX_CORES}`,
    );
  }
}

/** The host's facts. Rejects with the driver's error, or an Error for facts out of range. */
export async function collectHostFacts(driver: HypervDriver): Promise<HostInfo> {
  const info = await driver.hostInfo();
  checkInfo(info);
  return info;
}

/** The facts as the store records them. Never throws. */
export function hostFacts(info: HostInfo): HostFacts {
  return Object.freeze({
    version: info.version,
    build: info.build,
    edition: info.edition,
    activated: info.activated,
    sockets: info.sockets,
    coresPerSocket: Object.freeze([...info.coresPerSocket]),
    cluster: info.cluster,
  });
}

/** Registered in collectors/registry.ts. */
export const HOST_FACTS_COLLECTOR: Collector<HostInfo> = Object.freeze({
  name: 'host-facts',
  help: 'host version, edition, activation, sockets, cores and cluster (one hostInfo call)',
  required: true,
  collect: ({ driver }: CollectorInput) => collectHostFacts(driver),
});
