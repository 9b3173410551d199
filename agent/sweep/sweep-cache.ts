/**
 * What one agent process remembers between sweeps, only to save work (architecture §11 budgets a
 * 1,024-VM host at 250 ms): each host's last facts (used when a later host-facts read fails, so the
 * other collectors still count), each VM pool's last decoded items (a pool whose CIM-XML did not
 * change is not decoded again) and the guest report read from its Guest pool (read again only in part
 * when the Status alone changed), the pools the last committed sweep stored (an unchanged pool is not
 * sent to the store to be compared again) and each VM's last recorded 12309 ring (an unchanged ring is
 * not inserted again). Losing it (a restart) costs nothing but work: the store compares items and
 * drops repeated events itself.
 */
import type { KvpItem } from 'hyperv-kvp';
import type { GuestReportBasis } from '../decide/guest-report.js';
import type { HypervDriver } from '../driver/hyperv-driver.js';
import type { HostInfo } from '../model/index.js';
import type { KvpPool, Problem } from '../store/index.js';

export interface DecodedPool {
  readonly xml: readonly string[];
  readonly items: readonly KvpItem[];
  readonly problems: readonly Problem[];
}

/** Same CIM-XML, item by item (a string compare is far cheaper than decoding). Never throws. */
export function sameXml(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What the cache holds for one VM, by pool: one map entry per VM, no key string built per look-up. */
interface VmEntry {
  readonly decoded: Partial<Record<KvpPool, DecodedPool>>;
  readonly committed: Partial<Record<KvpPool, readonly string[]>>;
  ring: string | undefined;
  guestReport: GuestReportBasis | undefined;
}

export class SweepCache {
  readonly #facts = new WeakMap<HypervDriver, HostInfo>();
  readonly #vms = new Map<string, VmEntry>();

  #entry(vmId: string): VmEntry {
    let entry = this.#vms.get(vmId);
    if (entry === undefined) {
      entry = { decoded: {}, committed: {}, ring: undefined, guestReport: undefined };
      this.#vms.set(vmId, entry);
    }
    return entry;
  }

  /** The host's facts from an earlier sweep of this process, or `null`. */
  factsOf(driver: HypervDriver): HostInfo | null {
    return this.#facts.get(driver) ?? null;
  }

  rememberFacts(driver: HypervDriver, facts: HostInfo): void {
    this.#facts.set(driver, facts);
  }

  /** The pool as last decoded when its CIM-XML is unchanged, else `undefined`. */
  decodedPool(vmId: string, pool: KvpPool, xml: readonly string[]): DecodedPool | undefined {
    const cached = this.#vms.get(vmId)?.decoded[pool];
    return cached !== undefined && sameXml(cached.xml, xml) ? cached : undefined;
  }

  /** The pool as last decoded, whatever its CIM-XML was (its unchanged items need no new decode). */
  lastDecoded(vmId: string, pool: KvpPool): DecodedPool | undefined {
    return this.#vms.get(vmId)?.decoded[pool];
  }

  rememberDecoded(vmId: string, pool: KvpPool, decoded: DecodedPool): void {
    this.#entry(vmId).decoded[pool] = decoded;
  }

  /** Whether the last committed sweep stored exactly this CIM-XML for the pool. */
  isCommitted(vmId: string, pool: KvpPool, xml: readonly string[]): boolean {
    const committed = this.#vms.get(vmId)?.committed[pool];
    return committed !== undefined && sameXml(committed, xml);
  }

  /** Called after a host's transaction committed the pool (`null`: the stored pool is unknown here). */
  rememberCommitted(vmId: string, pool: KvpPool, xml: readonly string[] | null): void {
    if (xml !== null) this.#entry(vmId).committed[pool] = xml;
    else {
      const entry = this.#vms.get(vmId);
      if (entry !== undefined) delete entry.committed[pool];
    }
  }

  /** Forgets every VM not in `vmIds` (deleted VMs, VMs of hosts no longer configured). */
  retainOnly(vmIds: ReadonlySet<string>): void {
    for (const id of this.#vms.keys()) if (!vmIds.has(id)) this.#vms.delete(id);
  }

  /** The guest report last read for the VM, with what it was read from (guest-reports collector). */
  guestReportOf(vmId: string): GuestReportBasis | undefined {
    return this.#vms.get(vmId)?.guestReport;
  }

  rememberGuestReport(vmId: string, basis: GuestReportBasis): void {
    this.#entry(vmId).guestReport = basis;
  }

  /** The ring signature the last committed sweep recorded for the VM. */
  ringOf(vmId: string): string | undefined {
    return this.#vms.get(vmId)?.ring;
  }

  /** Called after a host's transaction committed. */
  rememberRing(vmId: string, signature: string): void {
    this.#entry(vmId).ring = signature;
  }
}
