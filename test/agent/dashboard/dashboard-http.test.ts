/**
 * The dashboard over HTTP without a browser: login, cookie attributes, CSRF on every form, roles,
 * revocation ending sessions, a confirmation required before a month closes, and a hostile VM's name
 * escaped in the HTML (api-kit's HOSTILE: markup, quotes, CR/LF, a lone surrogate).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUsageMonth, USAGE_CSV_TABLES } from '../../../agent/usage/index.js';
import { type ApiKit, apiKit, HOSTILE } from '../api/api-kit.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('agent/dashboard over HTTP', () => {
  let kit: ApiKit;

  beforeAll(async () => {
    kit = await apiKit();
  }, 60_000);

  afterAll(async () => {
    await kit?.close();
  });

  const get = (path: string, cookie = '') =>
    fetch(`${kit.url}${path}`, { redirect: 'manual', headers: cookie === '' ? {} : { cookie } });
  const post = (path: string, cookie: string, form: Record<string, string>) =>
    fetch(`${kit.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...FORM, cookie },
      body: new URLSearchParams(form),
    });
  const csrfIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  /** Logs in with `token`; resolves to the session cookie and the session's CSRF secret. */
  async function logIn(token: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
    const form = await get('/login');
    const loginCookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const answer = await post('/login', loginCookie, { csrf: csrfIn(await form.text()), token });
    expect(answer.status).toBe(303);
    const setCookie = answer.headers.getSetCookie().find((c) => c.startsWith('avma_session=')) ?? '';
    const cookie = setCookie.split(';')[0] ?? '';
    const page = await get('/', cookie);
    return { cookie, csrf: csrfIn(await page.text()), setCookie };
  }

  it('sends a visitor without a session to the login form', async () => {
    const answer = await get('/vms');
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/login');
  });

  it('gives an HttpOnly, SameSite=Strict session cookie (not Secure over plain HTTP) for a valid token', async () => {
    const { setCookie } = await logIn(kit.tokens.operator);
    expect(setCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(kit.tokens.operator);
  });

  it('refuses a login post without the form cookie (login CSRF) and an unknown token', async () => {
    const forged = await post('/login', '', { csrf: 'anything', token: kit.tokens.operator });
    expect(forged.status).toBe(403);
    expect(forged.headers.getSetCookie().some((c) => c.startsWith('avma_session='))).toBe(false);
    const form = await get('/login');
    const loginCookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const wrong = await post('/login', loginCookie, { csrf: csrfIn(await form.text()), token: 'avma_nope' });
    expect(wrong.status).toBe(401);
  });

  it('refuses an operator action whose form lacks the session CSRF secret, and stores nothing', async () => {
    const { cookie } = await logIn(kit.tokens.operator);
    const before = (await kit.store.listAudit({ vm: HOSTILE.id })).length;
    const answer = await post(`/vms/${HOSTILE.id}/opt-out`, cookie, { reason: 'forged', confirm: 'yes' });
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('CSRF');
    expect(await kit.store.listAudit({ vm: HOSTILE.id })).toHaveLength(before);
  });

  it('answers 403 to a reader posting an action anyway', async () => {
    const { cookie, csrf } = await logIn(kit.tokens.reader);
    const page = await (await get(`/vms/${HOSTILE.id}`, cookie)).text();
    expect(page).not.toContain('Opt out of AVMA');
    const answer = await post(`/vms/${HOSTILE.id}/opt-out`, cookie, { csrf, reason: 'x', confirm: 'yes' });
    expect(answer.status).toBe(403);
  });

  it('closes no month without the confirmation', async () => {
    const { cookie, csrf } = await logIn(kit.tokens.operator);
    const answer = await post('/months/2026-10/close', cookie, { csrf });
    expect(answer.status).toBe(400);
    expect(await kit.store.getMonthClose('2026-10')).toBeNull();
  });

  it('shows the reseller lines of the month as the report computes them, and a download for every table', async () => {
    const { cookie } = await logIn(kit.tokens.reader);
    const html = await (await get('/months/2026-11', cookie)).text();
    const report = await buildUsageMonth(kit.store, '2026-11');
    expect(html).toContain('Reseller lines (2-core licences)');
    for (const line of report.reseller ?? []) {
      expect(html).toMatch(
        new RegExp(
          `<td>${line.period}</td><th scope="row">${line.product}</th><td>not mapped \\(spla.skus\\)</td><td>${line.quantity}</td>`,
        ),
      );
    }
    expect(report.reseller?.some((line) => line.quantity > 0)).toBe(true);
    for (const table of USAGE_CSV_TABLES) expect(html).toContain(`/months/2026-11/usage.csv?table=${table}"`);
  });

  it('ends the sessions of a revoked token', async () => {
    const token = (
      await kit.store.createToken({
        name: 'temp',
        role: 'reader',
        expiresAt: null,
        actor: 'test',
        at: new Date(),
      })
    ).token;
    const { cookie } = await logIn(token);
    expect((await get('/vms', cookie)).status).toBe(200);
    await kit.store.revokeToken('temp', { at: new Date(), actor: 'test', reason: 'left' });
    const after = await get('/vms', cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login');
  });

  it("escapes a hostile VM's name in the HTML and serves every page under the strict CSP", async () => {
    const { cookie } = await logIn(kit.tokens.reader);
    for (const path of [`/vms/${HOSTILE.id}`, `/vms?q=${encodeURIComponent('=cmd')}`]) {
      const answer = await get(path, cookie);
      expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await answer.text();
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).toContain('&lt;script>alert(1)&lt;/script>');
      expect(html).not.toContain("</script><script>alert('k')");
    }
  });

  it('takes any CSP report body without failing (the endpoint is open to anyone)', async () => {
    for (const body of [
      'null',
      '5',
      '[{"body":null}]',
      '{"csp-report":{"violated-directive":"script-src"}}',
    ]) {
      const answer = await fetch(`${kit.url}/csp-report`, {
        method: 'POST',
        headers: { 'content-type': 'application/csp-report' },
        body,
      });
      expect(answer.status, body).toBe(204);
    }
    const broken = await fetch(`${kit.url}/csp-report`, {
      method: 'POST',
      headers: { 'content-type': 'application/csp-report' },
      body: '{"csp-report":',
    });
    expect(broken.status).toBe(400);
  });
});
