/**
 * The SPLA month report (contract: issue 4 §5, `avma export usage --format json`). Exactly these
 * fields, in this order; null where the store does not know (a host whose facts were never read).
 */
import type { Edition, HostEdition, HostVersion } from 'hyperv-kvp';
import type { Channel } from '../../shared/avma/index.js';
import type { VmState } from '../model/index.js';
import type { Evidence, ObservedLicenseStatus } from '../store/index.js';

export interface UsageHostRow {
  readonly name: string;
  readonly version: HostVersion | null;
  readonly edition: HostEdition | null;
  readonly sockets: number | null;
  readonly physicalCores: number | null;
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

export interface UsageMonth {
  readonly month: string;
  readonly hosts: readonly UsageHostRow[];
  readonly vms: readonly UsageVmRow[];
  readonly tenants: readonly UsageTenantRow[];
}

export interface UsageOptions {
  /** Only this tenant's VMs, the hosts they ran on (counted for this tenant only), and this tenant. */
  readonly tenant?: string;
  /** SPLA has no per-server floor (default 0); 16 applies the Volume Licensing floor. */
  readonly minCoresPerServer?: 0 | 16;
  /** Month boundaries; only UTC is supported. */
  readonly timeZone?: 'UTC';
  /**
   * VM states that count as running. Default `['Running']`, the reading of SILA ("simultaneously
   * running") and of the issue. UNCONFIRMED whether SPLA counts a Paused VM (its OS instance is still in
   * memory); operators who read it so can add 'Paused' and the transitional states here.
   */
  readonly runningStates?: readonly VmState[];
}
