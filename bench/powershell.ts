/**
 * The PowerShell driver's cost outside PowerShell. Run: node --import tsx bench/powershell.ts
 *
 * 1. Invocations per sweep (hostInfo + listVms + readEvents) for hosts of 1, 64 and 1,024 VMs, through
 *    the real driver and an in-process runner that builds the exact request text and reads the answer
 *    through the real framing code (no shell). Must stay constant: a sweep never costs a call per VM.
 * 2. Framing and parse overhead per call: finding the marked line in the output, JSON.parse and the
 *    envelope check, against a bare JSON.parse of the same JSON in the same process; plus the cost of
 *    building the request text, and of the driver's own validation (zod) of the inventory.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { PsOperation } from '../agent/driver/powershell/operations.js';
import { createPowerShellDriver } from '../agent/driver/powershell/powershell-driver.js';
import { Recording } from '../agent/driver/powershell/recording.js';
import { buildRequestText, newMarker } from '../agent/driver/powershell/request-text.js';
import { interpretAnswer, type PsRequest, type PsRunner } from '../agent/driver/powershell/runner.js';
import { loadScriptCatalog } from '../agent/driver/powershell/script-catalog.js';

const catalog = loadScriptCatalog();

function fixtureOk(name: string): Record<string, unknown> {
  const text = readFileSync(
    new URL(`../test/fixtures/powershell/${name}.recording.json`, import.meta.url),
    'utf8',
  );
  const output = Recording.parse(JSON.parse(text)).steps[0]?.output as { ok: Record<string, unknown> };
  return output.ok;
}

const hostFacts = fixtureOk('host-info');
const events = fixtureOk('read-events');
const templates = (fixtureOk('list-vms').Vms as Record<string, unknown>[]).slice(0, 2);

/** An inventory of `count` VMs cloned from the recorded Windows and Linux guests, each with its own id. */
function inventory(count: number): Record<string, unknown> {
  const vms = Array.from({ length: count }, (_, index) => ({
    ...(templates[index % templates.length] as Record<string, unknown>),
    Id: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
    Name: `vm-${index}`,
  }));
  return { Vms: vms };
}

/**
 * Answers every request in process, through the real text building and framing; counts the calls. The
 * answers are serialised once up front: producing them is the host's work, not the agent's.
 */
class CountingRunner implements PsRunner {
  calls = 0;
  readonly #lines = new Map<string, string>();
  constructor(answers: Readonly<Record<string, unknown>>) {
    for (const [operation, ok] of Object.entries(answers)) this.#lines.set(operation, JSON.stringify({ ok }));
  }
  async run(request: PsRequest): Promise<unknown> {
    this.calls += 1;
    const marker = newMarker();
    buildRequestText(
      catalog,
      request.operation,
      { ComputerName: null, Arguments: request.arguments },
      marker,
    );
    return interpretAnswer(request.operation, `${marker}${this.#lines.get(request.operation)}\n`, marker);
  }
  async close(): Promise<void> {}
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timeIt(rounds: number, body: () => unknown): number {
  for (let i = 0; i < 3; i++) body();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    body();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function sweepFigures(): Promise<void> {
  console.log('invocations per sweep (hostInfo + listVms + readEvents)');
  for (const count of [1, 64, 1024]) {
    const runner = new CountingRunner({
      'host-info': hostFacts,
      'list-vms': inventory(count),
      'read-events': events,
    });
    const driver = await createPowerShellDriver({ runner, onInventoryProblem: () => {} });
    const start = performance.now();
    await driver.hostInfo();
    const vms = await driver.listVms();
    await driver.readEvents({ ids: [12310], afterRecordId: 0 });
    const elapsed = performance.now() - start;
    console.log(
      `  ${String(count).padStart(5)} VMs: ${runner.calls} invocations (${vms.length} VMs listed), first sweep ${elapsed.toFixed(1)} ms`,
    );
    await driver.close();
  }
}

function overheadFigures(): void {
  console.log('framing and parse overhead per call (median of 25 rounds)');
  const cases: [string, PsOperation, unknown][] = [
    ['host-info answer', 'host-info', hostFacts],
    ['list-vms answer, 1,024 VMs', 'list-vms', inventory(1024)],
  ];
  for (const [label, operation, ok] of cases) {
    const json = JSON.stringify({ ok });
    const marker = newMarker();
    const stdout = `WARNING: noise\r\n${marker}${json}\r\n`;
    const framed = timeIt(25, () => interpretAnswer(operation, stdout, marker));
    const bare = timeIt(25, () => JSON.parse(json));
    console.log(
      `  ${label} (${(json.length / 1024).toFixed(0)} KiB): framing+parse ${framed.toFixed(3)} ms, bare JSON.parse ${bare.toFixed(3)} ms, ratio ${(framed / bare).toFixed(2)}`,
    );
  }
  const build = timeIt(200, () =>
    buildRequestText(catalog, 'list-vms', { ComputerName: null, Arguments: {} }, newMarker()),
  );
  console.log(
    `  building the request text (list-vms, ${catalog.operations['list-vms'].length} chars of script): ${(build * 1000).toFixed(1)} µs`,
  );
}

async function validationFigures(): Promise<void> {
  const runner = new CountingRunner({ 'list-vms': inventory(1024) });
  const driver = await createPowerShellDriver({ runner, onInventoryProblem: () => {} });
  const samples: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    await driver.listVms();
    samples.push(performance.now() - start);
  }
  console.log(
    `listVms of 1,024 VMs through the driver (text, framing, parse, zod per VM): ${median(samples.slice(3)).toFixed(1)} ms median`,
  );
}

await sweepFigures();
overheadFigures();
await validationFigures();
