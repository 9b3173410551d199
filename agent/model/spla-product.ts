/**
 * The SPLA products the month report counts (spla-and-peers §1.1): Windows Server core licences by
 * edition. Names as resellers list them; the SKU of each is the operator's (config `spla.skus`), since
 * SKUs differ per price list and region and none is invented here.
 */
export const SPLA_PRODUCTS = ['Windows Server Datacenter', 'Windows Server Standard'] as const;
export type SplaProduct = (typeof SPLA_PRODUCTS)[number];
