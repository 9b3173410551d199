/**
 * The shared lab's JSON over HTTP (`avma lab serve`, lab-server.ts; `--lab-url`, lab-client-driver.ts):
 * what each reply looks like, validated with zod on the client side, so an agent never trusts a lab
 * server's answer more than a Hyper-V host's.
 */
import { HOST_EDITIONS, HOST_VERSIONS } from 'hyperv-kvp';
import { z } from 'zod';
import { DRIVER_ERROR_CODES } from '../driver-error.js';
import { VM_STATES } from '../hyperv-driver.js';

/** The lab's state: its simulated clock on the sweep grid, and which hosts are done at this tick. */
export const LabStatus = z.strictObject({
  /** Simulated now, ms: the current tick. */
  now: z.number().int(),
  start: z.number().int(),
  intervalMs: z.number().int().positive(),
  until: z.number().int(),
  /** Every tick up to `until` is recorded for every host: the run is over. */
  done: z.boolean(),
  hosts: z.array(z.string()),
  /** Hosts recorded (or found down) at the current tick. */
  recorded: z.array(z.string()),
  /** How long one AVMA activation is valid in this lab (licence-evidence window). */
  evidenceWindowMs: z.number().int().positive(),
});
export type LabStatus = z.infer<typeof LabStatus>;

export const HostInfoReply = z.strictObject({
  name: z.string(),
  fqdn: z.string().nullable(),
  version: z.enum(HOST_VERSIONS).nullable(),
  build: z.number().int(),
  edition: z.enum(HOST_EDITIONS).nullable(),
  activated: z.boolean(),
  sockets: z.number().int(),
  coresPerSocket: z.array(z.number().int()),
  cluster: z.string().nullable(),
  clusterNodes: z.array(z.string()),
});

const RawVmReply = z.strictObject({
  id: z.string(),
  name: z.string(),
  state: z.enum(VM_STATES),
  dataExchange: z.boolean(),
  intrinsicItems: z.array(z.string()),
  guestItems: z.array(z.string()),
  hostItems: z.array(z.string()),
  processorCount: z.number().int().nullable(),
  memoryAssignedBytes: z.number().int().nullable(),
});

/** `listVms`, with each VM's tenant from the scenario (what the in-process lab source reads). */
export const ListVmsReply = z.strictObject({
  vms: z.array(RawVmReply),
  tenants: z.record(z.string(), z.string().nullable()),
});

export const HostEventsReply = z.array(
  z.strictObject({
    recordId: z.number().int(),
    eventId: z.number().int(),
    provider: z.string(),
    time: z.string(),
    message: z.string(),
    data: z.record(z.string(), z.string()),
  }),
);

export const EmptyReply = z.strictObject({});

export const ErrorReply = z.strictObject({
  error: z.strictObject({ code: z.enum(DRIVER_ERROR_CODES), message: z.string() }),
});

/** The driver calls a lab server answers, by URL path segment. */
export const LAB_METHODS = [
  'hostInfo',
  'listVms',
  'addKvpItems',
  'modifyKvpItems',
  'removeKvpItems',
  'readEvents',
  'setDataExchange',
] as const;
export type LabMethod = (typeof LAB_METHODS)[number];

const Items = z.array(z.strictObject({ name: z.string(), data: z.string() }));
/** Request bodies, validated by the server (the agent is a client like any other). */
export const LabRequests = {
  hostInfo: z.strictObject({}),
  listVms: z.strictObject({}),
  addKvpItems: z.strictObject({ vmId: z.string(), items: Items }),
  modifyKvpItems: z.strictObject({ vmId: z.string(), items: Items }),
  removeKvpItems: z.strictObject({ vmId: z.string(), names: z.array(z.string()) }),
  readEvents: z.strictObject({
    ids: z.array(z.number().int()),
    afterRecordId: z.number().int(),
    max: z.number().int().optional(),
  }),
  setDataExchange: z.strictObject({ vmId: z.string(), enabled: z.boolean() }),
  recorded: z.strictObject({ host: z.string(), at: z.number().int() }),
} as const;
