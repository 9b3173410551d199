/**
 * The SPLA licence rules for Windows Server, as pure functions (spla-and-peers §1.1–1.3):
 * - Datacenter: every physical core (at least 8 per processor), one set per host that ran any Windows
 *   Server VM, whatever their number.
 * - Standard: one full set of core licences per Windows Server VM at the host's high-water mark of
 *   concurrently running Windows Server VMs (SPUR: "one OSE on the Licensed Server" per set), or two VMs
 *   per set under the Volume Licensing reading (UNCONFIRMED for SPLA, `standardVmsPerLicenceSet: 2`).
 * - A host that ran no Windows Server VM: one set for its own physical OSE when
 *   `reportHostsWithoutWindowsServerVms` (default true, UNCONFIRMED), else nothing.
 */
import type { HostEdition } from 'hyperv-kvp';
import { CORES_PER_PACK, splaCoreLicenses } from '../../shared/avma/index.js';
import type { SplaProduct } from '../model/index.js';
import type { SplaSettings } from './usage-types.js';

export const PRODUCT_OF_EDITION: Readonly<Record<HostEdition, SplaProduct>> = Object.freeze({
  datacenter: 'Windows Server Datacenter',
  standard: 'Windows Server Standard',
});

/**
 * Full sets of core licences an edition needs for `highWaterMark` concurrently running Windows Server
 * VMs (those that count for the edition: see `countsForStandard`).
 */
export function licenceSets(
  edition: HostEdition,
  highWaterMark: number,
  settings: Pick<SplaSettings, 'standardVmsPerLicenceSet' | 'reportHostsWithoutWindowsServerVms'>,
): number {
  if (highWaterMark === 0) return settings.reportHostsWithoutWindowsServerVms ? 1 : 0;
  if (edition === 'datacenter') return 1;
  return Math.ceil(highWaterMark / settings.standardVmsPerLicenceSet);
}

export interface ConfigurationLicences {
  readonly coreLicensesPerSet: number;
  readonly sets: number;
  readonly coreLicenses: number;
  /** Each set is bought whole in 2-core packs: sets × ceil(per set / 2). */
  readonly twoCorePacks: number;
  readonly product: SplaProduct;
}

/** The licences of one host configuration. Throws AvmaError for impossible processor sizes. */
export function configurationLicences(
  facts: { readonly edition: HostEdition; readonly coresPerSocket: readonly number[] },
  highWaterMark: number,
  settings: SplaSettings,
): ConfigurationLicences {
  const perSet = splaCoreLicenses({
    coresPerProcessor: facts.coresPerSocket,
    minCoresPerServer: settings.minCoresPerServer,
  });
  const sets = licenceSets(facts.edition, highWaterMark, settings);
  return Object.freeze({
    coreLicensesPerSet: perSet.coreLicenses,
    sets,
    coreLicenses: sets * perSet.coreLicenses,
    twoCorePacks: sets * Math.ceil(perSet.coreLicenses / CORES_PER_PACK),
    product: PRODUCT_OF_EDITION[facts.edition],
  });
}

/**
 * Per host and product, the month's quantity is the highest of the host's configurations of that
 * product (SPLA's "highest during the month", spla-and-peers §1.2): the first configuration reaching
 * it contributes it, every other contributes 0 and is superseded (when that highest is above 0).
 * Returns, by index of `packs`, the quantity contributed and whether it was superseded.
 */
export function highestPerProduct(
  rows: readonly { readonly product: SplaProduct | null; readonly twoCorePacks: number | null }[],
): { readonly quantity: number | null; readonly superseded: boolean }[] {
  const highest = new Map<SplaProduct, number>();
  for (const row of rows) {
    if (row.product === null || row.twoCorePacks === null) continue;
    highest.set(row.product, Math.max(highest.get(row.product) ?? 0, row.twoCorePacks));
  }
  const taken = new Set<SplaProduct>();
  return rows.map((row) => {
    if (row.product === null || row.twoCorePacks === null) return { quantity: null, superseded: false };
    const max = highest.get(row.product) ?? 0;
    if (row.twoCorePacks === max && !taken.has(row.product)) {
      taken.add(row.product);
      return { quantity: max, superseded: false };
    }
    return { quantity: 0, superseded: max > 0 };
  });
}
