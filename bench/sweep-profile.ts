/**
 * Where a sweep round's CPU goes: profiles the first round, then steady rounds (the lab moved 15
 * simulated minutes before each) of a `generateFleet` fleet with guest agents, and prints self time by
 * function per round for each. Only the rounds are profiled (the sweep's own listing of the lab
 * included, named by its file), not the lab moving between them. Run: node --expose-gc --import tsx bench/sweep-profile.ts [hosts] [vmsPerHost] [steadyRounds]
 * Writes the last round's raw profile of each to the system's temporary directory as
 * sweep-first.cpuprofile and sweep-steady.cpuprofile (open them in Chrome's DevTools for the call tree).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabDriver } from '../agent/driver/lab/lab-driver.js';
import { generateFleet } from '../agent/lab/fleet-generator.js';
import { Lab } from '../agent/lab/lab.js';
import { validateScenario } from '../agent/lab/scenario-loader.js';
import { openStore } from '../agent/store/index.js';
import { SweepCache } from '../agent/sweep/sweep-cache.js';
import { sweepRound } from '../agent/sweep/sweep-round.js';

const HOUR = 3_600_000;
const [hosts = 1, vmsPerHost = 1024, steadyRounds = 5] = process.argv.slice(2).map(Number);

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Adds the profile's self time by function (name, file and line) to `totals`, in microseconds. */
function addSelfTimes(profile: Profile, totals: Map<string, number>): void {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, index) => {
    const frame = byNode.get(id)?.callFrame;
    const file = frame?.url.replace(/^.*\/(agent|shared|node_modules)\//, '$1/') ?? '';
    const key = `${frame?.functionName || '(anonymous)'} ${file}:${(frame?.lineNumber ?? 0) + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
}

/** The largest self times per round, in milliseconds. */
function report(totals: ReadonlyMap<string, number>, rounds: number, top: number): string[] {
  const all = [...totals.values()].reduce((sum, micros) => sum + micros, 0);
  const lines = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  const ms = (micros: number) => (micros / 1000 / rounds).toFixed(1).padStart(9);
  return [`${ms(all)} ms sampled per round`, ...lines.map(([key, micros]) => `${ms(micros)} ms  ${key}`)];
}

const scenario = validateScenario(generateFleet({ hosts, vmsPerHost, seed: 1, guestAgents: true }));
const lab = await Lab.create(scenario, {});
const drivers = lab.hosts().map((host) => new LabDriver(lab, host.name));
const dir = mkdtempSync(join(tmpdir(), 'bench-sweep-profile-'));
const store = await openStore(join(dir, 'avma.sqlite'), { staleAfterMs: 3 * HOUR });
const cache = new SweepCache();
const settings = {
  silentAfterMs: 3 * HOUR,
  tenantOf: (_host: string, vm: { readonly id: string }) => lab.findVm(vm.id)?.tenant ?? null,
  evidenceWindowMs: 7 * 24 * HOUR,
  correlationToleranceMs: 5 * 60 * 1000,
};
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });

/** Profiles only the rounds (not the lab moving between them); prints self time per round. */
async function profiled(name: string, rounds: number, before: (round: number) => Promise<void>) {
  const totals = new Map<string, number>();
  let file = '';
  for (let round = 1; round <= rounds; round++) {
    await before(round);
    globalThis.gc?.();
    await session.post('Profiler.start');
    await sweepRound({ drivers, store, at: new Date(lab.now()), settings, cache });
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    addSelfTimes(profile, totals);
    file = join(tmpdir(), `sweep-${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
  }
  console.log(
    `${name} round(s) of ${hosts} x ${vmsPerHost} VMs (${rounds}; the last one's profile: ${file}):`,
  );
  for (const line of report(totals, rounds, 45)) console.log(`  ${line}`);
}

await profiled('first', 1, async () => {});
await profiled('steady', steadyRounds, async (round) => {
  await lab.advanceTo(lab.startTime + round * 15 * 60_000);
});
await store.close();
rmSync(dir, { recursive: true, force: true });
