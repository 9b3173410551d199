/** What a lab run recorded that must not depend on how many agents recorded it, nor in which order. */
import { startLabServer } from '../../../agent/driver/lab/lab-server.js';
import { Lab } from '../../../agent/lab/lab.js';
import type { Scenario } from '../../../agent/lab/scenario-schema.js';
import { openSession } from '../../../agent/runtime/agent-session.js';
import { runLabWithAgent } from '../../../agent/runtime/lab-run.js';
import type { Store } from '../../../agent/store/index.js';
import { buildUsageMonth } from '../../../agent/usage/index.js';

export async function labRunFingerprint(store: Store) {
  const events = (await store.listEvents()).filter((event) => event.source !== 'agent');
  return {
    month: await buildUsageMonth(store, '2026-11'),
    events: events
      .map((e) => JSON.stringify([e.source, e.host, e.recordId, e.eventId, e.time, e.vmId, e.notification]))
      .sort(),
    vms: (await store.listVmStatus({ includeDeleted: true })).map((vm) => [
      vm.name,
      vm.host,
      vm.deletedAt,
      vm.keyPushed,
    ]),
    // listVmStatus orders by name: stable whichever agent recorded first.
  };
}

/**
 * The reference: `avma lab run` of the scenario into `db` (one agent, in process), as its fingerprint,
 * for tests that check several agents or a lab server record the same.
 */
export async function directLabRunFingerprint(options: {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly db: string;
  readonly until: number;
  readonly intervalMs: number;
  readonly settings: { readonly staleAfterMs: number; readonly silentAfterMs: number };
}) {
  const direct = await openSession({
    driver: 'lab',
    scenario: options.scenario,
    seed: options.seed,
    db: options.db,
    ...options.settings,
  });
  try {
    await runLabWithAgent({
      session: direct,
      end: options.until,
      sweepIntervalMs: options.intervalMs,
      concurrency: 4,
    });
    return await labRunFingerprint(direct.store);
  } finally {
    await direct.close();
  }
}

/**
 * The single-agent reference of a run and a lab server playing the same run (same scenario, seed,
 * interval and end) for agents to sweep over HTTP; the caller closes the server.
 */
export async function referenceAndLabServer(options: Parameters<typeof directLabRunFingerprint>[0]) {
  const expected = await directLabRunFingerprint(options);
  const server = await startLabServer({
    lab: await Lab.create(options.scenario, { seed: options.seed }),
    intervalMs: options.intervalMs,
    until: options.until,
    port: 0,
  });
  return { expected, server };
}
