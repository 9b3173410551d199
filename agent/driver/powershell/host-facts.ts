import {
  HOST_EDITIONS,
  type HostEdition,
  type HostVersion,
  isHostVersion,
  SKU_MEANINGS,
  serverVersionFromBuild,
} from 'hyperv-kvp';
import { DriverError } from '../driver-error.js';
import type { HostInfo } from '../hyperv-driver.js';
import { HostFacts } from './schemas.js';
import { parseStrict } from './validate.js';

/** `SoftwareLicensingProduct.LicenseStatus` of an activated licence (1 = Licensed). */
export const LICENSE_STATUS_LICENSED = '1';

function hostVersion(build: number, sku: number): HostVersion | null {
  const version = serverVersionFromBuild(build, sku);
  return version !== null && isHostVersion(version) ? version : null;
}

function hostEdition(sku: number): HostEdition | null {
  const edition = SKU_MEANINGS.get(sku)?.edition;
  return edition !== undefined && (HOST_EDITIONS as readonly string[]).includes(edition)
    ? (edition as HostEdition)
    : null;
}

function fullyQualifiedName(facts: HostFacts): string | null {
  if (facts.PartOfDomain !== 'True' || facts.Domain === '') return null;
  return `${facts.DnsHostName === '' ? facts.ComputerName : facts.DnsHostName}.${facts.Domain}`;
}

/**
 * Turns the host-info script's output into HostInfo: version from the build and SKU (null outside the
 * supported host versions), edition from the SKU (null unless Datacenter or Standard), activated when a
 * Windows licence with a key is Licensed, one core count per socket, cluster only for a member.
 * Throws DriverError 'BAD_RESPONSE' for output of another shape, no processors, a processor with zero
 * cores, or a cluster member without a cluster name.
 */
export function hostInfoFromFacts(value: unknown): HostInfo {
  const facts = parseStrict('host-info', HostFacts, value);
  const build = Number(facts.BuildNumber);
  const sku = Number(facts.OperatingSystemSku);
  const coresPerSocket = facts.Processors.map((processor) => Number(processor.NumberOfCores));
  if (coresPerSocket.length === 0 || coresPerSocket.some((cores) => cores < 1)) {
    throw new DriverError(
      'BAD_RESPONSE',
      `host-info: processors report cores [${coresPerSocket.join(', ')}]; expected at least one socket with at least one core`,
    );
  }
  const member = facts.ClusterState === 'member';
  if (member && facts.ClusterName === '') {
    throw new DriverError('BAD_RESPONSE', 'host-info: cluster member without a cluster name');
  }
  return Object.freeze({
    name: facts.ComputerName,
    fqdn: fullyQualifiedName(facts),
    version: hostVersion(build, sku),
    build,
    edition: hostEdition(sku),
    activated: facts.Licensing.some((product) => product.LicenseStatus === LICENSE_STATUS_LICENSED),
    sockets: coresPerSocket.length,
    coresPerSocket: Object.freeze(coresPerSocket),
    cluster: member ? facts.ClusterName : null,
    clusterNodes: Object.freeze(member ? [...facts.ClusterNodes] : []),
  });
}
