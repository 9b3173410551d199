/**
 * The shared lab as a host source (`--driver lab --lab-url URL`): the hosts of a lab server (`avma lab
 * serve`), whose clock is the server's. The server moves its clock to the next sweep tick only when
 * every host was recorded at the current one, so this source tells the round which of its hosts still
 * need a sweep at this tick (`pending`), and reports each host recorded after the round's commit
 * (`afterRound`). Several agents, each with this source, sweep one fleet exactly as `avma lab run` would.
 */
import { DriverError } from '../driver/driver-error.js';
import { LabClientDriver, labStatus, reportRecorded } from '../driver/lab/lab-client-driver.js';
import type { LabStatus } from '../driver/lab/lab-wire.js';
import type { SweepReport } from '../sweep/sweep-report.js';
import type { SessionOptions } from './agent-session.js';
import type { DriverClock, HostSource } from './host-source.js';
import { RuntimeError } from './runtime-error.js';

/** Between two looks at the server while nothing is pending for this agent (real ms). */
const POLL_MS = 25;
/** The longest `follow` waits for work before letting the loop run (and see a stop request). */
const FOLLOW_MAX_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Outcomes that settle a host at a tick: recorded, or found down (stale) like `avma lab run` does. */
const SETTLED = new Set(['ok', 'partial', 'stale']);

async function firstStatus(url: string): Promise<LabStatus> {
  try {
    return await labStatus(url);
  } catch (error) {
    const reason = error instanceof DriverError ? error.message : String(error);
    throw new RuntimeError('DRIVER_UNAVAILABLE', `--lab-url: ${reason}`, { cause: error });
  }
}

function configuredHosts(options: SessionOptions, status: LabStatus): string[] {
  if (options.hosts === undefined) return status.hosts;
  return options.hosts.map((wanted) => {
    const name = status.hosts.find((host) => host.toLowerCase() === wanted.toLowerCase());
    if (name === undefined) {
      throw new RuntimeError('INVALID_OPTIONS', `host ${wanted} is not in the lab served at the --lab-url`);
    }
    return name;
  });
}

/** Rejects with RuntimeError DRIVER_UNAVAILABLE (no server there) or INVALID_OPTIONS (unknown host). */
export async function labUrlSource(options: SessionOptions & { labUrl: string }): Promise<HostSource> {
  const url = options.labUrl.replace(/\/+$/, '');
  let status = await firstStatus(url);
  const hosts = configuredHosts(options, status);
  const drivers = hosts.map((host) => new LabClientDriver(url, host));
  const mine = new Set(hosts.map((host) => host.toLowerCase()));
  const pendingNow = () =>
    status.done
      ? new Set<string>()
      : new Set([...mine].filter((host) => !status.recorded.some((r) => r.toLowerCase() === host)));
  const refresh = async () => {
    status = await labStatus(url).catch(() => status);
  };
  const clock: DriverClock = {
    now: () => status.now,
    advanceTo: async () => undefined,
    realWait: () => POLL_MS,
    follow: async () => {
      const until = Date.now() + FOLLOW_MAX_MS;
      await refresh();
      while (pendingNow().size === 0 && Date.now() < until) {
        await sleep(POLL_MS);
        await refresh();
      }
    },
  };
  return {
    kind: 'lab',
    drivers,
    clock,
    tenantOf: (_host, vm) => drivers.find((d) => d.tenants.has(vm.id))?.tenants.get(vm.id) ?? null,
    evidenceWindowMs: status.evidenceWindowMs,
    describe: () => `lab server ${url} (${hosts.join(', ')} of ${status.hosts.length} hosts)`,
    resume: async () => null,
    pending: async () => pendingNow(),
    afterRound: async (report: SweepReport) => {
      const at = Date.parse(report.at);
      for (const host of report.hosts) {
        if (SETTLED.has(host.outcome)) status = await reportRecorded(url, host.host, at).catch(() => status);
      }
    },
    close: async () => {
      await Promise.allSettled(drivers.map((driver) => driver.close()));
    },
  };
}
