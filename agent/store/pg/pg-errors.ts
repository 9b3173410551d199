/**
 * PostgreSQL's errors mapped to store codes, here and nowhere else. node-postgres puts the SQLSTATE in
 * `error.code` (postgresql.org/docs/15/errcodes-appendix.html); a socket failure carries a Node code
 * (ECONNREFUSED...) or only a message ("Connection terminated unexpectedly").
 */
import { StoreError, type StoreErrorCode } from '../errors.js';

/** SQLSTATE classes and codes, by what the agent does about them. */
function codeOf(sqlState: string): StoreErrorCode | null {
  // 08: connection exception; 57P01-03: the server shut down or is starting; 53300: too many connections.
  if (sqlState.startsWith('08') || /^57P0[1-3]$/.test(sqlState) || sqlState === '53300') return 'UNAVAILABLE';
  // 40001 serialization failure, 40P01 deadlock, 55P03 lock not available: retry the transaction.
  if (sqlState === '40001' || sqlState === '40P01' || sqlState === '55P03') return 'LOCKED';
  if (sqlState.startsWith('23')) return 'CONFLICT';
  if (sqlState === '53100') return 'DISK_FULL';
  if (sqlState === '25006') return 'READ_ONLY';
  if (sqlState === '28P01' || sqlState === '28000' || sqlState === '3D000') return 'UNAVAILABLE';
  if (sqlState === 'XX001' || sqlState === 'XX002') return 'CORRUPT';
  return null;
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);
const LOST =
  /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i;

export function pgStoreError(error: unknown, path: string, doing: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message.replace(/\s*\n\s*/g, ' ') : String(error);
  let mapped: StoreErrorCode | null = null;
  if (typeof code === 'string') mapped = SOCKET_CODES.has(code) ? 'UNAVAILABLE' : codeOf(code);
  if (mapped === null && LOST.test(detail)) mapped = 'UNAVAILABLE';
  const storeCode = mapped ?? 'IO';
  const message =
    storeCode === 'UNAVAILABLE'
      ? `PostgreSQL at ${path} is unavailable (${doing}: ${detail}); nothing of the failed transaction was kept, retrying later`
      : `${doing} database ${path} failed: ${detail}`;
  return new StoreError(storeCode, message, { cause: error });
}
