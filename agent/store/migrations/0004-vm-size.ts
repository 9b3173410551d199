/**
 * Migration 4: a VM's size for tenant billing (issue 11), as two more observed fields of the
 * observation intervals, so a change opens a new interval like any other field:
 * - `processor_count`: the VM's configured virtual processors (Get-VM ProcessorCount);
 * - `memory_assigned_bytes`: the memory the host had assigned to it (Get-VM MemoryAssigned), NULL
 *   when none was (a VM not running).
 * Rows written before this migration keep NULL in both: "unknown", which the month report shows as
 * hours of unknown size, never as a guess. Bounds: Hyper-V's maxima (agent/model/vm.ts).
 */
export const MIGRATION_0004_VM_SIZE = `
ALTER TABLE observations ADD COLUMN processor_count INTEGER
  CHECK (processor_count IS NULL OR processor_count BETWEEN 1 AND 2048);
ALTER TABLE observations ADD COLUMN memory_assigned_bytes INTEGER
  CHECK (memory_assigned_bytes IS NULL OR memory_assigned_bytes BETWEEN 1 AND 281474976710656);
`;
