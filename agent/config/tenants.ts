/**
 * Which tenant a VM of a real host belongs to, from the configuration's rules (VM name prefix or
 * regular expression → tenant; the first rule that matches wins). The lab takes tenants from its
 * scenario instead.
 */
import type { TenantRule } from './config-schema.js';

export type TenantResolver = (vmName: string) => string | null;

/** A resolver for the rules (regexes compiled once, case-insensitive). Never throws for validated rules. */
export function tenantResolver(rules: readonly TenantRule[]): TenantResolver {
  const matchers = rules.map((rule) => {
    if ('prefix' in rule) {
      const prefix = rule.prefix.toLowerCase();
      return (name: string) => (name.toLowerCase().startsWith(prefix) ? rule.tenant : null);
    }
    const pattern = new RegExp(rule.regex, 'iu');
    return (name: string) => (pattern.test(name) ? rule.tenant : null);
  });
  return (vmName) => {
    for (const match of matchers) {
      const tenant = match(vmName);
      if (tenant !== null) return tenant;
    }
    return null;
  };
}
