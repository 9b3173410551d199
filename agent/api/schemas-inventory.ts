/** The API's host and VM types (lists and details), named like their types in the OpenAPI document. */
import { EDITIONS, HOST_EDITIONS, HOST_VERSIONS } from 'hyperv-kvp';
import { z } from 'zod';
import { CHANNELS, REASON_CODES } from '../../shared/avma/index.js';
import { PROBLEM_CODES } from '../model/index.js';
import { AUDIT_ACTIONS, EVIDENCE_VALUES, GUEST_OS_VALUES, LICENSE_STATUS_VALUES } from '../store/index.js';
import { Event, VmSummary } from './schemas.js';

const Span = { from: z.string(), to: z.string().nullable() };
const KvpItem = z.object({ name: z.string(), data: z.string() }).meta({ id: 'KvpItem' });
const Bool = z.enum(['true', 'false']).transform((text) => text === 'true');

export const VmListItem = VmSummary.extend({ fqdn: z.string().nullable() }).meta({ id: 'VmListItem' });
export const VmPage = z
  .object({ items: z.array(VmListItem), next: z.string().nullable() })
  .meta({ id: 'VmPage' });

export const VmListQuery = z.strictObject({
  cursor: z.string().min(1).max(512).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  host: z.string().min(1).max(253).optional(),
  tenant: z.string().min(1).max(256).optional(),
  eligible: Bool.optional(),
  licenseStatus: z.enum(LICENSE_STATUS_VALUES).optional(),
  reason: z.enum(REASON_CODES).optional(),
  problem: z.enum(PROBLEM_CODES).optional(),
  q: z.string().min(1).max(256).optional(),
  deleted: Bool.optional(),
});

export const AuditRecord = z
  .object({
    id: z.int(),
    at: z.string(),
    actor: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    vm: z.string().nullable(),
    host: z.string().nullable(),
    reason: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditRecord' });

export const VmDetail = VmListItem.extend({
  firstSeen: z.string(),
  names: z.array(z.object({ name: z.string(), ...Span })),
  hosts: z.array(z.object({ host: z.string(), ...Span })),
  licence: z.array(
    z.object({
      licenseStatus: z.enum(LICENSE_STATUS_VALUES),
      channel: z.enum(CHANNELS),
      evidence: z.enum(EVIDENCE_VALUES),
      ...Span,
    }),
  ),
  identity: z.object({
    source: z.enum(['kvp', 'observation', 'none']),
    os: z.enum(GUEST_OS_VALUES),
    version: z.string().nullable(),
    build: z.int().nullable(),
    edition: z.enum(EDITIONS).nullable(),
    evaluation: z.boolean().nullable(),
    fqdn: z.string().nullable(),
    ipv4: z.array(z.string()),
    ipv6: z.array(z.string()),
    architecture: z.string().nullable(),
  }),
  kvp: z.object({ intrinsic: z.array(KvpItem), guest: z.array(KvpItem), host: z.array(KvpItem) }),
  events: z.array(Event),
  audit: z.array(AuditRecord),
}).meta({ id: 'VmDetail' });

export const Host = z
  .object({
    name: z.string(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    facts: z
      .object({
        since: z.string(),
        version: z.enum(HOST_VERSIONS).nullable(),
        build: z.int().nullable(),
        edition: z.enum(HOST_EDITIONS).nullable(),
        activated: z.boolean(),
        sockets: z.int(),
        coresPerSocket: z.array(z.int()),
        cluster: z.string().nullable(),
      })
      .nullable(),
    vms: z.object({
      total: z.int(),
      eligible: z.int(),
      byLicenseStatus: z.record(z.enum(LICENSE_STATUS_VALUES), z.int()),
    }),
    bookmarks: z.array(
      z.object({ log: z.string(), recordId: z.int(), logEpoch: z.int(), updatedAt: z.string() }),
    ),
    sweeper: z
      .object({
        agent: z.string().nullable().meta({
          description: "PostgreSQL: the agent holding the host's lease; SQLite: the database's writer",
        }),
        until: z.string().nullable().meta({ description: 'When the lease runs out (PostgreSQL only)' }),
        live: z.boolean(),
        lastSweep: z.string().nullable().meta({ description: "The host's last committed sweep" }),
      })
      .optional()
      .meta({ description: 'Who sweeps the host (added with PostgreSQL leases)' }),
  })
  .meta({ id: 'Host' });
export const HostList = z.object({ items: z.array(Host) }).meta({ id: 'HostList' });
