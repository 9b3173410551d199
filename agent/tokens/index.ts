/** API tokens without storage: roles and their order, the secret's format, its hash and comparison. */
export { isTokenName, MAX_TOKEN_NAME, TOKEN_NAME_RULE } from './token-name.js';
export { isTokenRole, roleAllows, TOKEN_ROLES, type TokenRole } from './token-roles.js';
export {
  generateToken,
  hashToken,
  looksLikeToken,
  sameDigest,
  TOKEN_BYTES,
  TOKEN_LENGTH,
  TOKEN_PREFIX,
} from './token-secret.js';
