/**
 * Where a session's hosts come from, behind one interface: the drivers, the clock they run on, who the
 * tenants are, and how the source catches up with a database. The lab is one source (simulated clock,
 * tenants from its scenario, rebuilt from the database when resuming) and real Hyper-V hosts another
 * (the wall clock, tenants from the configuration's name rules); the session and the agent loop only
 * speak this interface, so neither has a lab branch (libvirt's driver model: the test driver is a peer).
 */
import type { HypervDriver } from '../driver/hyperv-driver.js';
import type { Store } from '../store/index.js';
import type { TenantOf } from '../sweep/host-sweep.js';
import type { SweepReport } from '../sweep/sweep-report.js';

/** The clock the drivers run on. */
export interface DriverClock {
  /** Milliseconds since the epoch on the drivers' clock. */
  now(): number;
  /**
   * Brings the drivers' clock to `at` (a simulated clock moves there; real time cannot be moved, so the
   * wall clock ignores it). Never moves backwards.
   */
  advanceTo(at: number): Promise<void>;
  /** Real milliseconds between two rounds `intervalMs` apart on this clock, at `speed`. */
  realWait(intervalMs: number, speed: number, spentRealMs: number): number;
  /** Where this clock should be after `realElapsedMs` of real time since `start`, at `speed`. */
  follow(start: number, realElapsedMs: number, speed: number): Promise<void>;
}

export interface HostSource {
  readonly kind: 'lab' | 'powershell';
  readonly drivers: readonly HypervDriver[];
  readonly clock: DriverClock;
  readonly tenantOf: TenantOf;
  /** How long a host 12310 AVMA success corroborates an activation here (licence-evidence.ts). */
  readonly evidenceWindowMs: number;
  /** One line saying what is swept, for `avma run`'s banner. */
  describe(): string;
  /**
   * Catches up with what `store` already recorded (the lab replays it); resolves to the time of the
   * last recorded sweep it resumed at, or `null` when there was nothing to resume.
   */
  resume(store: Store): Promise<number | null>;
  /**
   * A shared lab server only: the (lower-cased) hosts that still need a sweep at the server's current
   * tick; the round sweeps no other. Absent: every host, every round.
   */
  pending?(): Promise<ReadonlySet<string>>;
  /** A shared lab server only: told each round's report after its commits (hosts recorded at the tick). */
  afterRound?(report: SweepReport): Promise<void>;
  close(): Promise<void>;
}

/** The wall clock: time passes by itself, so a round waits for what is left of the interval. */
export const WALL_CLOCK: DriverClock = Object.freeze({
  now: () => Date.now(),
  advanceTo: async () => undefined,
  realWait: (intervalMs: number, _speed: number, spentRealMs: number) => intervalMs - spentRealMs,
  follow: async () => undefined,
});
