/**
 * One simulated Hyper-V host: its Windows release, edition and activation, processor layout, cluster,
 * reachability and Application log (where AVMA requests are logged as event 12310).
 */
import { type HostEdition, type HostVersion, PRODUCT_SKU, SERVER_VERSION_BUILD } from 'hyperv-kvp';
import type { HostInfo } from '../model/index.js';
import { EventLog } from './event-log.js';
import type { ScenarioHost } from './scenario-schema.js';

/** Domain of generated host FQDNs when the scenario gives none. */
export const LAB_DOMAIN = 'lab.local';

/** A simulated host; its facts change only through timed events (activation, up/down). */
export class LabHost {
  readonly name: string;
  readonly fqdn: string;
  readonly version: HostVersion;
  readonly build: number;
  readonly edition: HostEdition;
  readonly sockets: number;
  readonly coresPerSocket: readonly number[];
  readonly cluster: string | null;
  readonly log: EventLog;
  activated: boolean;
  /** False after `host-down`: the host answers no driver call and no AVMA request. */
  up = true;

  /** `maxLogRecords`: what its Application log keeps (`eventLogMaxRecords`). */
  constructor(spec: ScenarioHost, maxLogRecords?: number) {
    this.log = new EventLog(maxLogRecords);
    this.name = spec.name;
    this.fqdn = spec.fqdn ?? `${spec.name.toLowerCase()}.${LAB_DOMAIN}`;
    this.version = spec.version;
    this.build = SERVER_VERSION_BUILD[spec.version];
    this.edition = spec.edition;
    this.activated = spec.activated;
    this.sockets = spec.sockets;
    const perSocket = spec.coresPerSocket;
    this.coresPerSocket = Object.freeze(
      Array.isArray(perSocket) ? [...perSocket] : Array.from({ length: spec.sockets }, () => perSocket),
    );
    this.cluster = spec.cluster ?? null;
  }

  /** `HostingSystemEditionId` the host writes into its guests: the GetProductInfo SKU of its edition. */
  get editionSku(): number {
    return this.edition === 'datacenter'
      ? PRODUCT_SKU.PRODUCT_DATACENTER_SERVER
      : PRODUCT_SKU.PRODUCT_STANDARD_SERVER;
  }

  /** Host facts as the driver reports them. Never throws. */
  info(clusterNodes: readonly string[]): HostInfo {
    return Object.freeze({
      name: this.name,
      fqdn: this.fqdn,
      version: this.version,
      build: this.build,
      edition: this.edition,
      activated: this.activated,
      sockets: this.sockets,
      coresPerSocket: this.coresPerSocket,
      cluster: this.cluster,
      clusterNodes: Object.freeze([...clusterNodes]),
    });
  }
}
