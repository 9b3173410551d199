/**
 * `avma run` serves the API beside the sweep: on a new lab database it prints the URL and a first admin
 * token once; the token works, "sweep now" runs a round through the loop, /readyz turns ready after a
 * round, reports follow the lab clock, SIGTERM stops the server and the sweep cleanly; a second start
 * prints no new token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAvma } from './child-avma.js';

describe('e2e/run-server', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'avma-run-server-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the API with a first admin token, sweeps now on request, stops on SIGTERM', async () => {
    const db = join(dir, 'avma.sqlite');
    const run = spawnAvma([
      'run',
      '--db',
      db,
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '3600',
      '--lab-speed',
      '1',
    ]);
    const apiLine = await run.waitFor(/^ {2}API: http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
    const base = /(http:\/\/127\.0\.0\.1:\d+)/.exec(apiLine)?.[1] ?? '';
    const tokenLine = await run.waitFor(/first admin token/);
    const token = /(avma_[A-Za-z0-9_-]+)/.exec(tokenLine)?.[1] ?? '';
    await run.waitFor(/HV06: /);
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const months = await fetch(`${base}/api/v1/months`, { headers: auth });
    expect(months.status).toBe(200);
    const sweep = await fetch(`${base}/api/v1/sweep`, { method: 'POST', headers: auth });
    expect(sweep.status).toBe(200);
    const { report } = (await sweep.json()) as { report: { hosts: unknown[] } };
    expect(report.hosts).toHaveLength(6);
    // Reports about "from now" follow the lab clock (the scenario starts 2026-11-01), not the wall clock.
    const expiring = await fetch(`${base}/api/v1/reports/expiring`, { headers: auth });
    expect(((await expiring.json()) as { generatedAt: string }).generatedAt).toMatch(/^2026-11-01T/);
    // The rounds' own collector timings reach /metrics.
    const metrics = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(/^avma_collector_success\{host="HV01",collector="vm-inventory"\} 1$/m);
    expect(metrics).toMatch(/^avma_last_sweep_timestamp_seconds\{host="HV06"\} \d/m);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain('avma run: stopped after');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    const again = spawnAvma(['run', '--db', db, '--listen', '127.0.0.1:0', '--once']);
    expect(await again.exited).toBe(0);
    expect(again.stderr()).toContain('API: http://127.0.0.1:');
    expect(again.stderr()).not.toContain('first admin token');
  }, 60_000);

  it('serves a database with avma serve, without sweeping, and warns when listening beyond loopback without TLS', async () => {
    const db = join(dir, 'avma.sqlite');
    const serve = spawnAvma(['serve', '--db', db, '--listen', '0.0.0.0:0']);
    const line = await serve.waitFor(/avma serve: http:\/\/0\.0\.0\.0:\d+ over /);
    expect(serve.stderr()).toContain('without TLS: bearer tokens cross the network in clear');
    const port = /:(\d+) over/.exec(line)?.[1];
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/events`)).status).toBe(401);
    const sweep = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(sweep.status).toBe(200);
    serve.child.kill('SIGINT');
    expect(await serve.exited).toBe(0);
  }, 60_000);
});
