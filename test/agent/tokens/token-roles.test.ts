import { describe, expect, it } from 'vitest';
import { isTokenRole, roleAllows, TOKEN_ROLES, type TokenRole } from '../../../agent/tokens/index.js';

describe('agent/tokens/token-roles', () => {
  it('orders the roles admin ⊃ operator ⊃ reader', () => {
    const allowed = (have: TokenRole) => TOKEN_ROLES.filter((need) => roleAllows(have, need));
    expect(allowed('reader')).toEqual(['reader']);
    expect(allowed('operator')).toEqual(['reader', 'operator']);
    expect(allowed('admin')).toEqual(['reader', 'operator', 'admin']);
  });

  it('grants nothing to, and demands the impossible of, a value that is no role', () => {
    const root = 'root' as TokenRole;
    const admin = 'Admin' as TokenRole;
    for (const need of TOKEN_ROLES) {
      expect(roleAllows(root, need)).toBe(false);
      expect(roleAllows(admin, need)).toBe(false);
    }
    expect(roleAllows('admin', root)).toBe(false);
  });

  it('recognises exactly the three roles', () => {
    expect(TOKEN_ROLES.every(isTokenRole)).toBe(true);
    for (const value of ['Admin', 'READER', 'root', '', ' admin', null, 1]) {
      expect(isTokenRole(value)).toBe(false);
    }
  });
});
