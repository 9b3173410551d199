/** The API over real HTTP on a lab-filled store: authentication, roles, validation, answers, audit. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../agent/api/routes/index.js';
import { openStore } from '../../../agent/store/index.js';
import { type ApiKit, apiKit, HOSTILE } from './api-kit.js';

/** A concrete URL for a route, with valid path values. */
function sample(path: string, vmId: string): string {
  const name = path.startsWith('/api/v1/hosts')
    ? 'HV01'
    : path.startsWith('/api/v1/reports')
      ? 'licence-states'
      : 'grafana';
  return path.replace('{id}', vmId).replace('{month}', '2026-11').replace('{name}', name);
}

const WRITE_BODIES: Record<string, unknown> = {
  optOutVm: { reason: 'test' },
  optInVm: { reason: 'test' },
  allowAvmaVm: { reason: 'test' },
  createToken: { name: 'x1', role: 'reader' },
};

describe('agent/api/app', () => {
  let api: ApiKit;
  let vmId: string;
  beforeAll(async () => {
    api = await apiKit();
    const [first] = await api.store.listVmStatus();
    vmId = first?.id ?? '';
  }, 60_000);
  afterAll(async () => {
    await api.close();
  });

  it('refuses every API route without a token, with a wrong, an expired and a revoked one: 401 problem+json', async () => {
    for (const route of API_ROUTES) {
      for (const token of [null, 'avma_wrong', api.tokens.expired, api.tokens.revoked]) {
        const answer = await api.request(sample(route.path, vmId), {
          method: route.method.toUpperCase(),
          token,
        });
        expect([route.operationId, answer.status]).toEqual([route.operationId, 401]);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        const body = (await answer.json()) as { status: number; title: string; detail: string };
        expect(body).toMatchObject({ status: 401, title: 'Unauthorized' });
      }
    }
  });

  it('refuses a reader every write (403) and an operator the token routes', async () => {
    for (const route of API_ROUTES.filter((r) => r.role !== 'reader')) {
      const body = WRITE_BODIES[route.operationId];
      const answer = await api.request(sample(route.path, vmId), {
        method: route.method.toUpperCase(),
        token: api.tokens.reader,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      expect([route.operationId, answer.status]).toEqual([route.operationId, 403]);
    }
    const tokens = await api.request('/api/v1/tokens', { token: api.tokens.operator });
    expect(tokens.status).toBe(403);
  });

  it('names the bad parameter in a 400 and writes nothing', async () => {
    const cases: [string, string][] = [
      ['/api/v1/events?limit=5000', 'limit'],
      ['/api/v1/events?colour=red', 'unknown parameter "colour"'],
      ['/api/v1/events?after=eyJ0aW1lIjoxfQ.AAAA', 'after'],
      ['/api/v1/events?since=yesterday', 'since'],
      ['/api/v1/usage/2026-13', 'month'],
      ['/api/v1/months/2026-11/diff?against=2026-00', 'against'],
    ];
    for (const [path, named] of cases) {
      const answer = await api.request(path, { token: api.tokens.reader });
      const body = (await answer.json()) as { detail: string };
      expect([path, answer.status]).toEqual([path, 400]);
      expect(body.detail).toContain(named);
    }
    const before = (await api.store.listAudit()).length;
    const bad = await api.request('/api/v1/vms/not-a-guid/opt-out', {
      method: 'POST',
      token: api.tokens.operator,
      body: JSON.stringify({ reason: 'x' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/^id: /);
    expect((await api.store.listAudit()).length).toBe(before);
  });

  it('pages events with an opaque cursor: every event once, in order', async () => {
    const all = await api.store.listEvents();
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const query: string = next === null ? '' : `&after=${encodeURIComponent(next)}`;
      const answer = await api.request(`/api/v1/events?limit=50${query}`, { token: api.tokens.reader });
      const page = (await answer.json()) as {
        items: { recordId: number; source: string; time: string }[];
        next: string | null;
      };
      seen.push(...page.items.map((e) => `${e.time}/${e.source}/${e.recordId}`));
      next = page.next;
    } while (next !== null);
    expect(seen).toEqual(all.map((e) => `${e.time}/${e.source}/${e.recordId}`));
    const hostOnly = await api.request('/api/v1/events?source=host&eventId=12310&limit=1000', {
      token: api.tokens.reader,
    });
    const hostEvents = ((await hostOnly.json()) as { items: { source: string }[] }).items;
    expect(hostEvents.length).toBeGreaterThan(0);
    expect(new Set(hostEvents.map((e) => e.source))).toEqual(new Set(['host']));
  });

  it('serves the month as JSON and as CSV with a BOM, CRLF, a safe file name and the injection guard', async () => {
    const json = await api.request('/api/v1/usage/2026-11', { token: api.tokens.reader });
    expect(json.status).toBe(200);
    expect(((await json.json()) as { month: string }).month).toBe('2026-11');
    const csv = await api.request('/api/v1/usage/2026-11?format=csv&table=vms', { token: api.tokens.reader });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?avma-usage-2026-11-vms\.csv"?$/,
    );
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('\r\n');
    // The hostile VM is there, its name and tenant defused: no cell starts with = + - @.
    expect(text).toContain(HOSTILE.id);
    const cells = text.split('\r\n').flatMap((line) => line.split(','));
    expect(cells.some((cell) => /^"?[=+@-]/.test(cell))).toBe(false);
    const report = (await (
      await api.request('/api/v1/usage/2026-11', { token: api.tokens.reader })
    ).json()) as {
      vms: { id: string; name: string; tenant: string }[];
    };
    expect(report.vms.find((vm) => vm.id === HOSTILE.id)).toMatchObject({
      name: HOSTILE.name,
      tenant: HOSTILE.tenant,
    });
  });

  it('closes a finished month once, audited with the token’s name, and diffs months', async () => {
    const close = await api.request('/api/v1/months/2026-10/close', {
      method: 'POST',
      token: api.tokens.operator,
    });
    expect(close.status).toBe(201);
    expect(((await close.json()) as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await api.request('/api/v1/months/2026-10/close', {
      method: 'POST',
      token: api.tokens.operator,
    });
    expect(again.status).toBe(409);
    const notOver = await api.request('/api/v1/months/2099-01/close', {
      method: 'POST',
      token: api.tokens.operator,
    });
    expect(notOver.status).toBe(409);
    const audit = await api.store.listAudit({ actions: ['month-close'] });
    expect(audit.map((row) => row.actor)).toEqual(['noc']);
    const months = (await (await api.request('/api/v1/months', { token: api.tokens.reader })).json()) as {
      items: { month: string }[];
    };
    expect(months.items.map((m) => m.month)).toEqual(['2026-10']);
    const diff = await api.request('/api/v1/months/2026-11/diff?against=2026-10', {
      token: api.tokens.reader,
    });
    expect(diff.status).toBe(200);
    expect((await diff.json()) as { from: string; to: string }).toMatchObject({
      from: '2026-10',
      to: '2026-11',
    });
  });

  it('closes a month early only with {"force": true}, lists the chain and verifies it', async () => {
    const month = '2099-01';
    const post = (body?: unknown) =>
      api.request(`/api/v1/months/${month}/close`, {
        method: 'POST',
        token: api.tokens.operator,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
    expect((await post({ force: false })).status).toBe(409);
    expect((await post({ force: 'yes' })).status).toBe(400);
    const forced = await post({ force: true });
    expect(forced.status).toBe(201);
    expect(await forced.json()).toMatchObject({ month, forced: true, actor: 'noc', format: 2 });
    const list = (await (await api.request('/api/v1/months', { token: api.tokens.reader })).json()) as {
      items: { month: string; sha256: string; previousSha256: string | null; forced: boolean }[];
    };
    const [first, second] = list.items;
    expect(list.items.map((c) => [c.month, c.forced])).toEqual([
      ['2026-10', false],
      [month, true],
    ]);
    expect(second?.previousSha256).toBe(first?.sha256);
    const verify = await api.request('/api/v1/months/verify', { token: api.tokens.reader });
    expect(verify.status).toBe(200);
    expect(await verify.json()).toMatchObject({ ok: true, head: second?.sha256, problems: [] });
  });

  it('opts a VM out and in with the token as actor and the reason given; an unknown VM is 404', async () => {
    const post = (path: string, reason: string) =>
      api.request(path, {
        method: 'POST',
        token: api.tokens.operator,
        body: JSON.stringify({ reason }),
        headers: { 'content-type': 'application/json' },
      });
    const out = await post(`/api/v1/vms/${vmId}/opt-out`, 'ticket 4711');
    expect(await out.json()).toMatchObject({
      id: vmId,
      action: 'opt-out',
      changed: true,
      optedOut: true,
      actor: 'noc',
    });
    expect(
      ((await (await post(`/api/v1/vms/${vmId}/opt-out`, 'again')).json()) as { changed: boolean }).changed,
    ).toBe(false);
    await post(`/api/v1/vms/${vmId}/opt-in`, 'ticket 4712');
    const audit = await api.store.listAudit({ actions: ['opt-out', 'opt-in'] });
    expect(audit.filter((row) => row.actor === 'noc').map((row) => [row.action, row.reason])).toEqual([
      ['opt-out', 'ticket 4711'],
      ['opt-in', 'ticket 4712'],
    ]);
    const missing = await post('/api/v1/vms/00000000-0000-0000-0000-000000000000/opt-out', 'x');
    expect(missing.status).toBe(404);
  });

  it('creates, lists and revokes tokens for an admin; the new token works once created and not after revoking', async () => {
    const created = await api.request('/api/v1/tokens', {
      method: 'POST',
      token: api.tokens.admin,
      body: JSON.stringify({ name: 'ci-bot', role: 'reader' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    expect(token).toMatch(/^avma_/);
    expect((await api.request('/api/v1/months', { token })).status).toBe(200);
    const list = (await (await api.request('/api/v1/tokens', { token: api.tokens.admin })).json()) as {
      items: { name: string }[];
    };
    expect(JSON.stringify(list)).not.toContain(token);
    expect(list.items.map((t) => t.name)).toContain('ci-bot');
    expect(
      (await api.request('/api/v1/tokens/ci-bot', { method: 'DELETE', token: api.tokens.admin })).status,
    ).toBe(200);
    expect((await api.request('/api/v1/months', { token })).status).toBe(401);
    expect(
      (await api.request('/api/v1/tokens/nobody', { method: 'DELETE', token: api.tokens.admin })).status,
    ).toBe(404);
  });

  it('answers "sweep now" with 409 when the process runs no sweep', async () => {
    const answer = await api.request('/api/v1/sweep', { method: 'POST', token: api.tokens.operator });
    expect(answer.status).toBe(409);
  });

  it('refuses a body over the limit (413) and one that is not JSON (400), with no stack trace', async () => {
    const big = await api.request(`/api/v1/vms/${vmId}/opt-out`, {
      method: 'POST',
      token: api.tokens.operator,
      body: JSON.stringify({ reason: 'x'.repeat(20_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.status).toBe(413);
    const broken = await api.request(`/api/v1/vms/${vmId}/opt-out`, {
      method: 'POST',
      token: api.tokens.operator,
      body: '{"reason":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(await broken.text()).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('sends security headers and no CORS header, and logs each request with the token’s name, never the token', async () => {
    const answer = await api.request('/api/v1/months', {
      token: api.tokens.reader,
      headers: { origin: 'https://evil.example' },
    });
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const line = api.logLines
      .map((l) => JSON.parse(l) as { path: string; token: string | null })
      .findLast((l) => l.path === '/api/v1/months');
    expect(line?.token).toBe('grafana');
    expect(api.logLines.join('\n')).not.toContain(api.tokens.reader);
  });

  it('publishes an OpenAPI 3.1 document that a validator accepts, with exactly the routes that exist', async () => {
    const answer = await api.request('/api/v1/openapi.json', { token: api.tokens.reader });
    const document = (await answer.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m} ${path}`),
    );
    expect(documented.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    const docs = await api.request('/api/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/api/docs/assets/swagger-ui-bundle.js');
    expect((await api.request('/api/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    expect((await api.request('/api/docs/openapi.json')).status).toBe(200);
  });

  it('lists VMs by filter, pages with a cursor that holds while VMs are added, and returns tenant text exactly', async () => {
    const get = async (query: string) => {
      const answer = await api.request(`/api/v1/vms?${query}`, { token: api.tokens.reader });
      expect([query, answer.status]).toEqual([query, 200]);
      return (await answer.json()) as {
        items: {
          id: string;
          name: string;
          host: string;
          eligible: boolean;
          reasons: string[];
          tenant: string;
        }[];
        next: string | null;
      };
    };
    const onHv01 = await get('host=hv01&limit=1000');
    expect(onHv01.items.length).toBeGreaterThan(5);
    expect(new Set(onHv01.items.map((vm) => vm.host))).toEqual(new Set(['HV01']));
    const eligible = await get('eligible=true&limit=1000');
    expect(eligible.items.every((vm) => vm.eligible)).toBe(true);
    const tenantKey = await get('reason=TENANT_KEY&limit=1000');
    expect(tenantKey.items.length).toBeGreaterThan(0);
    expect(tenantKey.items.every((vm) => vm.reasons.includes('TENANT_KEY'))).toBe(true);
    const byTenant = await get(`tenant=${encodeURIComponent(HOSTILE.tenant)}`);
    expect(byTenant.items.map((vm) => vm.id)).toEqual([HOSTILE.id]);
    const licensed = await get('licenseStatus=licensed&limit=1000');
    expect(licensed.items.length).toBeGreaterThan(0);
    expect(
      licensed.items.every((vm) => (vm as unknown as { licenseStatus: string }).licenseStatus === 'licensed'),
    ).toBe(true);
    const silent = await get('problem=GUEST_AGENT_SILENT&limit=1000');
    expect(silent.items.length).toBeGreaterThan(0);
    const hostile = await get(`q=${encodeURIComponent('<script>')}`);
    expect(hostile.items.map((vm) => [vm.id, vm.name, vm.tenant])).toEqual([
      [HOSTILE.id, HOSTILE.name, HOSTILE.tenant],
    ]);
    for (const [query, named] of [
      ['eligible=maybe', 'eligible'],
      ['reason=NOPE', 'reason'],
      ['limit=0', 'limit'],
      ['cursor=abc', 'cursor'],
    ]) {
      const answer = await api.request(`/api/v1/vms?${query}`, { token: api.tokens.reader });
      expect([query, answer.status]).toEqual([query, 400]);
      expect(((await answer.json()) as { detail: string }).detail).toMatch(new RegExp(`^${named}: `));
    }
    const before = (await get('limit=1000')).items.map((vm) => vm.id);
    const seen: string[] = [];
    let next: string | null = null;
    let added = 0;
    do {
      const page = await get(`limit=7${next === null ? '' : `&cursor=${encodeURIComponent(next)}`}`);
      seen.push(...page.items.map((vm) => vm.id));
      next = page.next;
      // A sweep inserts VMs between two page reads, before and after the cursor.
      const id = `${added % 2 === 0 ? '00000000' : 'ffffffff'}-0000-4000-8000-${String(added).padStart(12, '0')}`;
      await api.store.transaction((tx) =>
        tx.upsertVm({ id, tenant: null }, new Date('2026-11-03T00:00:00Z')),
      );
      added += 1;
    } while (next !== null);
    expect(seen.filter((id) => before.includes(id))).toEqual(before);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('shows a VM with its history and a host with its facts; unknown ones are 404', async () => {
    const answer = await api.request(`/api/v1/vms/${HOSTILE.id.toUpperCase()}`, { token: api.tokens.reader });
    expect(answer.status).toBe(200);
    const detail = (await answer.json()) as {
      id: string;
      names: { name: string }[];
      hosts: { host: string }[];
      kvp: { guest: { name: string; data: string }[] };
    };
    expect(detail.id).toBe(HOSTILE.id);
    // Tenant text comes back byte for byte (JSON escapes it; nothing is dropped or replaced).
    expect(detail.kvp.guest).toEqual([HOSTILE.kvp]);
    expect(detail.names.map((n) => n.name)).toEqual([HOSTILE.name]);
    expect(detail.hosts.map((h) => h.host)).toEqual(['HV01']);
    const missing = await api.request('/api/v1/vms/00000000-0000-0000-0000-00000000dead', {
      token: api.tokens.reader,
    });
    expect(missing.status).toBe(404);
    const hosts = (await (await api.request('/api/v1/hosts', { token: api.tokens.reader })).json()) as {
      items: { name: string; lastSeen: string; sweeper: unknown }[];
    };
    expect(hosts.items.map((h) => h.name)).toEqual(['HV01', 'HV02', 'HV03', 'HV04', 'HV05', 'HV06']);
    // SQLite: no leases; no agent writes the database now, and the last sweep is the last sighting.
    expect(hosts.items[0]?.sweeper).toEqual({
      agent: null,
      until: null,
      live: false,
      lastSweep: hosts.items[0]?.lastSeen,
    });
    const hv05 = (await (await api.request('/api/v1/hosts/hv05', { token: api.tokens.reader })).json()) as {
      facts: { edition: string };
    };
    expect(hv05.facts.edition).toBe('standard');
    expect((await api.request('/api/v1/hosts/HV99', { token: api.tokens.reader })).status).toBe(404);
  });

  it('serves a kept answer only while the database is unchanged, whoever changed it', async () => {
    const read = async () =>
      (
        (await (await api.request(`/api/v1/vms/${HOSTILE.id}`, { token: api.tokens.reader })).json()) as {
          optedOut: boolean;
        }
      ).optedOut;
    expect(await read()).toBe(false);
    expect(await read()).toBe(false);
    // Another process's connection (the sweeping agent, an operator's CLI) opts the VM out.
    const other = await openStore(api.store.path, { create: false });
    await other.transaction((tx) =>
      tx.setOptOut(HOSTILE.id, true, { at: new Date(), actor: 'cli', reason: 'r' }),
    );
    await other.close();
    expect(await read()).toBe(true);
  });

  it('serves /metrics in the Prometheus text format to a token, never a VM id in it', async () => {
    expect((await api.request('/metrics')).status).toBe(401);
    const answer = await api.request('/metrics', { token: api.tokens.reader });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await answer.text();
    expect(text).toContain('avma_build_info{version="0.0.0-test"');
    expect(text).toMatch(/^avma_vms\{host="HV01",license_status="licensed",eligible="true"\} \d+$/m);
    expect(text).not.toContain(HOSTILE.id);
  });

  it('serves the licence-state report from evidence, and 404 for a report it does not know', async () => {
    const answer = await api.request('/api/v1/reports/licence-states', { token: api.tokens.reader });
    const report = (await answer.json()) as {
      rows: { licenseStatus: string; channel: string; evidence: string; vms: number }[];
    };
    const live = await api.store.listVmStatus();
    expect(report.rows.reduce((sum, row) => sum + row.vms, 0)).toBe(live.length);
    const avmaByHost = report.rows.filter((row) => row.channel === 'avma' && row.evidence === 'host');
    expect(avmaByHost.reduce((sum, row) => sum + row.vms, 0)).toBe(
      live.filter((vm) => vm.channel === 'avma' && vm.evidence === 'host').length,
    );
    expect((await api.request('/api/v1/reports/nope', { token: api.tokens.reader })).status).toBe(404);
  });

  it('answers /healthz and /readyz without a token', async () => {
    expect((await api.request('/healthz')).status).toBe(200);
    expect(await (await api.request('/readyz')).json()).toMatchObject({ status: 'ready' });
  });
});
