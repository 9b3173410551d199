/**
 * The dashboard over a real store in a real browser: a lab scenario run with the agent for a few
 * simulated days into SQLite, a reader and an operator token, the agent's server on an ephemeral
 * loopback port with a CSP report counter, and Debian's chromium driven by playwright-core (never a
 * downloaded browser) with a fresh profile. Without /usr/bin/chromium the browser tests skip with a
 * message, except under CI=true, where they fail.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startApi } from '../../../agent/api/api-host.js';
import { CspReports } from '../../../agent/dashboard/index.js';
import { openSession } from '../../../agent/runtime/agent-session.js';
import { runLabWithAgent } from '../../../agent/runtime/lab-run.js';
import { openStore, type Store } from '../../../agent/store/index.js';

export const CHROMIUM = '/usr/bin/chromium';
const HOUR = 3_600_000;

/** Why the browser tests cannot run here, or null when they can. Under CI=true a missing browser throws. */
export function browserMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `${CHROMIUM} is missing: install Debian's chromium (apt-get install --no-install-recommends chromium)`;
  if (process.env.CI === 'true') throw new Error(`dashboard browser tests: ${why}`);
  return `skipped: ${why}`;
}

export interface DashboardKit {
  readonly url: string;
  readonly store: Store;
  readonly tokens: { readonly reader: string; readonly operator: string };
  readonly csp: CspReports;
  /** Headless chromium; playwright gives it a fresh temporary profile (--user-data-dir) of its own. */
  readonly browser: Browser;
  close(): Promise<void>;
}

export interface KitOptions {
  /** A scenario file (default: the bundled one). */
  readonly scenario?: string;
  readonly days: number;
  /** The server's clock. */
  readonly now: Date;
}

async function labStore(dir: string, options: KitOptions): Promise<string> {
  const db = join(dir, 'avma.sqlite');
  const session = await openSession({
    driver: 'lab',
    db,
    staleAfterMs: 3 * HOUR,
    silentAfterMs: 3 * HOUR,
    ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
  });
  try {
    const end = (session.lab?.startTime ?? 0) + options.days * 24 * HOUR;
    await runLabWithAgent({ session, end, sweepIntervalMs: HOUR, concurrency: 2 });
  } finally {
    await session.close();
  }
  return db;
}

export async function dashboardKit(options: KitOptions): Promise<DashboardKit> {
  const dir = await mkdtemp(join(tmpdir(), 'avma-dash-'));
  const store = await openStore(await labStore(dir, options), { create: false });
  const at = new Date();
  const make = async (name: string, role: 'reader' | 'operator') =>
    (await store.createToken({ name, role, expiresAt: null, actor: 'test', at })).token;
  const tokens = { reader: await make('auditor', 'reader'), operator: await make('noc', 'operator') };
  const csp = new CspReports();
  const server = await startApi({
    store,
    version: '0.0.0-test',
    listen: { host: '127.0.0.1', port: 0 },
    warn: () => undefined,
    log: pino({ level: 'silent' }),
    now: () => options.now,
    cspReports: csp,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
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
  return {
    url: server.url,
    store,
    tokens,
    csp,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the form; resolves once the fleet overview shows. */
export async function logIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${url}/`);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');

/**
 * axe-core's serious and critical violations on the page, as "rule: target" lines. axe goes in
 * through the DevTools protocol: `addScriptTag` would add an inline script, which the dashboard's CSP
 * rightly refuses (and reports).
 */
export async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: { readonly target: string[] }[];
}

/** Writes a PNG of the page into agent/dashboard/screenshots/ when AVMA_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.AVMA_SCREENSHOTS !== '1') return;
  const path = new URL(`../../../agent/dashboard/screenshots/${name}.png`, import.meta.url);
  await page.screenshot({ path: path.pathname, fullPage: false });
}
