import { describe, expect, it } from 'vitest';
import { tenantResolver } from '../../../agent/config/tenants.js';

describe('agent/config/tenants', () => {
  const resolve = tenantResolver([
    { prefix: 'CONTOSO-', tenant: 'contoso' },
    { regex: '^fab\\d{2}$', tenant: 'fabrikam' },
    { regex: 'web', tenant: 'web-team' },
  ]);

  it('gives the tenant of the first rule that matches, prefixes and patterns ignoring case', () => {
    expect(resolve('contoso-web01')).toBe('contoso');
    expect(resolve('FAB12')).toBe('fabrikam');
    expect(resolve('fab123-web')).toBe('web-team');
  });

  it('gives no tenant when no rule matches', () => {
    expect(resolve('sql01')).toBeNull();
    expect(tenantResolver([])('anything')).toBeNull();
  });
});
