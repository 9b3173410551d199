/**
 * `--driver lab --lab-url URL`: a `HypervDriver` for one host of a shared lab server (lab-server.ts).
 * Every reply is validated (lab-wire.ts) before the sweep sees it; a server that cannot be reached is
 * HOST_UNAVAILABLE (the host is stale this round, like a Hyper-V host that does not answer), a reply
 * that does not match is BAD_RESPONSE, and the server's own driver errors come back with their code.
 */
import type { z } from 'zod';
import { DriverError } from '../driver-error.js';
import type {
  DriverCapabilities,
  HostEvent,
  HostInfo,
  HypervDriver,
  KvpWriteItem,
  RawVm,
  ReadEventsRequest,
} from '../hyperv-driver.js';
import {
  EmptyReply,
  ErrorReply,
  HostEventsReply,
  HostInfoReply,
  type LabMethod,
  LabStatus,
  ListVmsReply,
} from './lab-wire.js';

const TIMEOUT_MS = 30_000;

/** POSTs (or GETs without a body) and validates the JSON reply; rejects with DriverError. */
export async function labCall<S extends z.ZodType>(
  url: string,
  schema: S,
  body?: unknown,
): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new DriverError('HOST_UNAVAILABLE', `lab server ${url} does not answer: ${String(error)}`);
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new DriverError('BAD_RESPONSE', `lab server ${url} answered HTTP ${response.status} without JSON`);
  }
  if (!response.ok) {
    const failure = ErrorReply.safeParse(json);
    if (failure.success) throw new DriverError(failure.data.error.code, failure.data.error.message);
    throw new DriverError('BAD_RESPONSE', `lab server ${url} answered HTTP ${response.status}`);
  }
  const reply = schema.safeParse(json);
  if (!reply.success) {
    throw new DriverError(
      'BAD_RESPONSE',
      `lab server ${url}: reply does not match: ${reply.error.issues[0]?.message ?? ''}`,
    );
  }
  return reply.data;
}

/** The lab server's state (`GET /lab`). */
export function labStatus(base: string): Promise<LabStatus> {
  return labCall(`${base}/lab`, LabStatus);
}

/** Tells the server a host was recorded (or found down) at tick `at`; resolves to the new state. */
export function reportRecorded(base: string, host: string, at: number): Promise<LabStatus> {
  return labCall(`${base}/lab/recorded`, LabStatus, { host, at });
}

export class LabClientDriver implements HypervDriver {
  readonly kind = 'lab';
  readonly hostName: string;
  readonly capabilities: DriverCapabilities = Object.freeze({
    kvpWrite: true,
    events: true,
    setDataExchange: true,
    guestExec: false,
  });
  readonly #base: string;
  /** Tenant of each VM seen by `listVms` (the scenario's), for the host source's `tenantOf`. */
  readonly tenants = new Map<string, string | null>();
  #closed = false;

  constructor(base: string, hostName: string) {
    this.#base = base.replace(/\/+$/, '');
    this.hostName = hostName;
  }

  #call<S extends z.ZodType>(method: LabMethod, schema: S, body: unknown = {}): Promise<z.infer<S>> {
    if (this.#closed) {
      return Promise.reject(
        new DriverError('OPERATION_INVALID', `the lab connection to ${this.hostName} is closed`),
      );
    }
    return labCall(`${this.#base}/hosts/${encodeURIComponent(this.hostName)}/${method}`, schema, body);
  }

  hostInfo(): Promise<HostInfo> {
    return this.#call('hostInfo', HostInfoReply);
  }

  async listVms(): Promise<RawVm[]> {
    const reply = await this.#call('listVms', ListVmsReply);
    for (const [id, tenant] of Object.entries(reply.tenants)) this.tenants.set(id, tenant);
    return reply.vms;
  }

  async addKvpItems(vmId: string, items: readonly KvpWriteItem[]): Promise<void> {
    await this.#call('addKvpItems', EmptyReply, { vmId, items });
  }

  async modifyKvpItems(vmId: string, items: readonly KvpWriteItem[]): Promise<void> {
    await this.#call('modifyKvpItems', EmptyReply, { vmId, items });
  }

  async removeKvpItems(vmId: string, names: readonly string[]): Promise<void> {
    await this.#call('removeKvpItems', EmptyReply, { vmId, names });
  }

  readEvents(request: ReadEventsRequest): Promise<HostEvent[]> {
    return this.#call('readEvents', HostEventsReply, request);
  }

  async setDataExchange(vmId: string, enabled: boolean): Promise<void> {
    await this.#call('setDataExchange', EmptyReply, { vmId, enabled });
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
