import { z } from 'zod';
import { isVmId } from '../../model/index.js';

/**
 * zod schemas of what each script prints (after the `ok` key). Every number arrives as a string (the
 * scripts project explicitly, so 5.1 and 7 print the same JSON); these schemas check the digits.
 * Schema names have no suffix; the inferred types share the name (Renovate's zod style).
 */

const digits = z.string().regex(/^\d{1,19}$/, 'expected a decimal number as a string');
const optionalDigits = z.union([z.literal(''), digits]);

const PROCESSOR_COUNT = 'expected a processor count as a decimal string';
/** A VM's virtual processor count as list-vms prints it (Get-VM ProcessorCount). */
export const ProcessorCount = z.string({ error: PROCESSOR_COUNT }).regex(/^[1-9]\d{0,3}$/, PROCESSOR_COUNT);
const BYTE_COUNT = 'expected a byte count as a decimal string';
/** A VM's assigned memory in bytes as list-vms prints it (Get-VM MemoryAssigned; "0" when not running). */
export const MemoryAssigned = z.string({ error: BYTE_COUNT }).regex(/^\d{1,16}$/, BYTE_COUNT);

/**
 * A JSON array as Windows PowerShell 5.1 may print it: as an array, as `null` (empty), or wrapped as
 * `{"value": [...], "Count": n}` when the array was a PSObject (5.1's ETS Count property).
 */
export function psArray<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => {
    if (value === null) return [];
    if (typeof value === 'object' && !Array.isArray(value) && 'value' in value && 'Count' in value) {
      return (value as { value: unknown }).value;
    }
    return value;
  }, z.array(item));
}

export const HostFacts = z
  .object({
    ComputerName: z.string().min(1).max(256),
    DnsHostName: z.string().max(256),
    Domain: z.string().max(256),
    PartOfDomain: z.enum(['True', 'False', '']),
    Caption: z.string().max(512),
    Version: z.string().max(64),
    BuildNumber: digits,
    OperatingSystemSku: digits,
    Processors: psArray(
      z
        .object({
          SocketDesignation: z.string().max(256),
          NumberOfCores: digits,
          NumberOfLogicalProcessors: digits,
        })
        .strict(),
    ),
    Licensing: psArray(
      z
        .object({ Name: z.string().max(512), Description: z.string().max(1024), LicenseStatus: digits })
        .strict(),
    ),
    ClusterState: z.enum(['not-installed', 'not-member', 'member']),
    ClusterName: z.string().max(256),
    ClusterNodes: psArray(z.string().min(1).max(256)),
    ClusterError: z.string(),
  })
  .strict();
export type HostFacts = z.infer<typeof HostFacts>;

/** The list-vms envelope; each VM is checked on its own (see inventory.ts). */
export const Inventory = z.object({ Vms: psArray(z.unknown()) }).strict();
export type Inventory = z.infer<typeof Inventory>;

/** Longest VM name accepted (Hyper-V allows 100 characters; names may come from tenants). */
export const MAX_VM_NAME_CHARS = 1024;

export const InventoryVm = z
  .object({
    Id: z.string().refine(isVmId, 'expected a GUID'),
    Name: z.string().max(MAX_VM_NAME_CHARS),
    // By name: a number here means the script printed the enum value, whose meaning varies by release.
    State: z.string().regex(/^[A-Za-z]{1,40}$/, 'expected a VM state name such as "Running"'),
    DataExchange: z.enum(['true', 'false', 'unknown']),
    IntrinsicItems: psArray(z.unknown()),
    GuestItems: psArray(z.unknown()),
    HostItems: psArray(z.unknown()),
    // Billing figures, checked one by one in inventory.ts: a bad one is refused and reported, the VM
    // stays (its other fields decide AVMA). Absent from recordings made before they were listed.
    ProcessorCount: z.unknown().optional(),
    MemoryAssigned: z.unknown().optional(),
  })
  .strict();
export type InventoryVm = z.infer<typeof InventoryVm>;

export const WRITE_STATUSES = [
  'done',
  'no-vm',
  'no-kvp-component',
  'key-exists',
  'key-not-found',
  'failed',
  'job-timeout',
] as const;

export const WriteResult = z
  .object({
    Status: z.enum(WRITE_STATUSES),
    ReturnValue: optionalDigits,
    JobState: optionalDigits,
    ErrorCode: optionalDigits,
    ErrorDescription: z.string(),
    Keys: psArray(z.string()),
  })
  .strict();
export type WriteResult = z.infer<typeof WriteResult>;

export const DataExchangeResult = z
  .object({ Status: z.enum(['done', 'no-vm', 'no-service']), Enabled: z.enum(['true', 'false', '']) })
  .strict();
export type DataExchangeResult = z.infer<typeof DataExchangeResult>;

export const EventRecord = z
  .object({
    RecordId: digits,
    EventId: digits,
    Provider: z.string().max(256),
    TimeCreated: z.iso.datetime({ offset: true }),
    Message: z.string(),
    Data: psArray(z.object({ Name: z.string().min(1).max(256), Value: z.string() }).strict()),
  })
  .strict();
export type EventRecord = z.infer<typeof EventRecord>;

export const EventList = z.object({ Events: psArray(EventRecord) }).strict();
export type EventList = z.infer<typeof EventList>;
