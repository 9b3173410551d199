/**
 * A hostile tenant's names and FQDNs (agent/lab/scenarios/hostile.json: markup, attribute breakouts,
 * javascript: URLs, an RTL override) through the lab, the agent and the store into the dashboard, in
 * headless chromium: no dialog opens, no markup of theirs becomes an element, no javascript: link
 * exists, the CSP reports nothing, and the text shows literally. A last check injects a script the
 * CSP must refuse, which proves the violation counter counts.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMissing, type DashboardKit, dashboardKit, logIn, screenshot } from './dashboard-kit.js';

const SCENARIO = fileURLToPath(new URL('../../../agent/lab/scenarios/hostile.json', import.meta.url));
const HOSTILE_NAMES = [
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  'invoice\u202egpj.exe',
];

const missing = browserMissing();
if (missing !== null) console.warn(`dashboard-hostile: ${missing}`);

describe.skipIf(missing !== null)('the dashboard against a hostile tenant', () => {
  let kit: DashboardKit;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    kit = await dashboardKit({ scenario: SCENARIO, days: 1, now: new Date('2026-11-02T00:30:00Z') });
    page = await (await kit.browser.newContext()).newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await logIn(page, kit.url, kit.tokens.operator);
  }, 60_000);

  afterAll(async () => {
    await kit?.close();
  });

  /** Nothing of theirs became an element or a script link on the current page. */
  async function expectInert(where: string): Promise<void> {
    const found = await page.evaluate(() => ({
      images: document.querySelectorAll('img').length,
      svgs: document.querySelectorAll('main svg').length,
      scriptLinks: Array.from(document.querySelectorAll('a[href]')).filter((a) =>
        (a.getAttribute('href') ?? '').trim().toLowerCase().startsWith('javascript:'),
      ).length,
      handlers: Array.from(document.querySelectorAll('*')).filter((e) =>
        Array.from(e.attributes).some((attr) => attr.name.startsWith('on')),
      ).length,
    }));
    expect(found, where).toEqual({ images: 0, svgs: 0, scriptLinks: 0, handlers: 0 });
  }

  it('shows the hostile names literally in the VM list, inert', async () => {
    await page.goto(`${kit.url}/vms`);
    const text = (await page.locator('main table').textContent()) ?? '';
    for (const name of HOSTILE_NAMES) expect(text).toContain(name);
    expect(text).toContain('<img src=x onerror=alert(2)>');
    await expectInert('/vms');
    await screenshot(page, 'hostile-vms');
  });

  it('opens every hostile VM: name, FQDN and KVP items as text, isolated from the text around them', async () => {
    for (const name of HOSTILE_NAMES) {
      await page.goto(`${kit.url}/vms`);
      // By the text the tenant wrote (an accessible name also reads a bidi control's shown code point).
      await page.locator('main a').filter({ hasText: name }).first().click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`VM ${name}`);
      await expectInert(name);
      // Every tenant string sits in a <bdi>: an RTL override inside cannot reorder the page around it.
      const isolated = await page.evaluate(
        (wanted) => Array.from(document.querySelectorAll('bdi')).some((e) => e.textContent === wanted),
        name,
      );
      expect(isolated, name).toBe(true);
    }
  });

  it('shows an RTL override where the tenant wrote it, reordering nothing', async () => {
    await page.goto(`${kit.url}/vms?q=invoice`);
    const layout = await page.evaluate(() => {
      const controls = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const loose: string[] = [];
      const boxes: Record<string, number> = {};
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        const parent = node.parentElement;
        // Every control character is alone in its own marked isolate.
        if (controls.test(text) && !(text.length === 1 && parent?.matches('bdi.bidi-control'))) {
          loose.push(text);
        }
        if (text === 'invoice' || text === 'gpj.exe') {
          const range = document.createRange();
          range.selectNodeContents(node);
          boxes[text] = range.getBoundingClientRect().left;
        }
      }
      const marker = document.querySelector('bdi.bidi-control');
      return {
        loose,
        boxes,
        shown: marker === null ? null : getComputedStyle(marker, '::after').content,
      };
    });
    expect(layout.loose).toEqual([]);
    expect(layout.shown).toBe('"[U+202E]"');
    // Written order, left to right: "invoice", the marked override, "gpj.exe" (not "invoiceexe.jpg").
    expect(layout.boxes.invoice).toBeLessThan(layout.boxes['gpj.exe'] ?? 0);
    // The VM's own page: its heading and the window title show the override by its code point too.
    const href = (await page.locator('main a', { hasText: 'invoice' }).first().getAttribute('href')) ?? '';
    await page.goto(`${kit.url}${href}`);
    expect(await page.title()).toBe('VM invoice[U+202E]gpj.exe · AVMA agent');
    expect(await page.locator('h1 bdi.bidi-control').count()).toBe(1);
  });

  it('keeps the fleet, events and month pages inert', async () => {
    for (const path of ['/', '/events', '/months/2026-11']) {
      await page.goto(`${kit.url}${path}`);
      await expectInert(path);
    }
  });

  it('opened no dialog and the CSP reported nothing', () => {
    expect(dialogs).toEqual([]);
    expect(kit.csp.directives).toEqual([]);
  });

  it('counts a violation when a script the CSP refuses is injected (the counter works)', async () => {
    await page.goto(`${kit.url}/vms`);
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'document.title = "ran"';
      document.body.append(script);
    });
    await expect.poll(() => kit.csp.count, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.title()).not.toBe('ran');
  });
});
