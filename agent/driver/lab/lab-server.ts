/**
 * `avma lab serve`: ONE simulated fleet for several agent processes. The server holds the lab and its
 * clock and answers the HypervDriver methods of each host as JSON over HTTP on 127.0.0.1 (lab-wire.ts);
 * agents reach it with `--driver lab --lab-url URL` (lab-client-driver.ts).
 *
 * Determinism: the clock stands on a sweep grid (the scenario start, then every `intervalMs`, up to
 * `until`) and moves to the next tick only when every host has been recorded at the current one
 * (agents POST /lab/recorded after their commit; a host that is down counts when found down). A host
 * swept again at the same tick after a takeover is idempotent. So the fleet sees exactly the calls, at
 * exactly the simulated times, of `avma lab run` with the same scenario, seed and interval.
 * All calls run one at a time, never during a clock advance.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lab } from '../../lab/lab.js';
import { DriverError } from '../driver-error.js';
import { LabDriver } from './lab-driver.js';
import { LAB_METHODS, type LabMethod, LabRequests, type LabStatus } from './lab-wire.js';

const MAX_BODY_BYTES = 1 << 20;

export interface LabServerOptions {
  readonly lab: Lab;
  /** The sweep grid's step, simulated ms. */
  readonly intervalMs: number;
  /** The last tick (simulated ms): no advance past it. */
  readonly until: number;
  /** 0: any free port. */
  readonly port: number;
  /** Told of each tick the clock reaches (progress). */
  readonly onTick?: (status: LabStatus) => void;
}

export interface RunningLabServer {
  readonly url: string;
  status(): LabStatus;
  /** Resolves when every tick up to `until` has every host recorded. */
  readonly finished: Promise<void>;
  close(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new HttpFailure(413, 'INVALID_ARGUMENT', 'request body over 1 MiB'));
      else chunks.push(chunk);
    });
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text === '' ? {} : JSON.parse(text));
      } catch {
        reject(new HttpFailure(400, 'INVALID_ARGUMENT', 'request body is not JSON'));
      }
    });
    request.on('error', reject);
  });
}

function parsed<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  body: unknown,
  what: string,
): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new HttpFailure(400, 'INVALID_ARGUMENT', `${what}: malformed request body`);
  return result.data;
}

/** One host's driver call with a validated body. */
async function callDriver(lab: Lab, driver: LabDriver, method: LabMethod, body: unknown): Promise<unknown> {
  switch (method) {
    case 'hostInfo':
      return driver.hostInfo();
    case 'listVms': {
      const vms = await driver.listVms();
      const tenants = Object.fromEntries(vms.map((vm) => [vm.id, lab.findVm(vm.id)?.tenant ?? null]));
      return { vms, tenants };
    }
    case 'addKvpItems': {
      const { vmId, items } = parsed(LabRequests.addKvpItems, body, method);
      await driver.addKvpItems(vmId, items);
      return {};
    }
    case 'modifyKvpItems': {
      const { vmId, items } = parsed(LabRequests.modifyKvpItems, body, method);
      await driver.modifyKvpItems(vmId, items);
      return {};
    }
    case 'removeKvpItems': {
      const { vmId, names } = parsed(LabRequests.removeKvpItems, body, method);
      await driver.removeKvpItems(vmId, names);
      return {};
    }
    case 'readEvents':
      return driver.readEvents(parsed(LabRequests.readEvents, body, method));
    case 'setDataExchange': {
      const { vmId, enabled } = parsed(LabRequests.setDataExchange, body, method);
      await driver.setDataExchange(vmId, enabled);
      return {};
    }
  }
}

/** Starts the server; rejects when the port is taken. */
export async function startLabServer(options: LabServerOptions): Promise<RunningLabServer> {
  const { lab } = options;
  const drivers = new Map(
    lab.hosts().map((host) => [host.name.toLowerCase(), new LabDriver(lab, host.name)]),
  );
  const hostNames = lab.hosts().map((host) => host.name);
  const recorded = new Set<string>();
  let done = false;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work);
    tail = next.catch(() => undefined);
    return next;
  };

  const status = (): LabStatus => ({
    now: lab.now(),
    start: lab.startTime,
    intervalMs: options.intervalMs,
    until: options.until,
    done,
    hosts: hostNames,
    recorded: hostNames.filter((name) => recorded.has(name.toLowerCase())),
    evidenceWindowMs: lab.settings.avmaValidityMinutes * 60_000,
  });

  async function markRecorded(body: unknown): Promise<LabStatus> {
    const { host, at } = parsed(LabRequests.recorded, body, 'recorded');
    if (!drivers.has(host.toLowerCase()))
      throw new HttpFailure(404, 'INVALID_ARGUMENT', `no host ${host.slice(0, 60)}`);
    // A report for another tick (a slow agent, a re-sweep after a takeover) changes nothing.
    if (at !== lab.now() || done) return status();
    recorded.add(host.toLowerCase());
    if (recorded.size < drivers.size) return status();
    const next = lab.now() + options.intervalMs;
    if (next > options.until) {
      done = true;
      finish();
    } else {
      await lab.advanceTo(next);
      recorded.clear();
    }
    options.onTick?.(status());
    return status();
  }

  async function route(request: IncomingMessage): Promise<unknown> {
    const path = new URL(request.url ?? '/', 'http://lab').pathname.split('/').filter(Boolean);
    if (request.method === 'GET' && path.join('/') === 'lab') return serial(async () => status());
    const body = request.method === 'POST' ? await readBody(request) : {};
    if (request.method === 'POST' && path.join('/') === 'lab/recorded')
      return serial(() => markRecorded(body));
    const [first, host = '', method = ''] = path;
    if (request.method !== 'POST' || first !== 'hosts' || path.length !== 3) {
      throw new HttpFailure(
        404,
        'INVALID_ARGUMENT',
        'expected GET /lab, POST /lab/recorded or POST /hosts/{host}/{method}',
      );
    }
    const driver = drivers.get(decodeURIComponent(host).toLowerCase());
    if (driver === undefined)
      throw new HttpFailure(404, 'INVALID_ARGUMENT', `no host ${host.slice(0, 60)} in this lab`);
    if (!(LAB_METHODS as readonly string[]).includes(method)) {
      throw new HttpFailure(404, 'UNSUPPORTED', `no driver method ${method.slice(0, 40)}`);
    }
    return serial(() => callDriver(lab, driver, method as LabMethod, body));
  }

  function reply(response: ServerResponse, status: number, value: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(value));
  }

  const server = createServer((request, response) => {
    route(request).then(
      (value) => reply(response, 200, value),
      (error: unknown) => {
        if (error instanceof DriverError)
          reply(response, 409, { error: { code: error.code, message: error.message } });
        else if (error instanceof HttpFailure)
          reply(response, error.status, { error: { code: error.code, message: error.message } });
        else reply(response, 500, { error: { code: 'BAD_RESPONSE', message: String(error) } });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    status,
    finished,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
