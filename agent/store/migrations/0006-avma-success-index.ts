/**
 * Migration 6: a VM's latest host AVMA success without reading its whole history (issue 14). The sweep
 * state asks, every round and for every VM, for the newest host 12310 that says `avma-success`. With
 * only `events_vm_host_time` SQLite walks that VM's host events back from the newest until it meets a
 * success, so a guest whose host keeps refusing it (an unactivated host: a refusal every retry, 12 a
 * day) cost more every round, forever. This partial index holds the successes only: the look-up is one
 * index step at any age. Its condition repeats the query's literals (sweep-state-query.ts), which is
 * what lets SQLite use a partial index.
 */
export const MIGRATION_0006_AVMA_SUCCESS_INDEX = `
CREATE INDEX events_vm_avma_success ON events(vm_id, time)
  WHERE source = 'host' AND event_id = 12310 AND notification = 'avma-success';
`;
