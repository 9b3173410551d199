/**
 * API token roles (architecture §12): `reader` reads everything, `operator` also acts on VMs, sweeps
 * now and closes months, `admin` also manages tokens. Each role includes every role below it.
 */

/** Lowest to highest: the order is the inclusion order `roleAllows` relies on. */
export const TOKEN_ROLES = ['reader', 'operator', 'admin'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Whether `value` names a role. Never throws. */
export function isTokenRole(value: unknown): value is TokenRole {
  return typeof value === 'string' && (TOKEN_ROLES as readonly string[]).includes(value);
}

/** Whether a token of role `have` may do what needs role `need` (admin ⊃ operator ⊃ reader). */
export function roleAllows(have: TokenRole, need: TokenRole): boolean {
  const haveRank = (TOKEN_ROLES as readonly string[]).indexOf(have);
  const needRank = (TOKEN_ROLES as readonly string[]).indexOf(need);
  // A value cast from outside that is no role ranks -1: it is granted nothing and demands the impossible.
  return haveRank >= 0 && needRank >= 0 && haveRank >= needRank;
}
