/**
 * Which hosts this agent may sweep, and the fence that keeps a host's recording its own: one small
 * interface the round calls, so the backends' difference stays here. With SQLite the agent is the
 * database's only writer (writer-lock.ts) and holds every configured host (`SOLE_WRITER`, a no-op).
 * With PostgreSQL several agents share hosts through leases (`leaseClaims`): a round sweeps only the
 * hosts whose lease it holds, and each host's transaction locks its lease row first (LEASE_LOST if
 * taken over) and ends with a `host-sweep` audit record on the database clock.
 */
import { type HostLeases, type LeaseState, StoreError, type Transaction } from '../store/index.js';
import { describeError } from './collector.js';
import { SweepError } from './sweep-error.js';
import type { HostReport } from './sweep-report.js';

/** A host's claim for this round. */
export interface HostClaim {
  readonly held: boolean;
  /** Who holds it when not this agent (null: unknown, e.g. taken during this very call). */
  readonly holder: string | null;
  /** Database-clock milliseconds the holder's lease runs until (0 when unknown). */
  readonly untilMs: number;
  /** When the lease was confirmed for this agent this round (database clock); null without leases. */
  readonly confirmedAtMs: number | null;
  /**
   * Held now but not at this agent's previous claim: another agent may have recorded the host in
   * between, so what this agent remembers of its VMs (the sweep cache) is not to be trusted.
   */
  readonly fresh?: boolean;
}

export interface HostClaims {
  /** True when other agents may sweep other hosts of the same store (leases). */
  readonly shared: boolean;
  /** Claims the hosts for this round; keys are the names lower-cased. Rejects with StoreError. */
  claim(hosts: readonly string[]): Promise<Map<string, HostClaim>>;
  /** First in the host's recording transaction: rejects with StoreError LEASE_LOST if not ours. */
  fence(tx: Transaction, host: string): Promise<void>;
  /** Last in the host's recording transaction (`sweepAt`: the round's time). */
  seal(tx: Transaction, host: string, claim: HostClaim, sweepAt: Date): Promise<void>;
}

const HELD: HostClaim = Object.freeze({ held: true, holder: null, untilMs: 0, confirmedAtMs: null });

/** SQLite: the writer lock already makes this agent the only writer; it holds every host. */
export const SOLE_WRITER: HostClaims = Object.freeze({
  shared: false,
  claim: async (hosts: readonly string[]) => new Map(hosts.map((host) => [host.toLowerCase(), HELD])),
  fence: async () => undefined,
  seal: async () => undefined,
});

function claimOf(state: LeaseState): HostClaim {
  return Object.freeze({
    held: state.held,
    holder: state.owner,
    untilMs: state.expiresAtMs,
    confirmedAtMs: state.confirmedAtMs,
  });
}

/** PostgreSQL: claims through `leases` (its own connection), fences on the store's transaction. */
export function leaseClaims(leases: HostLeases): HostClaims {
  let heldBefore = new Set<string>();
  return Object.freeze({
    shared: true,
    async claim(hosts: readonly string[]) {
      const states = await leases.acquire(hosts);
      const claims = new Map(
        [...states].map(([host, state]) => [
          host,
          { ...claimOf(state), fresh: state.held && !heldBefore.has(host) },
        ]),
      );
      heldBefore = new Set([...states].filter(([, state]) => state.held).map(([host]) => host));
      return claims;
    },
    async fence(tx: Transaction, host: string) {
      await tx.lockLease(host, leases.owner);
    },
    async seal(tx: Transaction, host: string, claim: HostClaim, sweepAt: Date) {
      const committedAt = await tx.stampLeaseSwept(host, leases.owner);
      await tx.audit({
        at: sweepAt,
        actor: leases.owner,
        action: 'host-sweep',
        host,
        reason: 'host swept under its lease',
        details: { startedAt: claim.confirmedAtMs, committedAt, sweepAt: sweepAt.toISOString() },
      });
    },
  });
}

/**
 * Claims narrowed to the hosts a shared lab server still waits for at its tick (`pending`); a host
 * already recorded there is reported held by this agent. Without `pending`, `claims` as they are.
 */
export function onlyPending(
  claims: HostClaims,
  source: { pending?(): Promise<ReadonlySet<string>> },
): HostClaims {
  const pending = source.pending?.bind(source);
  if (pending === undefined) return claims;
  return Object.freeze({
    ...claims,
    async claim(hosts: readonly string[]) {
      const [claimed, waiting] = await Promise.all([claims.claim(hosts), pending()]);
      for (const [host, claim] of claimed) {
        if (claim.held && !waiting.has(host)) {
          claimed.set(host, {
            held: false,
            holder: 'this agent (recorded at this tick)',
            untilMs: 0,
            confirmedAtMs: null,
          });
        }
      }
      return claimed;
    },
  });
}

/** `held by agent-b until 2026-11-01T00:01:00.000Z`, for progress and the round report. */
export function heldLine(claim: HostClaim): string {
  const until = claim.untilMs > 0 ? ` until ${new Date(claim.untilMs).toISOString()}` : '';
  return `held by ${claim.holder ?? 'another agent'}${until}`;
}

/** This round's claims on the configured hosts; rejects with SweepError STORE_UNAVAILABLE. */
export async function claimHosts(
  claims: HostClaims,
  hosts: readonly string[],
  onStoreError?: (error: StoreError) => void,
): Promise<Map<string, HostClaim>> {
  try {
    return await claims.claim(hosts);
  } catch (error) {
    if (error instanceof StoreError) onStoreError?.(error);
    throw new SweepError('STORE_UNAVAILABLE', `cannot claim the hosts' leases: ${describeError(error)}`, {
      cause: error,
    });
  }
}

/** A host another agent holds: not swept here, neither stale nor failed. */
export function heldReport(host: string, claim: HostClaim | undefined): HostReport {
  return Object.freeze({
    host,
    outcome: 'held',
    vms: 0,
    eligible: 0,
    pushed: 0,
    wiped: 0,
    newEvents: 0,
    problems: 0,
    deleted: 0,
    durationMs: 0,
    collectors: [],
    error: claim === undefined ? 'held by another agent' : heldLine(claim),
  });
}
