import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VmStatus } from '../../agent/store/index.js';
import { REASON_CODES } from '../../shared/avma/index.js';
import { avma } from '../agent/cli/cli-harness.js';

describe('e2e/reason-codes', () => {
  it('shows every reason code of architecture §7 in `avma status --json` on the default lab, OPTED_OUT set from the CLI', async () => {
    const db = join(await mkdtemp(join(tmpdir(), 'e2e-reasons-')), 'avma.sqlite');
    expect((await avma(['lab', 'run', '--days', '9', '--db', db])).code).toBe(0);
    const optOut = await avma([
      'vm',
      'opt-out',
      'web02',
      '--db',
      db,
      '--reason',
      'tenant brings its own licence',
      '--actor',
      'e2e',
    ]);
    expect(optOut.json()).toMatchObject({ name: 'web02', changed: true, optedOut: true });
    expect((await avma(['lab', 'run', '--days', '10', '--db', db])).code).toBe(0);
    const rows = (await avma(['status', '--db', db, '--json'])).json<VmStatus[]>();
    const seen = new Set(rows.flatMap((row) => row.reasons));
    expect(REASON_CODES.filter((code) => !seen.has(code))).toEqual([]);
    const byName = (name: string) => rows.find((row) => row.name === name);
    expect(byName('web02')).toMatchObject({ reasons: ['OPTED_OUT'], eligible: false, optedOut: true });
    expect(byName('sql01')?.reasons).toEqual(['TENANT_KEY']);
    expect(byName('saved01')?.reasons).toEqual(['GUEST_UNKNOWN']);
    expect(byName('nokvp01')?.reasons).toEqual(['DATA_EXCHANGE_DISABLED', 'GUEST_UNKNOWN']);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining([
          'id',
          'name',
          'host',
          'tenant',
          'eligible',
          'reasons',
          'licenseStatus',
          'channel',
          'keyPushed',
          'kvpWiped',
          'problems',
          'lastSeen',
        ]),
      );
    }
    const audit = (await avma(['events', '--db', db, '--json'])).json<
      { source: string; message: string }[]
    >();
    expect(audit.filter((e) => e.source === 'agent').map((e) => e.message)).toContain(
      'opt-out by e2e: tenant brings its own licence',
    );
  }, 60_000);
});
