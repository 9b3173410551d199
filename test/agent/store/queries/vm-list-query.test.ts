import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateFleet } from '../../../../agent/lab/fleet-generator.js';
import type { StoreError, VmListFilter, VmListRow } from '../../../../agent/store/index.js';
import { VM_PAGE_SQL } from '../../../../agent/store/queries/vm-list-query.js';
import { type Fleet, fleet, scenario, server } from '../../sweep/sweep-kit.js';
import { openRaw } from '../raw-sqlite.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { apiLabIn, guidOf, publishFqdn } from './api-lab.js';

function names(rows: readonly VmListRow[]): string[] {
  return rows.map((row) => row.name ?? '').sort();
}

/** Every VM of the listing, page by page. */
async function listAll(lab: Fleet, filter: VmListFilter, limit: number): Promise<VmListRow[]> {
  const rows: VmListRow[] = [];
  let after: string | null = null;
  do {
    const page = await lab.store.listVmPage(filter, after, limit);
    rows.push(...page.rows);
    after = page.next;
  } while (after !== null);
  return rows;
}

type Parameters = readonly (string | number | null)[];

/** `EXPLAIN QUERY PLAN` of the page query: one line per step. */
async function pagePlan(path: string, parameters: Parameters): Promise<string[]> {
  const raw = await openRaw(path);
  try {
    const rows = await raw.all(`EXPLAIN QUERY PLAN ${VM_PAGE_SQL.sqlite}`, parameters);
    return rows.map((row) => String(row.detail));
  } finally {
    await raw.close();
  }
}

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PgPlanNode[];
}

/**
 * PostgreSQL's plan of the page query, flattened to its nodes. On a small fleet sequential scans are
 * priced out (`pricedOut`): the question there is whether an index can serve each step; a big fleet
 * is analysed first and planned as it is.
 */
async function pgPagePlan(
  place: BackendPlace,
  parameters: Parameters,
  pricedOut: boolean,
): Promise<PgPlanNode[]> {
  const raw = await place.raw();
  try {
    await raw.run(pricedOut ? 'SET enable_seqscan = off' : 'ANALYZE');
    const [row] = await raw.all(`EXPLAIN (FORMAT JSON) ${VM_PAGE_SQL.postgres}`, parameters);
    const explained = (row?.['QUERY PLAN'] ?? []) as { Plan: PgPlanNode }[];
    const nodes: PgPlanNode[] = [];
    const walk = (node: PgPlanNode): void => {
      nodes.push(node);
      for (const child of node.Plans ?? []) walk(child);
    };
    for (const { Plan } of explained) walk(Plan);
    return nodes;
  } finally {
    await raw.close();
  }
}

/** Each index the plan uses, with the condition it looks up (parameters shown as their values). */
function indexConditions(plan: readonly PgPlanNode[]): Record<string, string | undefined> {
  return Object.fromEntries(
    plan.flatMap((node) =>
      node['Index Name'] === undefined ? [] : [[node['Index Name'], node['Index Cond']]],
    ),
  );
}

const NO_FILTER = ['', 0, null, null, null, null, null, null, null, null, 1001];
const EVERY_FILTER = [
  '',
  1,
  'HV01',
  'contoso',
  1,
  'licensed',
  'TENANT_KEY',
  'GUEST_AGENT_SILENT',
  'ab',
  'ab',
  8,
];

describe.each(STORE_BACKENDS)('agent/store/queries/vm-list-query ($name)', (backend) => {
  describe('on the API lab', () => {
    let place: BackendPlace;
    let lab: Fleet;
    beforeAll(async () => {
      place = await backend.place();
      lab = await apiLabIn(place);
    });
    afterAll(async () => {
      await lab.close();
    });

    it('lists the live VMs by GUID with their status and the FQDN their guest published', async () => {
      const page = await lab.store.listVmPage();
      expect(page.next).toBeNull();
      const ids = page.rows.map((row) => row.id);
      expect(ids).toEqual([...ids].sort());
      expect(names(page.rows)).toEqual(['Linux01', 'app01', 'db01', 'off01', 'web01-renamed']);
      expect(page.rows.find((row) => row.name === 'web01-renamed')).toMatchObject({
        host: 'HV02',
        tenant: 'contoso',
        eligible: true,
        licenseStatus: 'licensed',
        channel: 'avma',
        evidence: 'host+guest',
        fqdn: 'web01.contoso.example',
        deletedAt: null,
      });
      // Off from the start: no intrinsic pool, no FQDN.
      expect(page.rows.find((row) => row.name === 'off01')?.fqdn).toBeNull();
    });

    it('includes deleted VMs only when asked', async () => {
      const page = await lab.store.listVmPage({ includeDeleted: true });
      expect(page.rows).toHaveLength(6);
      expect(page.rows.find((row) => row.name === 'gone01')?.deletedAt).toBe('2026-11-01T00:10:00.000Z');
      expect(names((await lab.store.listVmPage({ includeDeleted: false })).rows)).not.toContain('gone01');
    });

    it.each<[string, VmListFilter, string[]]>([
      ['host, case-insensitive', { host: 'hv01' }, ['db01']],
      ['host after a migration', { host: 'HV02' }, ['Linux01', 'app01', 'off01', 'web01-renamed']],
      ['tenant', { tenant: 'contoso' }, ['db01', 'web01-renamed']],
      ['tenant, exact', { tenant: 'Contoso' }, []],
      ['eligible', { eligible: true }, ['app01', 'web01-renamed']],
      ['not eligible', { eligible: false }, ['Linux01', 'db01', 'off01']],
      ['licence status', { licenseStatus: 'licensed' }, ['db01', 'web01-renamed']],
      ['licence status unknown', { licenseStatus: 'unknown' }, ['Linux01', 'app01', 'off01']],
      ['reason', { reason: 'TENANT_KEY' }, ['db01']],
      ['another reason', { reason: 'GUEST_NOT_WINDOWS_SERVER' }, ['Linux01']],
      ['problem', { problem: 'GUEST_AGENT_SILENT' }, ['app01']],
      ['problem nobody has', { problem: 'KVP_WRITE_FAILED' }, []],
      ['name text, case-insensitive', { q: 'WEB' }, ['web01-renamed']],
      ['name text anywhere in the name', { q: 'named' }, ['web01-renamed']],
      ['name text shared by several', { q: '01' }, ['Linux01', 'app01', 'db01', 'off01', 'web01-renamed']],
      [
        'deleted VMs with a filter',
        { includeDeleted: true, host: 'HV02', licenseStatus: 'unknown' },
        ['Linux01', 'app01', 'gone01', 'off01'],
      ],
      ['several filters at once', { host: 'HV02', tenant: 'fabrikam', eligible: true }, ['app01']],
    ])('filters by %s', async (_label, filter, expected) => {
      const rows = await listAll(lab, filter, 2);
      expect(names(rows)).toEqual(expected);
    });

    it('finds a VM by the start of its GUID, in either case', async () => {
      const id = guidOf(lab, 'app01');
      const rows = await listAll(lab, { q: id.slice(0, 8).toUpperCase() }, 10);
      expect(rows.map((row) => row.id)).toEqual([id]);
      expect((await lab.store.listVmPage({ q: id })).rows.map((row) => row.name)).toEqual(['app01']);
    });

    it.each<[string, VmListFilter]>([
      ['host', { host: '' }],
      ['tenant', { tenant: 5 as unknown as string }],
      ['eligible', { eligible: 'yes' as unknown as boolean }],
      ['licenseStatus', { licenseStatus: 'activated' as never }],
      ['reason', { reason: 'NOT_A_REASON' as never }],
      ['problem', { problem: 'NOT_A_PROBLEM' as never }],
      ['q', { q: 'x'.repeat(257) }],
      ['q', { q: 'nul\0' }],
      ['includeDeleted', { includeDeleted: 1 as unknown as boolean }],
      ['colour', { colour: 'red' } as VmListFilter],
    ])('refuses a bad %s filter with INVALID_ARGUMENT naming it', async (field, filter) => {
      const error = (await lab.store.listVmPage(filter).catch((e: unknown) => e)) as StoreError;
      expect(error).toMatchObject({ name: 'StoreError', code: 'INVALID_ARGUMENT' });
      expect(error.message.startsWith(`${field} is `)).toBe(true);
    });

    it.each<[string, string | null, number]>([
      ['limit', null, 0],
      ['limit', null, 1001],
      ['limit', null, 2.5],
      ['after', 'not-a-guid', 10],
      ['after', "' OR 1=1 --", 10],
    ])('refuses a bad %s with INVALID_ARGUMENT naming it', async (field, after, limit) => {
      const error = (await lab.store.listVmPage({}, after, limit).catch((e: unknown) => e)) as StoreError;
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(error.message.startsWith(`${field} is `)).toBe(true);
    });

    it('pages with a next cursor that is null exactly on the last page', async () => {
      const first = await lab.store.listVmPage({}, null, 3);
      expect(first.rows).toHaveLength(3);
      expect(first.next).toBe(first.rows[2]?.id);
      const second = await lab.store.listVmPage({}, first.next, 3);
      expect(second.rows).toHaveLength(2);
      expect(second.next).toBeNull();
      const exact = await lab.store.listVmPage({}, null, 5);
      expect(exact.next).toBeNull();
      // An upper-case cursor is the same VM.
      expect((await lab.store.listVmPage({}, first.next?.toUpperCase() ?? null, 3)).rows).toEqual(
        second.rows,
      );
    });

    // SQLite's own plan text and index names, so on SQLite only; PostgreSQL's plan is checked below.
    it.runIf(backend.name === 'sqlite')(
      'reads every page as an index search: no table of the fleet is scanned per row',
      async () => {
        for (const parameters of [NO_FILTER, EVERY_FILTER]) {
          const plan = await pagePlan(lab.store.path, parameters);
          expect(plan).toContain('SEARCH v USING INDEX sqlite_autoindex_vms_1 (guid>?)');
          expect(plan).toContain('SEARCH observations USING COVERING INDEX observations_vm_time (vm_id=?)');
          // The only scans are of one VM's small JSON arrays (its reasons, problems, intrinsic pool).
          expect(plan.filter((step) => step.startsWith('SCAN') && !step.includes('VIRTUAL TABLE'))).toEqual(
            [],
          );
        }
      },
    );

    it.runIf(backend.name === 'postgres')(
      'can read every page as an index range on PostgreSQL too: no table of the fleet is scanned',
      async () => {
        for (const parameters of [NO_FILTER, EVERY_FILTER]) {
          const plan = await pgPagePlan(place, parameters, true);
          // A range of the GUID index from the cursor, and one VM's observations by its id.
          expect(indexConditions(plan)).toMatchObject({
            vms_guid_key: expect.stringMatching(/^\(guid > /),
            observations_vm_time: '(vm_id = v.id)',
          });
          expect(plan.filter((node) => node['Node Type'] === 'Seq Scan')).toEqual([]);
        }
      },
    );
  });

  describe('while sweeps change the fleet', () => {
    let lab: Fleet | null = null;
    afterEach(async () => {
      await lab?.close();
      lab = null;
    });

    it('lists every VM present at the start exactly once while VMs are added and renamed between pages', async () => {
      const vms = Array.from({ length: 40 }, (_, i) => ({
        name: `vm-${String(i).padStart(2, '0')}`,
        host: i % 2 === 0 ? 'HV01' : 'HV02',
        guest: server('2022', 'datacenter', 'avma', 'licensed'),
      }));
      const events = Array.from({ length: 10 }, (_, i) => [
        {
          at: `2026-11-01T00:${String(i + 1).padStart(2, '0')}:00Z`,
          type: 'create-vm',
          vm: { ...vms[0], name: `new-${i}` },
        },
        {
          at: `2026-11-01T00:${String(i + 1).padStart(2, '0')}:00Z`,
          type: 'rename-vm',
          vm: `vm-${String(39 - i).padStart(2, '0')}`,
          name: `renamed-${i}`,
        },
        {
          at: `2026-11-01T00:${String(i + 1).padStart(2, '0')}:00Z`,
          type: 'rename-vm',
          vm: `vm-${String(i).padStart(2, '0')}`,
          name: `early-${i}`,
        },
      ]).flat();
      lab = await fleet(scenario(vms, events), {}, await backend.place());
      await lab.roundAt(0);
      const atStart = (await lab.store.listVmPage({}, null, 1000)).rows.map((row) => row.id);
      expect(atStart).toHaveLength(40);

      const seen: VmListRow[] = [];
      let after: string | null = null;
      let minute = 0;
      do {
        const page = await lab.store.listVmPage({}, after, 7);
        seen.push(...page.rows);
        after = page.next;
        minute += 1;
        await lab.roundAt(minute);
      } while (after !== null);

      const ids = seen.map((row) => row.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort());
      for (const id of atStart) expect(ids.filter((seenId) => seenId === id)).toHaveLength(1);
      // The sweeps really changed the fleet under the listing: renamed VMs and new ones were listed.
      const listedNames = seen.map((row) => row.name ?? '');
      expect(listedNames.some((name) => name.startsWith('renamed-') || name.startsWith('early-'))).toBe(true);
      expect(listedNames.some((name) => name.startsWith('new-'))).toBe(true);
      expect((await lab.store.listVmPage({}, null, 1000)).rows.length).toBeGreaterThan(40);
    });

    it('gives hostile names, FQDNs and KVP values back exactly', async () => {
      const hostile = [
        'quote " apostrophe \' back\\slash',
        '<script>alert("x")</script>',
        'line\r\nbreak',
        'lone \uD800 high',
        '\uDC00 lone low',
        '\uFFFFmarker first',
        'pair 😀 ok',
      ];
      const vms = hostile.map((_, i) => ({
        name: `plain-${i}`,
        host: 'HV01',
        guest: server('2022', 'datacenter', 'avma', 'licensed'),
      }));
      lab = await fleet(scenario(vms), {}, await backend.place());
      await lab.roundAt(0);
      hostile.forEach((name, i) => {
        const vm = lab?.lab.vmByName(`plain-${i}`);
        if (vm !== undefined) vm.name = name;
      });
      const evil = '<script>"x"</script>\r\n\'; DROP TABLE vms; --';
      const target = lab.lab.findVm(lab.lab.vms()[1]?.id ?? '');
      if (target === undefined) throw new Error('lab VM missing');
      publishFqdn(target, evil);
      target.writeGuestItem('Tenant.Note', evil);
      await lab.roundAt(10);

      const rows = await listAll(lab, {}, 3);
      expect(rows.map((row) => row.name).sort()).toEqual([...hostile].sort());
      expect(rows.find((row) => row.id === target.id)?.fqdn).toBe(evil);
      expect((await lab.store.listVmPage({ q: 'SCRIPT' })).rows.map((row) => row.name)).toEqual([hostile[1]]);
      const detail = await lab.store.getVmDetail(target.id);
      expect(detail?.names.map((span) => span.name)).toEqual(['plain-1', hostile[1]]);
      expect(detail?.kvp.guest).toContainEqual({ name: 'Tenant.Note', data: evil });
      expect(detail?.kvp.intrinsic).toContainEqual({ name: 'FullyQualifiedDomainName', data: evil });
      // Identity only carries a DNS name; the raw text stays in `fqdn`.
      expect(detail?.identity.fqdn).toBeNull();
      expect(detail?.fqdn).toBe(evil);
    });
  });

  describe('at 8,000 VMs', () => {
    it('pages through the whole fleet, 1,000 VMs a page, each page an index range', async () => {
      const place = await backend.place();
      const big = await fleet(generateFleet({ hosts: 8, vmsPerHost: 1000, seed: 7 }) as never, {}, place);
      try {
        await big.roundAt(0);
        const pages: number[] = [];
        const ids = new Set<string>();
        let after: string | null = null;
        do {
          const page = await big.store.listVmPage({}, after, 1000);
          pages.push(page.rows.length);
          for (const row of page.rows) ids.add(row.id);
          after = page.next;
        } while (after !== null);
        expect(pages).toEqual(Array.from({ length: 8 }, () => 1000));
        expect(ids.size).toBe(8000);
        if (backend.name === 'sqlite') {
          const plan = await pagePlan(big.store.path, NO_FILTER);
          expect(plan.filter((step) => step.startsWith('SCAN') && !step.includes('VIRTUAL TABLE'))).toEqual(
            [],
          );
        } else {
          const plan = await pgPagePlan(place, NO_FILTER, false);
          // The page walks the GUID index in order (no sort of the fleet); hosts (8 rows) may be hashed once.
          expect(plan[0]?.['Node Type']).toBe('Limit');
          expect(plan.find((node) => node['Relation Name'] === 'vms')).toMatchObject({
            'Node Type': 'Index Scan',
            'Index Name': 'vms_guid_key',
            'Index Cond': expect.stringMatching(/^\(guid > /),
          });
          const scans = plan.filter((node) => node['Node Type'] === 'Seq Scan');
          expect(scans.map((node) => node['Relation Name']).filter((table) => table !== 'hosts')).toEqual([]);
        }
      } finally {
        await big.close();
      }
    }, 60_000);
  });
});
