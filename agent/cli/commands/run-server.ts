/**
 * The server inside `avma run`: the API over the session's store, "sweep now" through the loop's own
 * round runner (never two rounds at once), /readyz from the last round's end, and on the embedded lab
 * with a database that has no token yet, a first admin token printed once with the URL, so a newcomer
 * can use the API at once. Real hosts get no token until `avma token create`.
 */
import type { Logger } from 'pino';
import type { RunningServer } from '../../api/server.js';
import type { RoundRunner } from '../../runtime/agent-loop.js';
import type { AgentSession } from '../../runtime/agent-session.js';
import { openStore } from '../../store/index.js';
import type { SweepReport } from '../../sweep/sweep-report.js';
import type { CloseSettings } from '../../usage/index.js';
import { AGENT_VERSION } from '../../version.js';
import type { CommandContext } from '../command.js';
import type { ApiSettings } from './api-options.js';

export interface RunServer {
  /** Called after each round with its report and when it ended (real time): metrics and /readyz. */
  roundEnded(report: SweepReport, atMs: number): void;
  /** A host transaction's store failure (metrics: avma_store_errors_total{code}). */
  storeError(code: string): void;
  close(): Promise<void>;
}

async function firstAdminToken(session: AgentSession): Promise<string | null> {
  if (session.source.kind !== 'lab' || (await session.store.listTokens()).length > 0) return null;
  const created = await session.store.createToken({
    name: 'admin',
    role: 'admin',
    expiresAt: null,
    actor: 'avma run (first start on the lab)',
    at: new Date(),
  });
  return created.token;
}

export async function startRunServer(
  context: CommandContext,
  session: AgentSession,
  settings: ApiSettings,
  options: {
    readonly runner: RoundRunner;
    readonly realIntervalMs: number;
    readonly splaSettings?: CloseSettings;
    /** The agent's log; the access log's records go there too. */
    readonly log?: Logger;
  },
): Promise<RunServer> {
  let lastSweep: number | null = null;
  // The API reads through its own read-only connection: a slow client never holds up the sweep's
  // transaction, and the sweep's transaction never holds up a read (SQLite WAL readers).
  const reads = await openStore(session.store.path, { readOnly: true });
  // Loaded here, not at start: express and the API docs cost every other command about half a second.
  const [{ startApi }, { createAgentMetrics }] = await Promise.all([
    import('../../api/api-host.js'),
    import('../../metrics/index.js'),
  ]);
  const metrics = createAgentMetrics({ store: reads, version: AGENT_VERSION });
  const server: RunningServer = await startApi({
    store: session.store,
    readStore: reads,
    version: AGENT_VERSION,
    listen: settings.listen,
    metricsPublic: settings.metricsPublic,
    warn: (line) => context.io.stderr(`avma run: ${line}\n`),
    sweepNow: () => options.runner.run(),
    // Reports about "from now" follow the driver's clock (the lab's simulated time) and the session's
    // AVMA validity (config evidence.hostWindowHours, or the lab's setting).
    reports: { now: () => session.now(), avmaValidityMs: session.settings.evidenceWindowMs },
    lastSweepAt: () => lastSweep,
    staleAfterMs: Math.max(3 * options.realIntervalMs, 60_000),
    ...(settings.tls === undefined ? {} : { tls: settings.tls }),
    ...(options.splaSettings === undefined ? {} : { splaSettings: options.splaSettings }),
    metrics,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const token = await firstAdminToken(session);
  context.io.stderr(
    `  API: ${server.url}/api/v1 (docs ${server.url}/api/docs, metrics ${server.url}/metrics)\n`,
  );
  if (token !== null) {
    context.io.stderr(
      `  first admin token (shown once; only its hash is stored): ${token}\n` +
        `    curl -H "Authorization: Bearer ${token}" ${server.url}/api/v1/vms\n`,
    );
  }
  return {
    roundEnded(report, atMs) {
      metrics.observeRound(report);
      lastSweep = atMs;
    },
    storeError(code) {
      metrics.observeStoreError(code);
    },
    async close() {
      await server.close();
      await reads.close();
    },
  };
}
