/**
 * Everything one agent run needs, opened together and closed together: the store, the host source
 * (drivers, their clock and the tenant of each VM: the lab or real hosts, host-sources.ts, rebuilt
 * from the database when resuming) and the sweep's cache.
 */

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PowerShellSettings, TenantRule } from '../config/config-schema.js';
import { DEFAULT_CORRELATION_TOLERANCE_MS } from '../decide/host-evidence.js';
import type { HypervDriver } from '../driver/hyperv-driver.js';
import type { PsOperation } from '../driver/powershell/operations.js';
import type { Lab } from '../lab/lab.js';
import type { GuestAgentFactory } from '../lab/lab-agents.js';
import type { LabSettingsInput } from '../lab/lab-settings.js';
import type { Scenario } from '../lab/scenario-schema.js';
import {
  type HostLeases,
  isPostgresUrl,
  openStore,
  removeCreatedDatabase,
  type Store,
} from '../store/index.js';
import type { CollectorName } from '../sweep/collector.js';
import { describeError } from '../sweep/collector.js';
import { type HostClaims, leaseClaims, onlyPending, SOLE_WRITER } from '../sweep/host-claims.js';
import type { SweepSettings } from '../sweep/host-sweep.js';
import { SweepCache } from '../sweep/sweep-cache.js';
import { agentIdBase, processAgentId } from './agent-identity.js';
import type { HostSource } from './host-source.js';
import { labOf, openHostSource } from './host-sources.js';
import { RuntimeError } from './runtime-error.js';

export interface SessionOptions {
  readonly driver: 'lab' | 'powershell';
  /** Hosts to sweep (default: every host of the lab; the local host for PowerShell). */
  readonly hosts?: readonly string[];
  /** Lab: the URL of a shared lab server (`avma lab serve`) instead of a lab in this process. */
  readonly labUrl?: string;
  /** Lab: a scenario file, or an already validated scenario; default: the bundled one. */
  readonly scenario?: string | Scenario;
  readonly seed?: number;
  readonly db: string;
  /**
   * The command sweeping, e.g. "avma run": the session is the database's one writer, and a second
   * session on the same database is refused (STORE_UNAVAILABLE) with a line naming this one. Default
   * "avma". A dry run records nothing and takes no writer lock.
   */
  readonly command?: string;
  readonly staleAfterMs: number;
  /** See `StoreOptions.memoryChangeRatio`; default the store's. */
  readonly memoryChangeRatio?: number;
  readonly busyTimeoutMs?: number;
  readonly silentAfterMs: number;
  /** How long a host 12310 AVMA success corroborates a VM's activation; default: the lab's AVMA
   * validity, or 7 days (UNCONFIRMED) on real hosts. */
  readonly evidenceWindowMs?: number;
  /** Tolerance matching an unattributed 12310 to a guest's forwarded 12309 by time. */
  readonly correlationToleranceMs?: number;
  /** Optional collectors turned off. */
  readonly disabledCollectors?: readonly CollectorName[];
  readonly tenants?: readonly TenantRule[];
  readonly powershell?: PowerShellSettings;
  /** PowerShell dry run: writes are handed to this instead of being sent. */
  readonly dryRun?: (operation: PsOperation, text: string) => void;
  /** Told of the backup taken before the database's schema is upgraded (the log). */
  readonly onUpgradeBackup?: (backup: string, from: number, to: number) => void;
  /**
   * PostgreSQL: this process's agent id (agent-identity.ts), the holder of its hosts' leases; default
   * the host name plus a digest of the working directory, plus a random per-process suffix.
   */
  readonly agentId?: string;
  /** PostgreSQL: how long a lease lasts unless renewed (config `leases.ttlSeconds`); default 60 s. */
  readonly leaseTtlMs?: number;
  /** Lab settings and guest agents (tests). */
  readonly labSettings?: LabSettingsInput;
  readonly guestAgentFactory?: GuestAgentFactory | null;
}

export interface AgentSession {
  readonly store: Store;
  /** Where the hosts come from: drivers, their clock, tenants (host-source.ts). */
  readonly source: HostSource;
  readonly drivers: readonly HypervDriver[];
  /** The lab, for the commands about the lab itself (`avma lab run`); `null` on real hosts. */
  readonly lab: Lab | null;
  readonly settings: SweepSettings;
  readonly cache: SweepCache;
  /** Which hosts this agent may sweep: every one (SQLite) or those it holds the lease of (PostgreSQL). */
  readonly claims: HostClaims;
  /** The lease holder's id (PostgreSQL), or `null` for the one writer of an SQLite database. */
  readonly agentId: string | null;
  /** The last committed sweep a resumed lab was rebuilt to, or `null`. */
  readonly resumedAt: number | null;
  /** The driver's clock: the lab's simulated time, else the real one. */
  now(): Date;
  /** Closes the drivers and the store (after queued work). Never rejects. */
  close(): Promise<void>;
}

/**
 * A dry run records nothing, so it must not create or migrate the operator's database either: an
 * existing one is opened read-only (its history still drives the decisions), a missing one is replaced
 * by an empty database in a temporary folder that `close` removes.
 */
async function dryRunStorePath(
  db: string,
): Promise<{ path: string; readOnly: boolean; scratch: string | null }> {
  if (existsSync(db)) return { path: db, readOnly: true, scratch: null };
  const scratch = await mkdtemp(join(tmpdir(), 'avma-dry-run-'));
  return { path: join(scratch, 'dry-run.sqlite'), readOnly: false, scratch };
}

async function openAgentStore(options: SessionOptions): Promise<{ store: Store; scratch: string | null }> {
  try {
    const target =
      options.dryRun === undefined
        ? { path: options.db, readOnly: false, scratch: null }
        : await dryRunStorePath(options.db);
    const store = await openStore(target.path, {
      readOnly: target.readOnly,
      ...(options.dryRun === undefined ? { writer: { command: options.command ?? 'avma' } } : {}),
      staleAfterMs: options.staleAfterMs,
      ...(options.memoryChangeRatio === undefined ? {} : { memoryChangeRatio: options.memoryChangeRatio }),
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      ...(options.onUpgradeBackup === undefined ? {} : { onUpgradeBackup: options.onUpgradeBackup }),
    });
    return { store, scratch: target.scratch };
  } catch (error) {
    throw new RuntimeError('STORE_UNAVAILABLE', describeError(error).replace(/^[A-Z_]+: /, ''), {
      cause: error,
    });
  }
}

/**
 * Closes what a failed start opened. A database this start created (`created`) that still holds no
 * record is removed, so a command refused while starting leaves no file behind; an existing one stays.
 */
async function abandon(store: Store, source: HostSource, created: boolean): Promise<void> {
  await source.close();
  const empty = created && (await store.holdsNothing().catch(() => false));
  await store.close().catch(() => undefined);
  if (empty) await removeCreatedDatabase(store.path);
}

export const DEFAULT_LEASE_TTL_MS = 60_000;

/**
 * PostgreSQL (not a dry run): the agent's host leases on a connection of their own, renewed every
 * ttl/3 from now on. `pg` is loaded only here, never for an SQLite agent.
 */
async function openLeases(options: SessionOptions): Promise<HostLeases | null> {
  if (options.dryRun !== undefined || !isPostgresUrl(options.db)) return null;
  const { HostLeases } = await import('../store/pg/leases.js');
  const leases = new HostLeases(options.db, {
    owner: options.agentId ?? processAgentId(agentIdBase(undefined, undefined)),
    ttlMs: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
  });
  leases.startRenewing();
  return leases;
}

/**
 * Validates the scenario, builds the lab and creates the drivers first (bad input must not create a
 * database), then opens the store (creating a missing database) and resumes the lab to the database's last
 * committed sweep. Rejects with RuntimeError STORE_UNAVAILABLE, DRIVER_UNAVAILABLE, INVALID_OPTIONS (a
 * scenario that does not validate) or LAB_MISMATCH; anything opened is closed again, and a database
 * created by this call that holds nothing is removed.
 */
export async function openSession(options: SessionOptions): Promise<AgentSession> {
  const source = await openHostSource(options);
  // A PostgreSQL database is never created (or removed) by the agent: only an SQLite file is.
  const created = options.dryRun === undefined && !isPostgresUrl(options.db) && !existsSync(options.db);
  const { store, scratch } = await openAgentStore(options).catch(async (error: unknown) => {
    await source.close();
    throw error;
  });
  let leases: HostLeases | null = null;
  try {
    leases = await openLeases(options);
    const resumedAt = await source.resume(store);
    const settings: SweepSettings = {
      silentAfterMs: options.silentAfterMs,
      tenantOf: source.tenantOf,
      evidenceWindowMs: options.evidenceWindowMs ?? source.evidenceWindowMs,
      correlationToleranceMs: options.correlationToleranceMs ?? DEFAULT_CORRELATION_TOLERANCE_MS,
      disabledCollectors: new Set(options.disabledCollectors ?? []),
    };
    return {
      store,
      source,
      drivers: source.drivers,
      lab: labOf(source),
      settings,
      cache: new SweepCache(),
      claims: onlyPending(leases === null ? SOLE_WRITER : leaseClaims(leases), source),
      agentId: leases?.owner ?? null,
      resumedAt,
      now: () => new Date(source.clock.now()),
      close: async () => {
        // A stopping agent gives its hosts up at once: another agent takes them at its next round.
        await leases?.close(source.drivers.map((driver) => driver.hostName));
        await source.close();
        await store.close().catch(() => undefined);
        if (scratch !== null) await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await leases?.close();
    await abandon(store, source, created);
    if (scratch !== null) await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
