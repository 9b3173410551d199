/** The store's public API: open a database, write through transactions, read for reports. */
export { STORE_ERROR_CODES, StoreError, type StoreErrorCode } from './errors.js';
export { type HostSweeper, hostSweepers } from './host-sweepers.js';
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
export {
  AVMA_APPLICATION_ID,
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_STALE_AFTER_MS,
  isPostgresUrl,
  openStore,
  removeCreatedDatabase,
  type StoreOptions,
} from './open-store.js';
export { type LeaseRow, readLeaseHolders } from './pg/lease-sql.js';
// Types only: the class loads `pg`, which an SQLite agent never does (import './pg/leases.js' lazily).
export type { HostLeases, HostLeasesOptions, LeaseState } from './pg/leases.js';
export { EVENTS_PAGE_SIZE, type EventOrder } from './queries/events-query.js';
export { STORE_TABLES, type StoreTable, type TableSizes } from './queries/table-sizes.js';
export { VM_DETAIL_AUDIT, VM_DETAIL_EVENTS } from './queries/vm-detail-query.js';
export { MAX_VM_PAGE } from './queries/vm-list-query.js';
export type * from './read-types.js';
export {
  DEFAULT_RAW_MONTHS,
  MIN_RAW_MONTHS,
  type RawPruneOptions,
} from './repos/retention-repo.js';
export { MAX_SWEEP_VMS, type SweepSummary, type SweepVm } from './repos/sweep-repo.js';
export {
  type CheckedSweepVm,
  checkSweepVm,
  isCheckedSweepVm,
  type SweepVmPart,
  type SweepVmRejection,
  sweepVmRejection,
} from './repos/sweep-vm-check.js';
export { LAST_USED_RESOLUTION_MS } from './repos/tokens-repo.js';
export { MAX_TENANT, MAX_VM_NAME } from './repos/vms-repo.js';
export { Store, type StoreSettings } from './store.js';
export { storeText } from './store-text.js';
export { type HostEventInput, Transaction } from './transaction.js';
export * from './types.js';
export { isStoreText } from './validate.js';
export { readWriterHolder, type WriterHolder, writerHolderPath, writerLockPath } from './writer-lock.js';
