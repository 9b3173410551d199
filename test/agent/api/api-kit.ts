/**
 * A real API over a real store: the bundled lab scenario run with the agent for a few simulated days
 * (so hosts, VMs, events and a hostile guest are there), one token per role plus an expired and a
 * revoked one, and the server listening on an ephemeral loopback port. Requests go over real HTTP.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startApi } from '../../../agent/api/api-host.js';
import type { RunningServer } from '../../../agent/api/server.js';
import { openSession } from '../../../agent/runtime/agent-session.js';
import { runLabWithAgent } from '../../../agent/runtime/lab-run.js';
import { openStore, type Store } from '../../../agent/store/index.js';
import { observed } from '../store/store-test-kit.js';

/** A tenant's hostile VM: what it is called and who it belongs to, byte for byte. */
export const HOSTILE = Object.freeze({
  id: '0badc0de-0000-4000-8000-00000000beef',
  name: '=cmd|\' /C calc\'!A0 "<script>alert(1)</script>"\r\nX\uD800',
  tenant: "@SUM(1+1)*cmd|'/C calc'!A0",
  /** What the tenant wrote into its Guest pool: quotes, markup, CR/LF, a lone surrogate. */
  kvp: { name: 'AvmaAgent.Status', data: '{"v":1,"x":"</script><script>alert(\'k\')</script>\r\n\uDC00"}' },
});

/** Records the hostile VM running on HV01 for an hour on 2026-11-02. */
async function addHostileVm(store: Store): Promise<void> {
  const from = new Date('2026-11-02T10:00:00Z');
  const until = new Date('2026-11-02T11:00:00Z');
  await store.transaction(async (tx) => {
    await tx.upsertVm({ id: HOSTILE.id, tenant: HOSTILE.tenant }, from);
    await tx.recordVmName(HOSTILE.id, from, HOSTILE.name);
    for (const at of [from, until]) await tx.recordObservation(HOSTILE.id, at, observed({ host: 'HV01' }));
    await tx.recordKvp(HOSTILE.id, 'guest', [HOSTILE.kvp], until);
  });
}

const HOUR = 3_600_000;

export interface ApiKit {
  readonly url: string;
  readonly store: Store;
  readonly tokens: Readonly<Record<'reader' | 'operator' | 'admin' | 'expired' | 'revoked', string>>;
  /** The access log's JSON lines. */
  readonly logLines: string[];
  request(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** Fills a database with `days` of the bundled lab scenario, swept hourly. Resolves to its path. */
export async function labDatabase(dir: string, days: number): Promise<string> {
  const db = join(dir, 'avma.sqlite');
  const session = await openSession({ driver: 'lab', db, staleAfterMs: 3 * HOUR, silentAfterMs: 3 * HOUR });
  try {
    const end = (session.lab?.startTime ?? 0) + days * 24 * HOUR;
    await runLabWithAgent({ session, end, sweepIntervalMs: HOUR, concurrency: 4 });
  } finally {
    await session.close();
  }
  return db;
}

export async function apiKit(options: { days?: number; rateLimitPerMinute?: number } = {}): Promise<ApiKit> {
  const dir = await mkdtemp(join(tmpdir(), 'avma-api-'));
  const db = await labDatabase(dir, options.days ?? 3);
  const store = await openStore(db, { create: false });
  await addHostileVm(store);
  const at = new Date();
  const make = async (name: string, role: 'reader' | 'operator' | 'admin', expiresAt: Date | null = null) =>
    (await store.createToken({ name, role, expiresAt, actor: 'test', at })).token;
  const tokens = {
    reader: await make('grafana', 'reader'),
    operator: await make('noc', 'operator'),
    admin: await make('root-ops', 'admin'),
    expired: await make('old', 'admin', new Date(at.getTime() + 1)),
    revoked: await make('leaver', 'admin'),
  };
  await store.revokeToken('leaver', { at, actor: 'test', reason: 'left' });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const logLines: string[] = [];
  const log = pino({ base: null }, { write: (line: string) => logLines.push(line) });
  const server: RunningServer = await startApi({
    store,
    version: '0.0.0-test',
    listen: { host: '127.0.0.1', port: 0 },
    warn: () => undefined,
    log,
    ...(options.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: options.rateLimitPerMinute }),
  });
  return {
    url: server.url,
    store,
    tokens,
    logLines,
    request(path, init = {}) {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null && token !== undefined) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${server.url}${path}`, { ...rest, headers });
    },
    async close() {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
