/**
 * What one agent process remembers between sweeps, only to save work (architecture §11 budgets a
 * 1,024-VM host at 250 ms): each host's last facts (used when a later host-facts read fails, so the
 * other collectors still count), each VM pool's last decoded items (a pool whose CIM-XML did not
 * change is not decoded again), the pools the last committed sweep stored (an unchanged pool is not
 * hashed and compared again) and each VM's last recorded 12309 ring (an unchanged ring is not inserted
 * again). Losing it (a restart) costs nothing but work: the store compares hashes and drops repeated
 * events itself.
 */
import type { KvpItem } from 'hyperv-kvp';
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

export class SweepCache {
  readonly #facts = new WeakMap<HypervDriver, HostInfo>();
  readonly #rings = new Map<string, string>();
  readonly #decoded = new Map<string, DecodedPool>();
  readonly #committed = new Map<string, readonly string[]>();

  /** The host's facts from an earlier sweep of this process, or `null`. */
  factsOf(driver: HypervDriver): HostInfo | null {
    return this.#facts.get(driver) ?? null;
  }

  rememberFacts(driver: HypervDriver, facts: HostInfo): void {
    this.#facts.set(driver, facts);
  }

  /** The pool as last decoded when its CIM-XML is unchanged, else `undefined`. */
  decodedPool(vmId: string, pool: KvpPool, xml: readonly string[]): DecodedPool | undefined {
    const cached = this.#decoded.get(`${vmId}/${pool}`);
    return cached !== undefined && sameXml(cached.xml, xml) ? cached : undefined;
  }

  /** The pool as last decoded, whatever its CIM-XML was (its unchanged items need no new decode). */
  lastDecoded(vmId: string, pool: KvpPool): DecodedPool | undefined {
    return this.#decoded.get(`${vmId}/${pool}`);
  }

  rememberDecoded(vmId: string, pool: KvpPool, decoded: DecodedPool): void {
    this.#decoded.set(`${vmId}/${pool}`, decoded);
  }

  /** Whether the last committed sweep stored exactly this CIM-XML for the pool. */
  isCommitted(vmId: string, pool: KvpPool, xml: readonly string[]): boolean {
    const committed = this.#committed.get(`${vmId}/${pool}`);
    return committed !== undefined && sameXml(committed, xml);
  }

  /** Called after a host's transaction committed the pool (`null`: the stored pool is unknown here). */
  rememberCommitted(vmId: string, pool: KvpPool, xml: readonly string[] | null): void {
    if (xml === null) this.#committed.delete(`${vmId}/${pool}`);
    else this.#committed.set(`${vmId}/${pool}`, xml);
  }

  /** Forgets every VM not in `vmIds` (deleted VMs, VMs of hosts no longer configured). */
  retainOnly(vmIds: ReadonlySet<string>): void {
    for (const map of [this.#decoded, this.#committed] as Map<string, unknown>[]) {
      for (const key of map.keys()) if (!vmIds.has(key.slice(0, key.indexOf('/')))) map.delete(key);
    }
    for (const id of this.#rings.keys()) if (!vmIds.has(id)) this.#rings.delete(id);
  }

  /** The ring signature the last committed sweep recorded for the VM. */
  ringOf(vmId: string): string | undefined {
    return this.#rings.get(vmId);
  }

  /** Called after a host's transaction committed. */
  rememberRing(vmId: string, signature: string): void {
    this.#rings.set(vmId, signature);
  }
}
