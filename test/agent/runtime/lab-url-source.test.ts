/**
 * The shared lab is faithful: one agent sweeping a lab server (`avma lab serve`) into SQLite records
 * the same month report and the same events as `avma lab run` of the same scenario, seed and interval.
 * Scenario: agent/lab/scenarios/shared-fleet.json (six hosts, two live migrations, AVMA pushes).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../agent/lab/scenario-loader.js';
import { runAgentLoop } from '../../../agent/runtime/agent-loop.js';
import { openSession } from '../../../agent/runtime/agent-session.js';
import { labRunFingerprint, referenceAndLabServer } from './lab-fingerprint.js';

const SCENARIO = 'agent/lab/scenarios/shared-fleet.json';
const MINUTE = 60_000;
const INTERVAL = 30 * MINUTE;
const SEED = 7;
const START = Date.parse('2026-11-01T00:00:00Z');
const UNTIL = START + 36 * 60 * MINUTE;
const settings = { staleAfterMs: 3 * INTERVAL, silentAfterMs: 3 * INTERVAL };

describe('agent/runtime/lab-url-source', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('records through a lab server exactly what avma lab run records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-url-'));
    dirs.push(dir);
    const scenario = await loadScenarioFile(SCENARIO);
    const { expected, server } = await referenceAndLabServer({
      scenario,
      seed: SEED,
      db: join(dir, 'direct.sqlite'),
      until: UNTIL,
      intervalMs: INTERVAL,
      settings,
    });
    const session = await openSession({
      driver: 'lab',
      labUrl: server.url,
      db: join(dir, 'served.sqlite'),
      ...settings,
    });
    const stop = new AbortController();
    void server.finished.then(() => stop.abort());
    try {
      await runAgentLoop({
        session,
        intervalMs: INTERVAL,
        labSpeed: 1,
        concurrency: 4,
        record: true,
        optOuts: [],
        progress: () => undefined,
        signal: stop.signal,
      });
      expect(server.status()).toMatchObject({ done: true, now: UNTIL });
      const served = await labRunFingerprint(session.store);
      expect(served.events.length).toBeGreaterThan(20);
      expect(served.vms).toEqual(expected.vms);
      expect(served.events).toEqual(expected.events);
      expect(served.month).toEqual(expected.month);
    } finally {
      await session.close();
      await server.close();
    }
  }, 120_000);
});
