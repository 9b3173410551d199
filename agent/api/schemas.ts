/**
 * The API's types as zod schemas, named like their types (`.meta({ id })` names them in the OpenAPI
 * document). Requests are parsed with them before a handler runs, answers before they are sent.
 */
import { z } from 'zod';
import { CHANNELS, REASON_CODES } from '../../shared/avma/index.js';
import { isVmId, VM_ID_FORMAT, VM_STATES } from '../model/index.js';
import {
  EVENT_NOTIFICATIONS,
  EVENT_SOURCES,
  EVIDENCE_VALUES,
  LICENSE_STATUS_VALUES,
  VM_MATCHES,
} from '../store/index.js';
import { isTokenName, TOKEN_NAME_RULE } from '../tokens/index.js';
import { USAGE_CSV_TABLES, USAGE_MONTH_SCHEMA } from '../usage/index.js';
import { API_ROLES } from './route.js';

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const ProblemDetails = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string().optional(),
  })
  .meta({ id: 'ProblemDetails', description: 'RFC 9457 problem details' });

export const Limit = z.coerce.number().int().min(1).max(1000).default(100);
export const Cursor = z.string().min(1).max(512);
export const VmIdParam = z.string().refine(isVmId, `expected a VM GUID: ${VM_ID_FORMAT}`);
export const MonthParam = z.string().regex(MONTH, 'expected a month YYYY-MM (month 01..12)');
const IsoTime = z.iso.datetime({ offset: true });
const Text = (max: number) => z.string().min(1).max(max);

export const Problem = z.object({ code: z.string(), message: z.string() }).meta({ id: 'Problem' });

export const VmSummary = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    host: z.string().nullable(),
    tenant: z.string().nullable(),
    state: z.enum(VM_STATES).nullable(),
    eligible: z.boolean(),
    reasons: z.array(z.enum(REASON_CODES)),
    licenseStatus: z.enum(LICENSE_STATUS_VALUES),
    channel: z.enum(CHANNELS),
    evidence: z.enum(EVIDENCE_VALUES),
    claimedLicenseStatus: z.enum(LICENSE_STATUS_VALUES).nullable(),
    claimedChannel: z.enum(CHANNELS).nullable(),
    keyPushed: z.boolean(),
    kvpWiped: z.boolean(),
    problems: z.array(Problem),
    lastSeen: z.string(),
    deletedAt: z.string().nullable(),
    optedOut: z.boolean(),
    avmaBlocked: z.boolean(),
  })
  .meta({ id: 'VmSummary' });

export const Event = z
  .object({
    source: z.enum(EVENT_SOURCES),
    eventId: z.int().nullable(),
    recordId: z.int(),
    time: z.string(),
    host: z.string().nullable(),
    vm: z.string().nullable(),
    vmId: z.string().nullable(),
    vmMatch: z.enum(VM_MATCHES).nullable(),
    notification: z.enum(EVENT_NOTIFICATIONS).nullable(),
    hresult: z.string().nullable(),
    message: z.string(),
  })
  .meta({ id: 'Event' });

export const EventPage = z
  .object({ items: z.array(Event), next: z.string().nullable() })
  .meta({ id: 'EventPage' });

export const EventQuery = z.strictObject({
  after: Cursor.optional(),
  limit: Limit,
  vm: Text(256).optional(),
  host: Text(253).optional(),
  eventId: z.coerce.number().int().min(0).max(65_535).optional(),
  source: z.enum(EVENT_SOURCES).optional(),
  since: IsoTime.optional(),
  until: IsoTime.optional(),
});

export const UsageMonth = USAGE_MONTH_SCHEMA.meta({ id: 'UsageMonth' });
export const UsageQuery = z.strictObject({
  format: z.enum(['json', 'csv']).default('json'),
  table: z.enum(USAGE_CSV_TABLES).optional(),
  tenant: Text(256).optional(),
});

/** A close with its place in the hash chain (format 1: closed before the chain, report-only hash). */
export const MonthClose = z
  .object({
    month: z.string(),
    closedAt: z.string(),
    sha256: z.string(),
    sequence: z.number().int(),
    format: z.union([z.literal(1), z.literal(2)]),
    previousSha256: z.string().nullable(),
    actor: z.string().nullable(),
    actorSource: z.enum(['given', 'os-user']).nullable(),
    forced: z.boolean(),
    totals: z.record(z.string(), z.number()).nullable(),
  })
  .meta({ id: 'MonthClose' });
export const MonthList = z.object({ items: z.array(MonthClose) }).meta({ id: 'MonthList' });
export const MonthCloseBody = z
  .strictObject({ force: z.boolean().optional() })
  .optional()
  .meta({ id: 'MonthCloseRequest' });

const DriftLine = z.object({ path: z.string(), frozen: z.unknown(), now: z.unknown() });
export const MonthDrift = z
  .object({
    month: z.string(),
    status: z.enum(['none', 'drift', 'pruned']),
    differences: z.array(DriftLine),
    more: z.number().int(),
    note: z.string(),
  })
  .meta({ id: 'MonthDrift' });
export const MonthVerification = z
  .object({
    ok: z.boolean(),
    head: z.string().nullable(),
    problems: z.array(z.string()),
    closes: z.array(
      z.object({
        month: z.string(),
        sequence: z.number().int(),
        format: z.union([z.literal(1), z.literal(2)]),
        closedAt: z.string(),
        sha256: z.string(),
        problems: z.array(z.string()),
        drift: MonthDrift.nullable(),
      }),
    ),
  })
  .meta({ id: 'MonthVerification' });

const Delta = z.object({ before: z.number().nullable(), after: z.number().nullable(), delta: z.number() });
const ChangeKind = z.enum(['added', 'removed', 'changed', 'unchanged']);
export const MonthDiff = z
  .object({
    from: z.string(),
    to: z.string(),
    hosts: z.array(
      z.object({
        name: z.string(),
        change: ChangeKind,
        edition: z.object({ before: z.string().nullable(), after: z.string().nullable() }),
        metrics: z.record(z.string(), Delta),
      }),
    ),
    tenants: z.array(
      z.object({ tenant: z.string().nullable(), change: ChangeKind, metrics: z.record(z.string(), Delta) }),
    ),
    totals: z.record(z.string(), Delta),
    /** Added with month closes: each side's report is `closed` (frozen) or `live`. */
    sources: z.object({ from: z.enum(['closed', 'live']), to: z.enum(['closed', 'live']) }),
    drift: z.array(MonthDrift),
  })
  .meta({ id: 'MonthDiff' });

export const VmActionBody = z.strictObject({ reason: Text(1024) }).meta({ id: 'VmActionRequest' });
export const VmActionResult = z
  .object({
    id: z.string(),
    action: z.enum(['opt-out', 'opt-in', 'allow-avma']),
    changed: z.boolean(),
    optedOut: z.boolean(),
    avmaBlocked: z.boolean(),
    actor: z.string(),
  })
  .meta({ id: 'VmActionResult' });

export const TokenInfo = z
  .object({
    name: z.string(),
    role: z.enum(API_ROLES),
    createdAt: z.string(),
    createdBy: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'TokenInfo' });
export const TokenList = z.object({ items: z.array(TokenInfo) }).meta({ id: 'TokenList' });
export const TokenCreateBody = z
  .strictObject({
    name: z.string().refine(isTokenName, `expected ${TOKEN_NAME_RULE}`),
    role: z.enum(API_ROLES),
    expires: IsoTime.optional(),
  })
  .meta({ id: 'TokenCreateRequest' });
export const TokenCreated = z
  .object({ token: z.string(), record: TokenInfo })
  .meta({ id: 'TokenCreated', description: 'The token is shown this once; only its hash is stored.' });

export const SweepStarted = z.object({ report: z.unknown() }).meta({ id: 'SweepResult' });
