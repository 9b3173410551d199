/**
 * Where a sweep round's CPU goes: profiles the first round, then steady rounds (the lab moved 15
 * simulated minutes before each) of a `generateFleet` fleet with guest agents, and prints self time by
 * function for each (the lab's own listing is profiled too, and named by its file, so it can be read
 * apart). Run: node --expose-gc --import tsx bench/sweep-profile.ts [hosts] [vmsPerHost] [steadyRounds]
 * Writes the raw profiles to the system's temporary directory as sweep-first.cpuprofile and
 * sweep-steady.cpuprofile (open them in Chrome's DevTools for the call tree).
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

/** Self time by function (name, file and line), largest first. */
function selfTimes(profile: Profile, top: number): string[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, index) => {
    const frame = byNode.get(id)?.callFrame;
    const file = frame?.url.replace(/^.*\/(agent|shared|node_modules)\//, '$1/') ?? '';
    const key = `${frame?.functionName || '(anonymous)'} ${file}:${(frame?.lineNumber ?? 0) + 1}`;
    const micros = profile.timeDeltas[index] ?? 0;
    totals.set(key, (totals.get(key) ?? 0) + micros);
    all += micros;
  });
  const lines = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `total ${(all / 1000).toFixed(1)} ms sampled`,
    ...lines.map(([key, micros]) => `${(micros / 1000).toFixed(1).padStart(9)} ms  ${key}`),
  ];
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

async function profiled(name: string, rounds: number, before: (round: number) => Promise<void>) {
  await session.post('Profiler.start');
  for (let round = 1; round <= rounds; round++) {
    await before(round);
    await sweepRound({ drivers, store, at: new Date(lab.now()), settings, cache });
  }
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  const file = join(tmpdir(), `sweep-${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(`${name} round(s) of ${hosts} x ${vmsPerHost} VMs (${rounds}), profile in ${file}:`);
  for (const line of selfTimes(profile, 40)) console.log(`  ${line}`);
}

await profiled('first', 1, async () => {});
await profiled('steady', steadyRounds, async (round) => {
  await lab.advanceTo(lab.startTime + round * 15 * 60_000);
});
await store.close();
rmSync(dir, { recursive: true, force: true });
