/**
 * What ends when, for ConfigMgr's License 02A/02B (licences nearing expiration):
 * - `grace-ending`: a guest in a grace period ends it `graceMinutes` after its status was stored. That
 *   figure is the guest's own word (the agent's `AvmaAgent.Status`, tenant-written), so these rows say
 *   `evidence: guest`. A guest whose licence the host's own 12310 shows as licensed is left out: the
 *   host evidence contradicts the claim.
 * - `avma-renewal-due`: an AVMA activation the host itself granted (its latest 12310 AVMA success)
 *   lasts the AVMA validity (7 days, UNCONFIRMED; config `evidence.hostWindowHours`) unless the guest
 *   renews it; `evidence: host`.
 */
import { isGraceStatus } from '../../shared/avma/index.js';
import { parseStatus } from '../../shared/protocol/index.js';
import type { ReportVm } from '../store/index.js';

export const EXPIRY_KINDS = ['grace-ending', 'avma-renewal-due'] as const;
export type ExpiryKind = (typeof EXPIRY_KINDS)[number];

/** Time ranges, SCCM style: each holds what ends after the previous bound and within its own. */
export const EXPIRY_RANGES = [
  { range: 'ended', withinDays: 0 },
  { range: '1d', withinDays: 1 },
  { range: '3d', withinDays: 3 },
  { range: '7d', withinDays: 7 },
  { range: '14d', withinDays: 14 },
  { range: '30d', withinDays: 30 },
  { range: '60d', withinDays: 60 },
  { range: '90d', withinDays: 90 },
  { range: 'later', withinDays: null },
] as const;
export type ExpiryRange = (typeof EXPIRY_RANGES)[number]['range'];
export const EXPIRY_RANGE_NAMES = EXPIRY_RANGES.map((r) => r.range) as unknown as readonly [
  ExpiryRange,
  ...ExpiryRange[],
];

const DAY_MS = 86_400_000;

export interface Expiry {
  readonly vm: ReportVm;
  readonly kind: ExpiryKind;
  readonly endsAtMs: number;
  readonly evidence: 'guest' | 'host';
  /** What the end time was computed from, in words. */
  readonly basis: string;
}

/** The range an end time falls in, seen from `atMs`. */
export function rangeOf(endsAtMs: number, atMs: number): ExpiryRange {
  const days = (endsAtMs - atMs) / DAY_MS;
  for (const { range, withinDays } of EXPIRY_RANGES) {
    if (withinDays !== null && days <= withinDays) return range;
  }
  return 'later';
}

function hostSaysLicensed(vm: ReportVm): boolean {
  return vm.licenseStatus === 'licensed' && (vm.evidence === 'host' || vm.evidence === 'host+guest');
}

function graceEnding(vm: ReportVm): Expiry | null {
  if (vm.guestStatus === null || hostSaysLicensed(vm)) return null;
  const parsed = parseStatus(vm.guestStatus.text);
  if (!parsed.ok || !isGraceStatus(parsed.value.licenseStatus)) return null;
  const stored = new Date(vm.guestStatus.storedAtMs).toISOString();
  return {
    vm,
    kind: 'grace-ending',
    endsAtMs: vm.guestStatus.storedAtMs + parsed.value.graceMinutes * 60_000,
    evidence: 'guest',
    basis: `guest claim: ${parsed.value.licenseStatus}, graceMinutes ${parsed.value.graceMinutes} in the status stored ${stored}`,
  };
}

function renewalDue(vm: ReportVm, validityMs: number): Expiry | null {
  const success = vm.lastHostSuccess;
  if (success === null || vm.channel !== 'avma' || vm.avmaBlocked) return null;
  const at = new Date(success.timeMs).toISOString();
  return {
    vm,
    kind: 'avma-renewal-due',
    endsAtMs: success.timeMs + validityMs,
    evidence: 'host',
    basis: `host: 12310 AVMA success in ${success.host ?? 'an unknown host'}'s Application log at ${at} (matched by ${success.vmMatch ?? 'unknown'}) + ${validityMs / 3_600_000} h validity`,
  };
}

/** Every live VM's expiries of either kind, by end time. */
export function expiries(vms: readonly ReportVm[], validityMs: number): Expiry[] {
  const found: Expiry[] = [];
  for (const vm of vms) {
    const grace = graceEnding(vm);
    if (grace !== null) found.push(grace);
    const renewal = renewalDue(vm, validityMs);
    if (renewal !== null) found.push(renewal);
  }
  return found.sort((a, b) => a.endsAtMs - b.endsAtMs || (a.vm.id < b.vm.id ? -1 : 1));
}

export const EXPIRY_SOURCE: Readonly<Record<ExpiryKind, string>> = Object.freeze({
  'grace-ending':
    'guest claim: graceMinutes of the guest agent status, from when the host stored it (tenant-written, not verified)',
  'avma-renewal-due':
    'host: the latest 12310 AVMA success in the host Application log + the AVMA validity (7 days, UNCONFIRMED)',
});
