/**
 * The `AvmaAgent.Status` this guest reports, built from its licence facts and its own state. Values the
 * platform returns outside the protocol's shapes are dropped to `null` with a problem, so one odd field
 * never silences the whole report.
 */
import { type Channel, LICENSE_STATUSES } from '../../shared/avma/index.js';
import { type AgentStatus, PROTOCOL_VERSION } from '../../shared/protocol/index.js';
import type { LicenseFacts } from '../platform/guest-platform.js';
import type { AgentState } from './agent-state.js';
import type { TickLog } from './tick-report.js';

const PARTIAL_KEY = /^[BCDFGHJKMNPQRTVWXY2346789]{5}$/;
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const MAX_GRACE_MINUTES = 0xffff_ffff;

export interface StatusInput {
  readonly state: AgentState;
  readonly license: LicenseFacts;
  readonly channel: Channel;
  readonly agentVersion: string;
}

/**
 * The status to report, or `null` (with a LICENSE_FACTS_INVALID problem) when `LicenseStatus` is not
 * 0..6 or the grace minutes are not a count: those are the facts the host decides on. Never throws.
 */
export function buildStatus(input: StatusInput, log: TickLog): AgentStatus | null {
  const { state, license, channel, agentVersion } = input;
  const licenseStatus = Number.isInteger(license.licenseStatus)
    ? LICENSE_STATUSES[license.licenseStatus]
    : undefined;
  if (licenseStatus === undefined) {
    log.problem(
      'LICENSE_FACTS_INVALID',
      `LicenseStatus is ${String(license.licenseStatus)}, expected an integer 0..6`,
    );
    return null;
  }
  const grace = license.gracePeriodRemainingMinutes;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_MINUTES) {
    log.problem(
      'LICENSE_FACTS_INVALID',
      `GracePeriodRemaining is ${String(grace)}, expected an integer 0..${MAX_GRACE_MINUTES}`,
    );
    return null;
  }
  return Object.freeze({
    v: PROTOCOL_VERSION,
    seq: state.lastSeq,
    licenseStatus,
    channel,
    partialKey: kept('partialKey', license.partialProductKey?.toUpperCase() ?? null, PARTIAL_KEY, log),
    avmaHost: kept('avmaHost', license.avmaHostMachineName, HOST_NAME, log),
    lastActivation: isoOrNull(license.avmaLastActivationTime, log),
    graceMinutes: grace,
    lastHresult: state.lastHresult ?? hresultOrNull(license.licenseStatusReason),
    agentVersion,
    refused: state.refused,
  });
}

function kept(field: string, value: string | null, pattern: RegExp, log: TickLog): string | null {
  if (value === null || value === '') return null;
  if (pattern.test(value)) return value;
  log.problem(
    'STATUS_FIELD_DROPPED',
    `status.${field}: the platform value does not match ${pattern}, reported as null`,
  );
  return null;
}

function isoOrNull(value: string | null, log: TickLog): string | null {
  if (value === null) return null;
  const time = new Date(value);
  // Years past 9999 print as "+010000-…", which the protocol's ISO-8601 form refuses.
  if (Number.isNaN(time.getTime()) || time.getUTCFullYear() > 9999) {
    log.problem(
      'STATUS_FIELD_DROPPED',
      'status.lastActivation: the platform value is not a date, reported as null',
    );
    return null;
  }
  return time.toISOString();
}

function hresultOrNull(value: string | null): string | null {
  if (value === null) return null;
  const upper = value.trim().replace(/^0X/i, '0x');
  return /^0x[0-9A-Fa-f]{8}$/.test(upper) ? `0x${upper.slice(2).toUpperCase()}` : null;
}
