/**
 * The reseller-ready table: per SPLA product, the month's quantity of 2-core licences with the period
 * Volume Licensing Central shows (the last day of the month, spla-and-peers §1.2) and the operator's SKU.
 * It is computed from the hosts' configurations twice, by two routes, and the two must agree: a report
 * whose table does not add up to its host rows is never handed out.
 */
import { SPLA_PRODUCTS, type SplaProduct } from '../model/index.js';
import { UsageError } from './errors.js';
import type { SplaSettings, UsageHostRow, UsageResellerRow } from './usage-types.js';

const DAY_MS = 86_400_000;

/** Per product, the sum over hosts of the highest figure among that host's configurations. */
function highestPerHost(hosts: readonly UsageHostRow[]): Map<SplaProduct, number> {
  const totals = new Map<SplaProduct, number>();
  for (const host of hosts) {
    const highest = new Map<SplaProduct, number>();
    for (const c of host.configurations ?? []) {
      if (c.product === null || c.twoCorePacks === null) continue;
      highest.set(c.product, Math.max(highest.get(c.product) ?? 0, c.twoCorePacks));
    }
    for (const [product, packs] of highest) totals.set(product, (totals.get(product) ?? 0) + packs);
  }
  return totals;
}

/** Per product, the sum of the quantities the host rows say they contribute. */
function contributed(hosts: readonly UsageHostRow[]): Map<SplaProduct, number> {
  const totals = new Map<SplaProduct, number>();
  for (const c of hosts.flatMap((host) => host.configurations ?? [])) {
    if (c.product !== null) totals.set(c.product, (totals.get(c.product) ?? 0) + (c.quantity ?? 0));
  }
  return totals;
}

/**
 * One row per SPLA product (zero when nothing was used: a zero-usage report). Throws UsageError
 * INCONSISTENT_REPORT when the table would not add up exactly to the host rows' contributions.
 */
export function resellerRows(
  month: { readonly month: string; readonly endMs: number },
  hosts: readonly UsageHostRow[],
  settings: SplaSettings,
): UsageResellerRow[] {
  const period = new Date(month.endMs - DAY_MS).toISOString().slice(0, 10);
  const table = highestPerHost(hosts);
  const rows = contributed(hosts);
  for (const product of SPLA_PRODUCTS) {
    if ((table.get(product) ?? 0) !== (rows.get(product) ?? 0)) {
      throw new UsageError(
        'INCONSISTENT_REPORT',
        `${month.month}: ${product} totals ${table.get(product) ?? 0} in the reseller table but ${rows.get(product) ?? 0} in the host rows`,
      );
    }
  }
  return SPLA_PRODUCTS.map((product) =>
    Object.freeze({
      period,
      product,
      sku: settings.skus[product] ?? null,
      quantity: table.get(product) ?? 0,
    }),
  );
}

/** What to check before sending: hosts without known facts, and products without a SKU. */
export function reportWarnings(hosts: readonly UsageHostRow[], settings: SplaSettings): string[] {
  const warnings: string[] = [];
  for (const host of hosts) {
    const unknown = (host.configurations ?? []).filter((c) => c.product === null);
    for (const c of unknown) {
      warnings.push(
        `host ${host.name}: edition unknown for ${c.hours} h (never read from the host); no licences counted for it, check the host`,
      );
    }
  }
  for (const product of SPLA_PRODUCTS) {
    if (settings.skus[product] === undefined) {
      warnings.push(`no SKU for "${product}" (config spla.skus); its reseller row has an empty SKU`);
    }
  }
  return warnings;
}
