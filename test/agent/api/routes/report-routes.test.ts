/**
 * `GET /api/v1/reports/{name}` over the hand-made fleet (test/agent/reports/report-fixture.ts), over real
 * HTTP: the same rows as the CLI, CSV with the formula guard, and a bad parameter a 400 problem naming it.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../../../agent/api/api-host.js';
import type { RunningServer } from '../../../../agent/api/server.js';
import { REPORT_NAMES } from '../../../../agent/reports/index.js';
import type { Store } from '../../../../agent/store/index.js';
import { avma } from '../../cli/cli-harness.js';
import { AT, reportFleet } from '../../reports/report-fixture.js';
import { type TempDir, tempDir } from '../../store/store-test-kit.js';

let dir: TempDir;
let store: Store;
let server: RunningServer;
let token: string;

beforeAll(async () => {
  dir = await tempDir();
  store = await reportFleet(dir);
  const at = new Date();
  token = (await store.createToken({ name: 'auditor', role: 'reader', expiresAt: null, actor: 'test', at }))
    .token;
  server = await startApi({
    store,
    version: '0.0.0-test',
    listen: { host: '127.0.0.1', port: 0 },
    warn: () => undefined,
    log: pino({ level: 'silent' }),
    // As `avma run` on the lab: reports follow the driver's clock, not the wall clock.
    reports: { now: () => new Date(AT), avmaValidityMs: 7 * 86_400_000 },
  });
});
afterAll(async () => {
  await server.close();
  await store.close();
  await dir.remove();
});

const get = (path: string) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('GET /api/v1/reports/{name}', () => {
  it('answers a report with its parameters as query strings', async () => {
    const answer = await get(`/api/v1/reports/expiring-vms?kind=avma-renewal-due&range=7d&at=${AT}`);
    expect(answer.status).toBe(200);
    const report = (await answer.json()) as { name: string; rows: { name: string; daysLeft: number }[] };
    expect(report.name).toBe('expiring-vms');
    // app01: 11-08 + 7 d = 11-15, grace03: 11-09 + 7 d = 11-16, from AT 11-10.
    expect(report.rows.map((r) => [r.name, r.daysLeft])).toEqual([
      ['app01', 5],
      ['grace03', 6],
    ]);
  });

  it('serves every report with the rows `avma report` prints for the same parameters', async () => {
    const samples: Record<string, Record<string, string>> = {
      expiring: { at: AT },
      'expiring-vms': { at: AT, kind: 'avma-renewal-due' },
      vm: { vm: 'kms-legacy' },
      'licence-states': {},
      'licence-status-vms': { status: 'licensed', channel: 'avma' },
      products: {},
      'product-vms': { edition: 'datacenter' },
      'kms-hosts': { at: AT },
      'placement-risk': { cluster: 'CL1' },
      'activation-timeline': { tenant: 'fabrikam' },
    };
    expect(Object.keys(samples).sort()).toEqual([...REPORT_NAMES].sort());
    for (const [name, params] of Object.entries(samples)) {
      const answer = await get(`/api/v1/reports/${name}?${new URLSearchParams(params)}`);
      expect(answer.status, name).toBe(200);
      const api = (await answer.json()) as { rows: unknown[]; params: object };
      const options = Object.entries(params).flatMap(([key, value]) => [`--${key}`, value]);
      const cli = (await avma(['report', name, ...options, '--db', store.path])).json<{ rows: unknown[] }>();
      expect(api.params, name).toEqual(params);
      expect(api.rows.length, name).toBeGreaterThan(0);
      expect(api.rows, name).toEqual(cli.rows);
    }
  });

  it('computes reports about "from now" on the clock the server was given', async () => {
    const report = (await (await get('/api/v1/reports/expiring?kind=avma-renewal-due')).json()) as {
      generatedAt: string;
      rows: { range: string; vms: number }[];
    };
    expect(report.generatedAt).toBe('2026-11-10T00:00:00.000Z');
    // From 11-10: app02 ended 11-09 12:00; app01 (11-15) and grace03 (11-16) within 7 days.
    expect(report.rows.filter((r) => r.vms > 0).map((r) => [r.range, r.vms])).toEqual([
      ['ended', 1],
      ['7d', 2],
    ]);
  });

  it('answers CSV with format=csv, as a file named after the report', async () => {
    const answer = await get('/api/v1/reports/placement-risk?cluster=CL2&format=csv');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(answer.headers.get('content-disposition')).toContain('avma-report-placement-risk.csv');
    // Buffer keeps the byte-order mark that fetch's text() would drop.
    const lines = Buffer.from(await answer.arrayBuffer())
      .toString('utf8')
      .split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFcluster,id,name,tenant,currentNode,guestVersion,guestEdition,node,nodeFacts,reasons,evidence,source',
    );
    expect(lines.slice(1, -1).map((line) => line.split(',')[2])).toEqual(['grace03', 'kms01']);
  });

  it('refuses a bad parameter with 400 problem+json naming it, an unknown report with 404', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/v1/reports/licence-status-vms?status=golden', 400, /^status: expected one of/],
      ['/api/v1/reports/licence-status-vms', 400, /^status: report licence-status-vms needs status/],
      [
        '/api/v1/reports/licence-states?cluster=CL1',
        400,
        /^cluster: report licence-states takes no parameters/,
      ],
      ['/api/v1/reports/licence-states?colour=red', 400, /colour/],
      ['/api/v1/reports/expiring?at=soon', 400, /^at: expected an ISO-8601 UTC time/],
      ['/api/v1/reports/nope', 404, /no report "nope"/],
      ['/api/v1/reports/vm?vm=nobody', 404, /^vm: no VM is or was called "nobody"/],
    ];
    for (const [path, status, detail] of cases) {
      const answer = await get(path);
      expect(answer.status, path).toBe(status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await answer.json()) as { detail: string }).detail, path).toMatch(detail);
    }
  });
});
