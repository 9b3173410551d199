/**
 * The dashboard in headless chromium over a lab-built store: an operator logs in, walks every page
 * (axe at 1280 px and 390 px), filters and sorts the VMs, opens one, opts it out with a reason and
 * sees it in the audit trail, closes a month and downloads its CSV; a reader sees no action buttons
 * and gets 403 when it posts anyway. No CSP violation is reported on the way.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeProblems,
  browserMissing,
  type DashboardKit,
  dashboardKit,
  logIn,
  screenshot,
} from './dashboard-kit.js';

const missing = browserMissing();
if (missing !== null) console.warn(`dashboard-walk: ${missing}`);

describe.skipIf(missing !== null)('the dashboard in a browser', () => {
  let kit: DashboardKit;
  let page: Page;

  beforeAll(async () => {
    kit = await dashboardKit({ days: 3, now: new Date('2026-12-01T06:00:00Z') });
    page = await (await kit.browser.newContext({ acceptDownloads: true })).newPage();
    await logIn(page, kit.url, kit.tokens.operator);
  }, 60_000);

  afterAll(async () => {
    await kit?.close();
  });

  async function visit(path: string, heading: string | RegExp, shot: string): Promise<void> {
    await page.setViewportSize({ width: 1280, height: 900 });
    const response = await page.goto(`${kit.url}${path}`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(heading);
    expect(await page.title()).not.toBe('');
    expect(await axeProblems(page), `${path} at 1280 px`).toEqual([]);
    await screenshot(page, shot);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await axeProblems(page), `${path} at 390 px`).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
  }

  it('shows every page, accessible at 1280 px and 390 px', async () => {
    const visitor = await kit.browser.newContext();
    const loginPage = await visitor.newPage();
    for (const width of [1280, 390]) {
      await loginPage.setViewportSize({ width, height: 900 });
      await loginPage.goto(`${kit.url}/login`);
      expect(await axeProblems(loginPage), `/login at ${width} px`).toEqual([]);
      if (width === 1280) await screenshot(loginPage, 'login');
    }
    await visitor.close();
    await visit('/', 'Fleet overview', 'fleet');
    expect(await page.getByRole('table', { name: 'Hosts' }).textContent()).toContain('HV01');
    const [web01] = (await kit.store.listVmStatus()).filter((vm) => vm.name === 'web01');
    await visit(`/vms/${web01?.id}`, 'VM web01', 'vm');
    await visit('/vms', 'VMs', 'vms');
    await visit('/events', 'Events', 'events');
    await visit('/months/2026-11', 'Month report 2026-11', 'month');
    await expect.poll(() => page.locator('#chart').getAttribute('data-drawn')).toBe('true');
    expect(await page.locator('#chart canvas').count()).toBe(1);
  }, 60_000);

  it('filters, searches and sorts the VMs on the server', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${kit.url}/vms`);
    await page.getByLabel('Host').selectOption('HV03');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/host=HV03/);
    const hosts = await page.locator('table tbody tr td:nth-child(2)').allTextContents();
    expect(hosts.length).toBeGreaterThan(0);
    expect(new Set(hosts)).toEqual(new Set(['HV03']));
    await page.goto(`${kit.url}/vms?sort=name&dir=desc`);
    const names = await page.locator('table tbody tr td:first-child').allTextContents();
    expect(names).toEqual(
      [...names].sort((a, b) => b.localeCompare(a, 'en', { sensitivity: 'base', numeric: true })),
    );
    await page.getByLabel('Search name, FQDN or GUID').fill('web01.contoso');
    await page.getByRole('button', { name: 'Apply' }).click();
    expect(await page.locator('table tbody tr td:first-child').allTextContents()).toEqual(['web01']);
  });

  it('opens a VM, opts it out with a reason and shows it in the audit trail', async () => {
    await page.getByRole('link', { name: 'web01' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('VM web01');
    await page.getByLabel('Reason (kept in the audit trail)').fill('tenant asked to use its own KMS');
    await page.getByRole('checkbox', { name: /I confirm: Opt out/ }).check();
    await page.getByRole('button', { name: 'Opt out of AVMA' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('opted out');
    const audit = await page.getByRole('table', { name: 'Audit trail' }).textContent();
    expect(audit).toContain('opt-out');
    expect(audit).toContain('tenant asked to use its own KMS');
    expect(audit).toContain('noc');
  });

  it('closes a month and downloads its CSV', async () => {
    await page.goto(`${kit.url}/months/2026-11`);
    await page.getByRole('checkbox', { name: /I confirm: freeze 2026-11/ }).check();
    await page.getByRole('button', { name: 'Close 2026-11' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('closed');
    const closed = await kit.store.getMonthClose('2026-11');
    expect(await page.locator('code.hash').textContent()).toBe(closed?.sha256);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'hosts CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('avma-usage-2026-11-hosts.csv');
    const csv = await readFile((await download.path()) as string, 'utf8');
    expect(csv.split('\n')[0]).toContain('name');
    expect(csv).toContain('HV01');
  });

  it('shows a reader no action buttons and refuses its posts with 403', async () => {
    const reader = await kit.browser.newContext();
    const readerPage = await reader.newPage();
    await logIn(readerPage, kit.url, kit.tokens.reader);
    await readerPage.goto(`${kit.url}/vms?q=web01`);
    await readerPage.getByRole('link', { name: 'web01' }).click();
    expect(await readerPage.getByRole('button', { name: /Opt/ }).count()).toBe(0);
    const csrf = await readerPage.locator('input[name=csrf]').first().inputValue();
    const id = readerPage.url().split('/').at(-1);
    const answer = await readerPage.request.post(`${kit.url}/vms/${id}/opt-in`, {
      form: { csrf, reason: 'trying anyway', confirm: 'yes' },
    });
    expect(answer.status()).toBe(403);
    await readerPage.goto(`${kit.url}/months/2026-10`);
    expect(await readerPage.getByRole('button', { name: /Close/ }).count()).toBe(0);
    await reader.close();
  });

  it('logs out: the session cookie no longer opens a page', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${kit.url}/login`);
    await page.goto(`${kit.url}/vms`);
    expect(page.url()).toBe(`${kit.url}/login`);
  });

  it('reported no CSP violation on any page', () => {
    expect(kit.csp.directives).toEqual([]);
    expect(kit.csp.count).toBe(0);
  });
});
