/**
 * The lab's timing and policy knobs, with documented defaults. Numbers a primary source gives are
 * cited; the AVMA numbers are not published by Microsoft and are marked UNCONFIRMED. A scenario may
 * override any of them in its optional `settings` object.
 */
import { z } from 'zod';

/** Seed 001 (Volume Activation Deployment Guide, "KMS 激活续订"): KMS activation is valid for 180 days. */
export const KMS_VALIDITY_MINUTES = 180 * 24 * 60;
/** Seed 001: KMS clients try to renew every 7 days by default (`slmgr /sri` default 10080 minutes). */
export const KMS_RENEWAL_MINUTES = 7 * 24 * 60;
/** Seed 001: "如果 KMS 激活失败，客户端将每两小时重试一次" — a failed KMS activation is retried every two hours. */
export const KMS_RETRY_MINUTES = 2 * 60;
/** Seed 001: `slmgr /rearm` extends the grace period by 30 days; the lab uses 30 days for every grace. */
export const GRACE_MINUTES = 30 * 24 * 60;
/**
 * UNCONFIRMED: the "7 days / 10080 minutes" AVMA activation validity is quoted widely but appears in no
 * source found (avma-facts §6b); slmgr only shows that AVMA activation expires (`GracePeriodRemaining`).
 */
export const AVMA_VALIDITY_MINUTES = 7 * 24 * 60;
/** UNCONFIRMED: how often a licensed AVMA guest asks its host again; the lab renews daily. */
export const AVMA_RENEWAL_MINUTES = 24 * 60;
/** UNCONFIRMED: retry after a failed AVMA request; the lab borrows the KMS client's two hours (seed 001). */
export const AVMA_RETRY_MINUTES = KMS_RETRY_MINUTES;
/** UNCONFIRMED here: Windows Server evaluations run 180 days (Microsoft Evaluation Center terms). */
export const EVALUATION_MINUTES = 180 * 24 * 60;
/** The guest agent's default interval (guest issue: every 5 minutes). */
export const GUEST_AGENT_TICK_MINUTES = 5;
/**
 * Records a simulated Application log keeps before it overwrites the oldest. Windows caps the log at
 * 20 MB by default (retention "Overwrite events as needed"); how many AVMA records that is, beside
 * everything else a real log holds, is UNCONFIRMED: 20,000 is a round figure, about two weeks of a
 * 1,000-VM host's 12310 records (daily renewals and retries), far more than a host logs between sweeps.
 */
export const EVENT_LOG_MAX_RECORDS = 20_000;

const minutes = z
  .number()
  .int()
  .min(1)
  .max(10 * 365 * 24 * 60);

export const labSettingsSchema = z.strictObject({
  avmaValidityMinutes: minutes.optional(),
  avmaRenewalMinutes: minutes.optional(),
  avmaRetryMinutes: minutes.optional(),
  kmsValidityMinutes: minutes.optional(),
  kmsRenewalMinutes: minutes.optional(),
  kmsRetryMinutes: minutes.optional(),
  graceMinutes: minutes.optional(),
  evaluationMinutes: minutes.optional(),
  guestAgentTickMinutes: minutes.optional(),
  eventLogMaxRecords: z.number().int().min(1).max(100_000_000).optional(),
  /**
   * What a lapsed activation turns into. slmgr.vbs names LicenseStatus 3 "Additional grace period (KMS
   * license expired or hardware out of tolerance)", so an expired activation enters OOT grace; whether
   * AVMA expiry does the same is UNCONFIRMED, hence `notification` as the alternative reading.
   */
  lapsedStatus: z.enum(['oot-grace', 'notification']).optional(),
  /**
   * Microsoft: "each virtualization server host in the cluster must be activated for guest VMs to stay
   * activated, regardless of which server they run on". `node` (default) reads it as advice (a guest
   * fails on an unactivated node it lands on); `all-nodes` makes any unactivated node fail every guest
   * of the cluster. Which one Windows does is UNCONFIRMED.
   */
  clusterActivation: z.enum(['node', 'all-nodes']).optional(),
  /** The lab simulates no KMS host unless this is true (then KMS clients activate and renew). */
  kmsHostAvailable: z.boolean().optional(),
});
export type LabSettingsInput = z.infer<typeof labSettingsSchema>;

export interface LabSettings {
  readonly avmaValidityMinutes: number;
  readonly avmaRenewalMinutes: number;
  readonly avmaRetryMinutes: number;
  readonly kmsValidityMinutes: number;
  readonly kmsRenewalMinutes: number;
  readonly kmsRetryMinutes: number;
  readonly graceMinutes: number;
  readonly evaluationMinutes: number;
  readonly guestAgentTickMinutes: number;
  readonly eventLogMaxRecords: number;
  readonly lapsedStatus: 'oot-grace' | 'notification';
  readonly clusterActivation: 'node' | 'all-nodes';
  readonly kmsHostAvailable: boolean;
}

export const DEFAULT_LAB_SETTINGS: LabSettings = Object.freeze({
  avmaValidityMinutes: AVMA_VALIDITY_MINUTES,
  avmaRenewalMinutes: AVMA_RENEWAL_MINUTES,
  avmaRetryMinutes: AVMA_RETRY_MINUTES,
  kmsValidityMinutes: KMS_VALIDITY_MINUTES,
  kmsRenewalMinutes: KMS_RENEWAL_MINUTES,
  kmsRetryMinutes: KMS_RETRY_MINUTES,
  graceMinutes: GRACE_MINUTES,
  evaluationMinutes: EVALUATION_MINUTES,
  guestAgentTickMinutes: GUEST_AGENT_TICK_MINUTES,
  eventLogMaxRecords: EVENT_LOG_MAX_RECORDS,
  lapsedStatus: 'oot-grace',
  clusterActivation: 'node',
  kmsHostAvailable: false,
});

/** The defaults with the given overrides applied (later arguments win). Never throws. */
export function resolveLabSettings(...overrides: readonly (LabSettingsInput | undefined)[]): LabSettings {
  const merged: Record<string, unknown> = { ...DEFAULT_LAB_SETTINGS };
  for (const override of overrides) {
    for (const [name, value] of Object.entries(override ?? {})) if (value !== undefined) merged[name] = value;
  }
  return Object.freeze(merged as unknown as LabSettings);
}
