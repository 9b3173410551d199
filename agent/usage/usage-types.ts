/**
 * The SPLA month report (contract: issue 4 §5, `avma export usage --format json`). Exactly these
 * fields, in this order; null where the store does not know (a host whose facts were never read).
 */
import type { Edition, HostEdition, HostVersion } from 'hyperv-kvp';
import type { Channel } from '../../shared/avma/index.js';
import type { SplaProduct, VmState } from '../model/index.js';
import type { Evidence, ObservedLicenseStatus } from '../store/index.js';

/**
 * One configuration of a host in the month (SILA's row per host and hardware): the facts in force
 * (edition, version, processors) for some hours, and the licences they require.
 */
export interface UsageHostConfiguration {
  readonly edition: HostEdition | null;
  readonly version: HostVersion | null;
  readonly sockets: number | null;
  readonly physicalCores: number | null;
  /** Hours of the month this configuration was in force (2 decimals). */
  readonly hours: number;
  /** One full set: Σ per processor max(8, cores), raised to the per-server floor; null if unknown. */
  readonly coreLicensesPerSet: number | null;
  /** Sets required (Datacenter 0 or 1; Standard by the high-water mark); null when the edition is unknown. */
  readonly sets: number | null;
  readonly coreLicenses: number | null;
  readonly twoCorePacks: number | null;
  /** Peak of concurrently running Windows Server VMs that count for the edition's rule. */
  readonly highWaterMark: number;
  /** When that peak was first reached (ISO time), null when no Windows Server VM ran. */
  readonly highWaterMarkAt: string | null;
  readonly distinctVms: number;
  readonly windowsServerVms: number;
  readonly product: SplaProduct | null;
  /**
   * 2-core licences this row adds to the reseller table: its packs when it is the highest of the
   * host's configurations of its product, else 0 (`superseded`); null when the edition is unknown.
   */
  readonly quantity: number | null;
  readonly superseded: boolean;
}

export interface UsageHostRow {
  readonly name: string;
  readonly version: HostVersion | null;
  readonly edition: HostEdition | null;
  readonly sockets: number | null;
  readonly physicalCores: number | null;
  /**
   * The host's month in the reseller table: core licences and 2-core packs of its contributing
   * configurations (null when no edition was ever read). Months closed before configurations existed
   * hold one set of the largest hardware here.
   */
  readonly coreLicenses: number | null;
  readonly twoCorePacks: number | null;
  readonly avmaGuests: number;
  readonly peakConcurrentWindowsServerVms: number;
  readonly distinctVms: number;
  /**
   * Hours of the month (UTC): 672, 696, 720 or 744. Every report built now has it and
   * `observedHours`; only reports of months closed before coverage was added lack them.
   */
  readonly monthHours?: number;
  /**
   * Hours of the month the agent observed this host's VMs (any state; 2 decimals): less than
   * `monthHours` when the agent was not running, the host did not answer, or the month is not over.
   */
  readonly observedHours?: number;
  /**
   * The host's configurations in the month, oldest first (absent in reports of months closed before
   * they were added). With them, `coreLicenses` / `twoCorePacks` above are the host's contribution to
   * the reseller table (the sum of the configurations' quantities); before, one set of the largest.
   */
  readonly configurations?: readonly UsageHostConfiguration[];
}

export interface UsageVmHost {
  readonly name: string;
  readonly hours: number;
}

export interface UsageVmRow {
  /** VM GUID. */
  readonly id: string;
  readonly name: string | null;
  readonly tenant: string | null;
  readonly guestVersion: string | null;
  readonly guestEdition: Edition | null;
  readonly hosts: readonly UsageVmHost[];
  readonly channel: Channel;
  readonly licenseStatus: ObservedLicenseStatus;
  /** What the channel and licence status rest on (`host`, `guest`, `host+guest`, `none`). */
  readonly evidence: Evidence;
  /**
   * The VM ran on a licence of the tenant's own (channel mak, retail or oem) during some of its
   * running time in the month. Absent in reports closed before the flag was added.
   */
  readonly tenantLicensed?: boolean;
  // Billing figures (usage-billing.ts): every report built now has them; only reports of months closed
  // before tenant billing was added lack them.
  /** Hours the VM ran in the month, on any host (a VM that migrated counts once). */
  readonly vmHours?: number;
  /** Σ running hours × virtual processors, over the hours whose processor count is known. */
  readonly vcpuHours?: number;
  /** Running hours whose processor count is unknown (never guessed into `vcpuHours`). */
  readonly unknownVcpuHours?: number;
  /** Largest processor count while running; `null` when none is known. */
  readonly peakVcpus?: number | null;
  /** `vmHours` when the VM was identified as Windows Server, else 0. */
  readonly windowsServerVmHours?: number;
  /** Running hours licensed through AVMA on the host's own evidence (a guest's claim never counts). */
  readonly avmaActivatedVmHours?: number;
  /** Σ running hours × assigned memory in GB (1024³ bytes), over the hours it is known. */
  readonly memoryGbHours?: number;
  /** Running hours whose assigned memory is unknown. */
  readonly unknownMemoryHours?: number;
}

export interface UsageTenantRow {
  readonly tenant: string | null;
  readonly vms: number;
  readonly windowsServerVms: number;
  readonly avmaActivatedVms: number;
  // Billing figures: the sums of the tenant's VM rows, except `peakVcpus`; absent from reports of months
  // closed before tenant billing was added.
  readonly vmHours?: number;
  readonly vcpuHours?: number;
  readonly unknownVcpuHours?: number;
  /** The most vCPUs of the tenant's VMs running at one instant; `null` when none is known. */
  readonly peakVcpus?: number | null;
  readonly windowsServerVmHours?: number;
  readonly avmaActivatedVmHours?: number;
  readonly memoryGbHours?: number;
  readonly unknownMemoryHours?: number;
}

/** One line of the reseller's usage form. */
export interface UsageResellerRow {
  /** The last day of the month (`YYYY-MM-DD`), the usage date Volume Licensing Central shows. */
  readonly period: string;
  readonly product: SplaProduct;
  /** From `spla.skus`; null when the operator mapped none (the report then carries a warning). */
  readonly sku: string | null;
  /** 2-core licences: exactly the sum of the host configurations' quantities of this product. */
  readonly quantity: number;
}

/** The rules a report was built with, recorded in it so a frozen month says what made it. */
export interface SplaSettings {
  readonly standardVmsPerLicenceSet: 1 | 2;
  readonly reportHostsWithoutWindowsServerVms: boolean;
  readonly minCoresPerServer: 0 | 16;
  readonly excludeTenantLicensedFromStandard: boolean;
  readonly skus: Readonly<Partial<Record<SplaProduct, string>>>;
  readonly runningStates: readonly VmState[];
}

export interface UsageMonth {
  readonly month: string;
  /** Absent only in reports of months closed before settings were recorded. */
  readonly settings?: SplaSettings;
  readonly hosts: readonly UsageHostRow[];
  readonly vms: readonly UsageVmRow[];
  readonly tenants: readonly UsageTenantRow[];
  /** The reseller-ready table, one row per SPLA product (absent in older closed months). */
  readonly reseller?: readonly UsageResellerRow[];
  /** What an operator must look at before sending the report (unknown hosts, unmapped SKUs). */
  readonly warnings?: readonly string[];
}

export interface UsageOptions {
  /** Only this tenant's VMs, the hosts they ran on (counted for this tenant only), and this tenant. */
  readonly tenant?: string;
  /**
   * Windows Server Standard VMs one full set of core licences covers: 1 (default), SPLA's
   * one-OSE-per-set reading (SPUR as quoted in spla-and-peers §1.1); 2 is the Volume Licensing
   * reading, UNCONFIRMED for SPLA.
   */
  readonly standardVmsPerLicenceSet?: 1 | 2;
  /**
   * Whether a host that ran no Windows Server VM in a configuration is reported (one set for its own
   * physical OSE). Default true, UNCONFIRMED: conservative, the physical OSE runs Windows Server.
   */
  readonly reportHostsWithoutWindowsServerVms?: boolean;
  /** SPLA has no per-server floor (default 0); 16 applies the contradicted floor (spla-and-peers §1.1). */
  readonly minCoresPerServer?: 0 | 16;
  /**
   * Leave running stretches on the tenant's own licence (mak, retail, oem) out of Standard high-water
   * marks. Default false: they are flagged (`tenantLicensed`) but still counted.
   */
  readonly excludeTenantLicensedFromStandard?: boolean;
  /** SPLA product → the reseller's SKU. No defaults: unmapped products get an empty SKU and a warning. */
  readonly skus?: Readonly<Partial<Record<SplaProduct, string>>>;
  /** Month boundaries; only UTC is supported. */
  readonly timeZone?: 'UTC';
  /**
   * VM states that count as running. Default `['Running']`, the reading of SILA ("simultaneously
   * running") and of the issue. UNCONFIRMED whether SPLA counts a Paused VM (its OS instance is still in
   * memory); operators who read it so can add 'Paused' and the transitional states here.
   */
  readonly runningStates?: readonly VmState[];
}
