/**
 * What goes into the store and what comes out: vocabularies (validated on every write) and the records
 * of the repository and read APIs. Times go in as `Date` and come out as ISO-8601 UTC strings.
 */
import {
  CLIENT_VERSIONS,
  EDITIONS,
  type Edition,
  GUEST_OS_FAMILIES,
  type GuestOsFamily,
  type HostEdition,
  type HostVersion,
  SERVER_VERSIONS,
} from 'hyperv-kvp';
import {
  AVMA_NOTIFICATIONS,
  type Channel,
  LICENSE_STATUSES,
  type LicenseStatus,
  type ReasonCode,
} from '../../shared/avma/index.js';
import type { Problem, VmState } from '../model/index.js';
import type { TokenRole } from '../tokens/index.js';

export const GUEST_OS_VALUES = [...GUEST_OS_FAMILIES, 'unknown'] as const;
export type GuestOs = GuestOsFamily | 'unknown';

/** Guest versions in the scenario vocabulary: Windows Server releases and Windows client 10/11. */
export const GUEST_VERSIONS: readonly string[] = Object.freeze([...SERVER_VERSIONS, ...CLIENT_VERSIONS]);
export const GUEST_EDITIONS: readonly Edition[] = EDITIONS;

export const LICENSE_STATUS_VALUES = [...LICENSE_STATUSES, 'unknown'] as const;
export type ObservedLicenseStatus = LicenseStatus | 'unknown';

/**
 * What a VM's licence conclusion rests on: `host` (a 12310 in the host's own Application log: trusted),
 * `guest` (the guest agent's status: untrusted, tenant-written), `host+guest` (both, agreeing), `none`.
 */
export const EVIDENCE_VALUES = ['host', 'guest', 'host+guest', 'none'] as const;
export type Evidence = (typeof EVIDENCE_VALUES)[number];

/** How a host event was attributed to its VM (the 12310 layout is UNCONFIRMED: each is tried in turn). */
export const VM_MATCHES = ['vm-id', 'vm-name', 'fqdn', 'message-id', 'time'] as const;
export type VmMatch = (typeof VM_MATCHES)[number];

export const KVP_POOLS = ['intrinsic', 'guest', 'host'] as const;
/** `intrinsic`: GuestIntrinsicExchangeItems; `guest`: GuestExchangeItems; `host`: HostExchangeItems. */
export type KvpPool = (typeof KVP_POOLS)[number];

export const EVENT_SOURCES = ['host', 'guest', 'agent'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** The 12309 notifications, plus `unknown` for a guest event the guest agent could not classify. */
export const EVENT_NOTIFICATIONS = [...AVMA_NOTIFICATIONS, 'unknown'] as const;
export type EventNotification = (typeof EVENT_NOTIFICATIONS)[number];

/**
 * What the agent or an operator did (the audit vocabulary): to a VM or host, or, for the token, month
 * and sweep actions of the API, to neither (their audit rows have vm and host null).
 */
export const AUDIT_ACTIONS = [
  'push-key',
  'send-intent',
  'remove-host-items',
  'send-wipe',
  'opt-out',
  'opt-in',
  'block-avma',
  'allow-avma',
  'token-create',
  'token-revoke',
  'month-close',
  'sweep-now',
  'raw-prune',
  /** One host's sweep recorded under its lease (PostgreSQL): details {startedAt, committedAt, sweepAt}. */
  'host-sweep',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface HostFacts {
  /** `null` when the host runs a release outside the vocabulary. */
  readonly version: HostVersion | null;
  readonly build: number | null;
  /** `null` when neither Datacenter nor Standard (e.g. Hyper-V Server). */
  readonly edition: HostEdition | null;
  readonly activated: boolean;
  readonly sockets: number;
  /** Physical cores of each processor, one entry per socket. */
  readonly coresPerSocket: readonly number[];
  readonly cluster: string | null;
}

export interface VmInput {
  /** Hyper-V VM GUID. */
  readonly id: string;
  /** Operator-assigned tenant; `null` when unknown. */
  readonly tenant: string | null;
}

/** Problems are model vocabulary (agent/model); the store validates and keeps them. */
export type { Problem };

/** One sweep's view of a VM. Any change in these fields opens a new observation interval. */
export interface ObservationFields {
  readonly host: string;
  readonly state: VmState;
  readonly dataExchange: boolean;
  readonly os: GuestOs;
  readonly version: string | null;
  readonly edition: Edition | null;
  readonly evaluation: boolean | null;
  /** The conclusion from evidence (see `evidence`), never the guest's word alone. */
  readonly licenseStatus: ObservedLicenseStatus;
  readonly channel: Channel;
  readonly evidence: Evidence;
  /** What the guest agent claimed (validated), `null` when it reported no valid status. */
  readonly claimedLicenseStatus: ObservedLicenseStatus | null;
  readonly claimedChannel: Channel | null;
  readonly eligible: boolean;
  readonly reasons: readonly ReasonCode[];
  readonly keyPushed: boolean;
  readonly kvpWiped: boolean;
  readonly problems: readonly Problem[];
  /**
   * Configured virtual processors (1..MAX_VM_PROCESSORS); absent or `null`: unknown (the driver could
   * not tell, or a row from before migration 4).
   */
  readonly processorCount?: number | null;
  /** Memory assigned now in bytes (1..MAX_VM_MEMORY_BYTES); absent or `null`: none assigned or unknown. */
  readonly memoryAssignedBytes?: number | null;
}

/** What `recordObservation` did: the stored interval count grows only for `opened`, `changed`, `resumed`. */
export type ObservationChange = 'opened' | 'unchanged' | 'changed' | 'resumed';

export interface KvpItemRecord {
  readonly name: string;
  readonly data: string;
}

export interface EventInput {
  readonly source: EventSource;
  /** Host name for host events, VM GUID for guest events, `agent` for the agent's own. */
  readonly origin: string;
  readonly recordId: number;
  /** Windows event id (12310, 12309); `null` for agent audit events. */
  readonly eventId: number | null;
  readonly time: Date;
  /** VM GUID the event concerns, if known. */
  readonly vm?: string | null;
  /** How a host event was attributed to `vm` (host events only; `null` when not attributed). */
  readonly vmMatch?: VmMatch | null;
  /** Host name the event concerns, if known. */
  readonly host?: string | null;
  readonly notification?: EventNotification | null;
  /** `0xC004FD01` form; normalised to upper-case hex digits. */
  readonly hresult?: string | null;
  readonly message?: string;
  /** Clears of the source log seen so far (see `Transaction.restartBookmark`); default 0. */
  readonly logEpoch?: number;
}

export interface Bookmark {
  readonly recordId: number;
  readonly logEpoch: number;
}

export interface AuditInput {
  readonly at: Date;
  /** Who: `agent`, or the operator's name / API token name. */
  readonly actor: string;
  readonly action: AuditAction;
  readonly vm?: string | null;
  readonly host?: string | null;
  /** Why, in words or as a reason code. */
  readonly reason: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Who asked for an operator-visible flag change, and why (recorded in the audit trail). */
export interface ChangeRequest {
  readonly at: Date;
  readonly actor: string;
  readonly reason: string;
}

/** How a close's `sha256` was computed: 1 = of the report JSON alone (before migration 5), 2 = chained. */
export type MonthCloseFormat = 1 | 2;
/** Who closed a month: named by the caller, or the OS user name standing in for a missing `--actor`. */
export type ActorSource = 'given' | 'os-user';

export interface MonthCloseRecord {
  /** Position in closing order (1 = the first close stored): the order of the chain. */
  readonly sequence: number;
  readonly month: string;
  readonly closedAt: string;
  /** The frozen report, exactly as hashed. */
  readonly report: string;
  readonly sha256: string;
  readonly format: MonthCloseFormat;
  /** Format 2: JSON object of CSV table name -> CSV text, exactly as hashed; null for format 1. */
  readonly csv: string | null;
  /** Format 2: JSON of the report settings the close was built with; null for format 1. */
  readonly settings: string | null;
  readonly actor: string | null;
  readonly actorSource: ActorSource | null;
  /** Closed before the month ended, deliberately. */
  readonly forced: boolean;
  /** The sha256 of the close stored before this one (format 2; null for the first close and format 1). */
  readonly previousSha256: string | null;
}

/** A chained (format 2) close as the store takes it; the caller computed `sha256` over all of it. */
export interface MonthCloseInput {
  readonly month: string;
  readonly closedAt: Date;
  readonly report: string;
  readonly csv: string;
  readonly settings: string;
  readonly actor: string;
  readonly actorSource: ActorSource;
  readonly forced: boolean;
  readonly previousSha256: string | null;
  readonly sha256: string;
}

/** What a retention prune deletes, or would delete. */
export interface RawPruneResult {
  /** Data of the months before this instant (a month start) is pruned. */
  readonly before: string;
  /** The start of the month `rawMonths` before the current one: the configured horizon. */
  readonly horizon: string;
  /** The earliest month not closed that held the prune back from the horizon, if any. */
  readonly heldBackBy: string | null;
  readonly events: number;
  readonly observations: number;
  readonly dryRun: boolean;
}

/** One recorded prune: raw data before `before` is gone. */
export interface RawPruneRecord {
  readonly at: string;
  readonly before: string;
  readonly events: number;
  readonly observations: number;
}

/** A new API token as `createToken` takes it; the token itself is generated by the store. */
export interface TokenInput {
  /** Unique case-insensitively, never reused (see `TOKEN_NAME_RULE` in agent/tokens). */
  readonly name: string;
  readonly role: TokenRole;
  /** `null`: the token does not expire. Must be after `at`. */
  readonly expiresAt: Date | null;
  /** Who creates it (recorded as `created_by` and as the audit actor). */
  readonly actor: string;
  readonly at: Date;
}

/** An API token as stored and listed: never the token, never its hash. Times are ISO-8601 UTC. */
export interface TokenRecord {
  readonly name: string;
  readonly role: TokenRole;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** What `createToken` resolves to: the token, to be shown once and then forgotten, and its record. */
export interface CreatedToken {
  readonly token: string;
  readonly record: TokenRecord;
}
