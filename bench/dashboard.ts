/**
 * The dashboard in headless chromium against issue 12's target: the VMs page and the month report
 * render and become interactive in under 1 s for 1,024 and 8,000 VMs.
 * Run: node --import tsx bench/dashboard.ts
 *
 * A lab fleet from `generateFleet` (seed 1, guest agents) is swept six simulated hours into a real
 * SQLite store and served as `avma run` serves it (reads on a read-only connection of their own).
 * Debian's chromium (/usr/bin/chromium, never a downloaded browser) logs in and opens each page; the
 * figures come from the page's own Navigation and Paint Timing:
 * - first render: first-contentful-paint, from the start of the navigation;
 * - interactive: the load event for the VMs page (its filter form and links work without script);
 *   for the month report, the moment the uPlot chart is drawn from its series.
 * "After a change" is the first view after a sweep changed the database (nothing kept yet); "kept" is
 * the median of 5 views while it is unchanged. The baseline, in the same run and browser, is the login
 * page: HTML made without reading the store, the same stylesheet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startApi } from '../agent/api/api-host.js';
import { LabDriver } from '../agent/driver/lab/lab-driver.js';
import { generateFleet } from '../agent/lab/fleet-generator.js';
import { Lab } from '../agent/lab/lab.js';
import { validateScenario } from '../agent/lab/scenario-loader.js';
import { openStore } from '../agent/store/index.js';
import type { SweepSettings } from '../agent/sweep/host-sweep.js';
import { SweepCache } from '../agent/sweep/sweep-cache.js';
import { sweepRound } from '../agent/sweep/sweep-round.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function sweptFleet(hosts: number, vmsPerHost: number) {
  const lab = await Lab.create(
    validateScenario(generateFleet({ hosts, vmsPerHost, seed: 1, guestAgents: true })),
  );
  const drivers = lab.hosts().map((host) => new LabDriver(lab, host.name));
  const dir = mkdtempSync(join(tmpdir(), 'avma-bench-dash-'));
  const store = await openStore(join(dir, 'avma.sqlite'), { staleAfterMs: 3 * HOUR });
  const cache = new SweepCache();
  const settings: SweepSettings = {
    silentAfterMs: 45 * MINUTE,
    tenantOf: (_host, vm) => lab.findVm(vm.id)?.tenant ?? null,
    evidenceWindowMs: 7 * 24 * HOUR,
    correlationToleranceMs: 5 * MINUTE,
  };
  const sweep = async () => {
    await lab.advanceTo(lab.now() + HOUR);
    await sweepRound({ drivers, store, at: new Date(lab.now()), settings, cache });
  };
  for (let hour = 0; hour < 6; hour++) await sweep();
  return { store, dir, sweep };
}

interface Timing {
  readonly firstRender: number;
  readonly interactive: number;
}

/** Opens `path` and reads its timing; `ready` is what "interactive" waits for. */
async function view(page: Page, url: string, ready: 'load' | 'chart'): Promise<Timing> {
  await page.goto(url, { waitUntil: 'load' });
  if (ready === 'chart')
    await page.waitForFunction(() => document.getElementById('chart')?.dataset.drawn === 'true');
  const interactive = await page.evaluate((wanted) => {
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return wanted === 'chart' ? performance.now() : navigation.loadEventEnd;
  }, ready);
  // The paint entry may be queued after the load event in headless chromium: wait for it (buffered).
  const firstRender = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const paint = list.getEntriesByName('first-contentful-paint')[0];
          if (paint !== undefined) resolve(paint.startTime);
        }).observe({ type: 'paint', buffered: true });
        setTimeout(() => resolve(Number.NaN), 3000);
      }),
  );
  return { firstRender, interactive };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const ms = (value: number) => `${Math.round(value)} ms`;

async function measure(browser: Browser, hosts: number, vmsPerHost: number): Promise<void> {
  const fleet = await sweptFleet(hosts, vmsPerHost);
  const reads = await openStore(fleet.store.path, { readOnly: true });
  const server = await startApi({
    store: fleet.store,
    readStore: reads,
    version: 'bench',
    listen: { host: '127.0.0.1', port: 0 },
    warn: () => undefined,
    log: pino({ level: 'silent' }),
  });
  const { token } = await fleet.store.createToken({
    name: 'bench',
    role: 'operator',
    expiresAt: null,
    actor: 'bench',
    at: new Date(),
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${server.url}/`);
  const pages = [
    ['baseline: /login (no store read)', '/login', 'load'],
    ['VMs, first page of 50 by name', '/vms', 'load'],
    ['VMs, 200 by last seen, filtered', '/vms?sort=lastSeen&dir=desc&size=200&status=licensed', 'load'],
    ['month report 2026-11 with chart', '/months/2026-11', 'chart'],
  ] as const;
  const vms = hosts * vmsPerHost;
  console.log(`\n${vms.toLocaleString('en')} VMs (${hosts} × ${vmsPerHost})`);
  console.log(
    'page | after a change: first render / interactive | kept (median of 5): first render / interactive',
  );
  for (const [label, path, ready] of pages) {
    await fleet.sweep();
    const cold = await view(page, `${server.url}${path}`, ready);
    const warm: Timing[] = [];
    for (let i = 0; i < 5; i++) warm.push(await view(page, `${server.url}${path}`, ready));
    const f = median(warm.map((t) => t.firstRender));
    const i = median(warm.map((t) => t.interactive));
    console.log(`${label} | ${ms(cold.firstRender)} / ${ms(cold.interactive)} | ${ms(f)} / ${ms(i)}`);
  }
  await context.close();
  await server.close();
  await reads.close();
  await fleet.store.close();
  rmSync(fleet.dir, { recursive: true, force: true });
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  await measure(browser, 1, 1024);
  await measure(browser, 8, 1000);
} finally {
  await browser.close();
}
