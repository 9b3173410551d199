/**
 * What each layer's error means for the person who caused it, in one table: `bad-input` (they can fix
 * it: exit 2 in the CLI, a 4xx in the API), `operational` (the environment failed: a locked database,
 * an unreachable host; exit 1, a 5xx) or `internal` (a bug; exit 1, a 500). Errors are recognised by
 * type (`LayerError`, `KvpError`), never by name; the table is exhaustive per layer, so a new code does
 * not compile until it is classified here. Exported for the HTTP API to map codes the same way.
 */
import { KvpError, type KvpErrorCode } from 'hyperv-kvp';
import type { GuestAgentErrorCode } from '../../guest/agent/guest-agent-error.js';
import type { ServiceConfigErrorCode } from '../../guest/install/service-config.js';
import type { GuestPlatformErrorCode } from '../../guest/platform/guest-platform.js';
import type { AvmaErrorCode } from '../../shared/avma/index.js';
import { LayerError } from '../../shared/errors/index.js';
import type { ProtocolProblemCode } from '../../shared/protocol/index.js';
import type { ApiErrorCode } from '../api/api-error.js';
import type { ConfigErrorCode } from '../config/config-error.js';
import type { DriverErrorCode } from '../driver/driver-error.js';
import type { LabErrorCode } from '../lab/lab-error.js';
import type { ReportErrorCode } from '../reports/report-error.js';
import type { RuntimeErrorCode } from '../runtime/runtime-error.js';
import type { ServiceErrorCode } from '../service/service-error.js';
import type { StoreErrorCode } from '../store/errors.js';
import type { SweepErrorCode } from '../sweep/sweep-error.js';
import type { UsageErrorCode } from '../usage/errors.js';
import type { CliErrorCode } from './cli-error.js';

export type ErrorKind = 'bad-input' | 'operational' | 'internal';

/** `cause`: a code that only says "the layer below failed" takes the kind of the error it wraps. */
export type ErrorKindEntry = ErrorKind | 'cause';

/** Every layer with its closed code set. */
export interface LayerCodes {
  readonly api: ApiErrorCode;
  readonly cli: CliErrorCode;
  readonly config: ConfigErrorCode;
  readonly runtime: RuntimeErrorCode;
  readonly sweep: SweepErrorCode;
  readonly store: StoreErrorCode;
  readonly usage: UsageErrorCode;
  readonly report: ReportErrorCode;
  readonly driver: DriverErrorCode;
  readonly lab: LabErrorCode;
  readonly protocol: ProtocolProblemCode;
  readonly kvp: KvpErrorCode;
  readonly avma: AvmaErrorCode;
  readonly 'guest-agent': GuestAgentErrorCode;
  readonly 'guest-platform': GuestPlatformErrorCode;
  readonly 'service-config': ServiceConfigErrorCode;
  readonly service: ServiceErrorCode;
}

type KindTable = { readonly [L in keyof LayerCodes]: Readonly<Record<LayerCodes[L], ErrorKindEntry>> };

const BAD_INPUT = 'bad-input';
const OPERATIONAL = 'operational';

export const ERROR_KINDS: KindTable = Object.freeze({
  // The API's own refusals are the client's to fix (agent/api/http-status.ts gives their status).
  api: {
    UNAUTHORIZED: BAD_INPUT,
    FORBIDDEN: BAD_INPUT,
    NOT_FOUND: BAD_INPUT,
    BAD_PARAMETER: BAD_INPUT,
    PAYLOAD_TOO_LARGE: BAD_INPUT,
    RATE_LIMITED: BAD_INPUT,
    NOT_AVAILABLE: BAD_INPUT,
    // Port taken or not ours to bind: the environment's trouble (exit 1), named in one line.
    LISTEN_FAILED: OPERATIONAL,
  },
  cli: { USAGE: BAD_INPUT, INPUT: BAD_INPUT, UNREADABLE_FILE: BAD_INPUT },
  config: { UNREADABLE: BAD_INPUT, NOT_JSON: BAD_INPUT, INVALID: BAD_INPUT },
  runtime: {
    INVALID_OPTIONS: BAD_INPUT,
    STORE_UNAVAILABLE: 'cause',
    DRIVER_UNAVAILABLE: 'cause',
    LAB_MISMATCH: BAD_INPUT,
    NOT_RECORDED: OPERATIONAL,
  },
  sweep: { STORE_UNAVAILABLE: 'cause', INVALID_ARGUMENT: BAD_INPUT },
  // A file that is not (or no longer) a usable avma database is the wrong file to give; a locked,
  // full or unwritable one is the environment's trouble.
  store: {
    CORRUPT: BAD_INPUT,
    NEWER_SCHEMA: BAD_INPUT,
    OUTDATED_SCHEMA: BAD_INPUT,
    NOT_AVMA_DATABASE: BAD_INPUT,
    LOCKED: OPERATIONAL,
    // Starting a second writer on a database an agent already writes is a usage error (one writer per
    // database); the message names the agent that holds it.
    WRITER_BUSY: BAD_INPUT,
    DISK_FULL: OPERATIONAL,
    NOT_FOUND: BAD_INPUT,
    INVALID_ARGUMENT: BAD_INPUT,
    CONFLICT: BAD_INPUT,
    READ_ONLY: OPERATIONAL,
    CLOSED: 'internal',
    // The upgrade failed on this database (full disk, a damaged index...); the old schema is intact.
    MIGRATION_FAILED: OPERATIONAL,
    UNAVAILABLE: OPERATIONAL,
    LEASE_LOST: OPERATIONAL,
    IO: OPERATIONAL,
  },
  usage: {
    INVALID_MONTH: BAD_INPUT,
    INVALID_OPTION: BAD_INPUT,
    MONTH_NOT_OVER: BAD_INPUT,
    MONTH_ALREADY_CLOSED: BAD_INPUT,
    MONTH_NOT_CLOSED: BAD_INPUT,
    TAMPERED: OPERATIONAL,
    INCONSISTENT_REPORT: 'internal',
  },
  report: { UNKNOWN_REPORT: BAD_INPUT, BAD_PARAMETER: BAD_INPUT, NOT_FOUND: BAD_INPUT },
  driver: {
    UNSUPPORTED: BAD_INPUT,
    HOST_UNAVAILABLE: OPERATIONAL,
    NO_VM: BAD_INPUT,
    KEY_EXISTS: OPERATIONAL,
    KEY_NOT_FOUND: OPERATIONAL,
    INVALID_ARGUMENT: BAD_INPUT,
    OPERATION_INVALID: OPERATIONAL,
    BAD_RESPONSE: OPERATIONAL,
    TIMEOUT: OPERATIONAL,
    FAILED: OPERATIONAL,
  },
  lab: {
    INVALID_SCENARIO: BAD_INPUT,
    UNKNOWN_VM: BAD_INPUT,
    UNKNOWN_HOST: BAD_INPUT,
    INVALID_OPERATION: 'internal',
    INVALID_ARGUMENT: BAD_INPUT,
  },
  protocol: { NOT_TEXT: BAD_INPUT, TOO_LARGE: BAD_INPUT, NOT_JSON: BAD_INPUT, SCHEMA: BAD_INPUT },
  kvp: {
    MALFORMED_XML: BAD_INPUT,
    FORBIDDEN_MARKUP: BAD_INPUT,
    UNKNOWN_ELEMENT: BAD_INPUT,
    UNKNOWN_ENTITY: BAD_INPUT,
    INVALID_CHAR_REF: BAD_INPUT,
    FORBIDDEN_CHARACTER: BAD_INPUT,
    NUL_CHARACTER: BAD_INPUT,
    UNPAIRED_SURROGATE: BAD_INPUT,
    TEXT_OUTSIDE_VALUE: BAD_INPUT,
    TOO_DEEP: BAD_INPUT,
    TOO_LARGE: BAD_INPUT,
    WRONG_CLASS: BAD_INPUT,
    MISSING_PROPERTY: BAD_INPUT,
    DUPLICATE_PROPERTY: BAD_INPUT,
    EMPTY_KEY: BAD_INPUT,
    INVALID_SOURCE: BAD_INPUT,
    KEY_TOO_LONG: BAD_INPUT,
    VALUE_TOO_LONG: BAD_INPUT,
    TRUNCATED_POOL: BAD_INPUT,
    INVALID_UTF8: BAD_INPUT,
    DUPLICATE_KEY: BAD_INPUT,
  },
  avma: {
    INVALID_PRODUCT_KEY: BAD_INPUT,
    WRONG_AVMA_KEY: BAD_INPUT,
    NO_AVMA_KEY: BAD_INPUT,
    UNKNOWN_HRESULT: BAD_INPUT,
    INVALID_HRESULT: BAD_INPUT,
    INVALID_SLMGR_OUTPUT: BAD_INPUT,
    INVALID_ARGUMENT: BAD_INPUT,
    UNKNOWN_VERSION: BAD_INPUT,
    UNKNOWN_EDITION: BAD_INPUT,
    UNKNOWN_LICENSE_STATUS: BAD_INPUT,
  },
  'guest-agent': { INVALID_OPTION: BAD_INPUT },
  'guest-platform': {
    COMMAND_FAILED: OPERATIONAL,
    BAD_OUTPUT: OPERATIONAL,
    ACCESS_DENIED: OPERATIONAL,
    TIMEOUT: OPERATIONAL,
    KEY_REJECTED: OPERATIONAL,
  },
  'service-config': { INVALID_PATH: BAD_INPUT, INVALID_INTERVAL: BAD_INPUT, INVALID_ARGUMENT: BAD_INPUT },
  // Elevating, fixing a path or building the agent is the operator's to do; a failed step on the host
  // (the SCM refused, a locked file) is the environment's.
  service: {
    INVALID_OPTION: BAD_INPUT,
    NOT_ADMINISTRATOR: BAD_INPUT,
    MISSING_FILE: BAD_INPUT,
    STEP_FAILED: OPERATIONAL,
    BAD_PROBE: OPERATIONAL,
  },
} satisfies KindTable);

export interface ErrorClassification {
  /** The layer and code of a recognised error; both null for anything else (a bug: `internal`). */
  readonly layer: string | null;
  readonly code: string | null;
  readonly kind: ErrorKind;
}

/** How deep `cause` entries are followed; a longer (or circular) chain is treated as operational. */
const MAX_CAUSE_DEPTH = 4;

function entryOf(layer: string, code: string): ErrorKindEntry | undefined {
  if (!Object.hasOwn(ERROR_KINDS, layer)) return undefined;
  const codes = ERROR_KINDS[layer as keyof LayerCodes] as Readonly<Record<string, ErrorKindEntry>>;
  return Object.hasOwn(codes, code) ? codes[code] : undefined;
}

function classifyAt(error: unknown, depth: number): ErrorClassification {
  if (!(error instanceof LayerError || error instanceof KvpError)) {
    return { layer: null, code: null, kind: 'internal' };
  }
  const { layer, code } = error;
  const entry = entryOf(layer, code) ?? 'internal';
  if (entry !== 'cause') return { layer, code, kind: entry };
  const wrapped = error.cause instanceof LayerError || error.cause instanceof KvpError;
  const kind = wrapped && depth < MAX_CAUSE_DEPTH ? classifyAt(error.cause, depth + 1).kind : OPERATIONAL;
  return { layer, code, kind };
}

/** The layer, code and kind of any thrown value. Never throws. */
export function classifyError(error: unknown): ErrorClassification {
  return classifyAt(error, 0);
}
