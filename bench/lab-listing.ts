/**
 * How long the lab driver's `listVms()` takes, so later agent figures (architecture §11: a sweep of a
 * 1,024-VM host in 250 ms, an 8,000-VM fleet in 2 s) can be read against the cost of the lab itself.
 *
 *   node --import tsx bench/lab-listing.ts
 *
 * Two fleets from the generator: one host with 1,024 VMs (Hyper-V's maximum of running VMs per host)
 * and 8,000 VMs on 8 hosts. For each, `listVms()` is timed per host, cold (every VM's KVP items
 * rendered to CIM-XML again, as after a change) and cached (nothing changed since the last listing);
 * each figure is the median of several runs after a warm-up.
 */
import { LabDriver } from '../agent/driver/lab/lab-driver.js';
import { generateFleet } from '../agent/lab/fleet-generator.js';
import { Lab } from '../agent/lab/lab.js';
import { validateScenario } from '../agent/lab/scenario-loader.js';

const RUNS = 7;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timeListing(
  lab: Lab,
  cold: boolean,
): Promise<{ perHostMs: number; fleetMs: number; vms: number }> {
  const drivers = lab.hosts().map((host) => new LabDriver(lab, host.name));
  const perHost: number[] = [];
  const fleet: number[] = [];
  let vms = 0;
  for (let run = -1; run < RUNS; run += 1) {
    if (cold) for (const vm of lab.vms()) vm.touch();
    const fleetStart = performance.now();
    vms = 0;
    for (const driver of drivers) {
      const start = performance.now();
      vms += (await driver.listVms()).length;
      if (run >= 0) perHost.push(performance.now() - start);
    }
    if (run >= 0) fleet.push(performance.now() - fleetStart);
  }
  return { perHostMs: median(perHost), fleetMs: median(fleet), vms };
}

async function bench(label: string, hosts: number, vmsPerHost: number): Promise<void> {
  const scenario = validateScenario(generateFleet({ hosts, vmsPerHost, seed: 1 }));
  const lab = await Lab.create(scenario, { guestAgentFactory: null });
  for (const cold of [true, false]) {
    const { perHostMs, fleetMs, vms } = await timeListing(lab, cold);
    const mode = cold ? 'cold  ' : 'cached';
    console.log(
      `${label.padEnd(22)} ${mode} listVms per host (${vmsPerHost} VMs): ${perHostMs.toFixed(2).padStart(8)} ms   ` +
        `whole fleet (${vms} VMs): ${fleetMs.toFixed(2).padStart(8)} ms`,
    );
  }
}

console.log(`lab-listing: median of ${RUNS} runs after one warm-up, Node ${process.version}`);
await bench('1 host x 1,024 VMs', 1, 1024);
await bench('8 hosts x 1,000 VMs', 8, 1000);
