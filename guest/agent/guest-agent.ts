/**
 * The guest agent (architecture §6): one pass of the KVP protocol per `tick()`, run at boot and on an
 * interval (default 5 minutes; the lab calls `tick()` on its own clock). The same code runs in every
 * lab guest and on Windows; only the `GuestPlatform` differs.
 */
import type { Intent } from '../../shared/protocol/index.js';
import type { GuestPlatform } from '../platform/guest-platform.js';
import { type AgentState, readAgentState, sameState, writeAgentState } from './agent-state.js';
import { GuestAgentError } from './guest-agent-error.js';
import { type GuestTickReport, TickLog } from './tick-report.js';
import {
  attempt,
  failed,
  installStep,
  readIntent,
  reportStep,
  type TickContext,
  wipeStep,
} from './tick-steps.js';

/** How often the service runs a pass when nothing else says. */
export const DEFAULT_INTERVAL_MINUTES = 5;

/** Same shape the Status message accepts for `agentVersion`. */
const AGENT_VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$/;

export interface GuestAgentOptions {
  /** Reported in every status, e.g. `0.1.0`. */
  readonly agentVersion: string;
}

export class GuestAgent {
  readonly #platform: GuestPlatform;
  readonly #agentVersion: string;
  #inFlight: Promise<GuestTickReport> | null = null;
  /**
   * The state text this agent last read or saved, with what it holds. Most passes find the file as
   * they left it and change nothing in it; they then neither parse nor encode it again (every lab
   * guest runs a pass every 5 simulated minutes). A file changed by anyone else is read in full.
   */
  #known: { readonly text: string; readonly state: AgentState } | null = null;

  /** Throws `GuestAgentError` INVALID_OPTION when `agentVersion` does not fit the Status schema. */
  constructor(platform: GuestPlatform, options: GuestAgentOptions) {
    if (typeof options.agentVersion !== 'string' || !AGENT_VERSION.test(options.agentVersion)) {
      throw new GuestAgentError(
        'INVALID_OPTION',
        `agentVersion is ${JSON.stringify(String(options.agentVersion).slice(0, 40))}, expected at most 32 letters, digits, ".", "+" or "-"`,
      );
    }
    this.#platform = platform;
    this.#agentVersion = options.agentVersion;
  }

  /**
   * One idempotent pass: act on a new intent, wipe when told or when the AVMA key was replaced, forward
   * new 12309 events, report the status, save the state. Resolves with what was done and every problem
   * met; platform failures never reject it. A call while a pass is running joins that pass.
   */
  tick(): Promise<GuestTickReport> {
    if (this.#inFlight === null) {
      this.#inFlight = this.#pass().finally(() => {
        this.#inFlight = null;
      });
    }
    return this.#inFlight;
  }

  async #pass(): Promise<GuestTickReport> {
    const log = new TickLog();
    const ctx: TickContext = { platform: this.#platform, log, agentVersion: this.#agentVersion };
    const saved = await attempt(ctx, 'loading the agent state', () => this.#platform.loadState());
    if (failed(saved)) return log.report(false, null);
    const known = this.#known;
    const { state: initial, corrupt } =
      known !== null && saved === known.text ? { state: known.state, corrupt: null } : readAgentState(saved);
    if (corrupt !== null)
      log.problem('STATE_CORRUPT', `${corrupt}, expected the agent's JSON state; starting fresh`);
    let state = initial;
    const external = await attempt(ctx, 'reading the External pool', () =>
      this.#platform.readExternalItems(),
    );
    if (!failed(external)) {
      const intent = readIntent(external, log);
      if (intent !== null && intent.seq > state.lastSeq)
        state = await actOnIntent(ctx, state, external, intent);
    }
    let status = null;
    if (!state.silent) ({ state, status } = await reportStep(ctx, state));
    const text = known !== null && sameState(state, known.state) ? known.text : writeAgentState(state);
    this.#known = null;
    if (text !== saved) {
      const done = await attempt(ctx, 'saving the agent state', () => this.#platform.saveState(text));
      if (failed(done)) return log.report(state.silent, status);
    }
    this.#known = { text, state };
    return log.report(state.silent, status);
  }
}

async function actOnIntent(
  ctx: TickContext,
  state: AgentState,
  external: ReadonlyMap<string, string>,
  intent: Intent,
): Promise<AgentState> {
  const next =
    intent.action === 'wipe' ? await wipeStep(ctx, state, 'intent') : await installStep(ctx, state, external);
  if (next === null) return state;
  ctx.log.action({ kind: 'intent-acknowledged', seq: intent.seq, action: intent.action });
  return { ...next, lastSeq: intent.seq };
}
