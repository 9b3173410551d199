import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VmStatus } from '../../agent/store/index.js';
import { avma } from '../agent/cli/cli-harness.js';
import { spawnAvma } from './child-avma.js';

/** `npm start` is `avma run` with no options (package.json); this runs the same from source. */
describe('e2e/npm-start', () => {
  it('runs the agent on the default lab: says where to look, sweeps every second, pushes keys, records events; Ctrl+C stops it cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-start-'));
    const run = spawnAvma(['run'], dir);
    try {
      // HV06's sweep at lab minute 8 or later: the lab clock runs at 60x real time, so on a loaded CI
      // machine a stall of two seconds can skip minutes 8 and 9 entirely (seen once under .ci/run).
      await run.waitFor(/^\[2026-11-01T00:(0[89]|[1-5]\d):[\d.]+Z\] HV06: /, 40_000);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
    const lines = run.stderr().split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'avma run: lab driver, the bundled scenario (6 hosts, 31 VMs), database ./avma.sqlite',
      '  lab clock: from 2026-11-01T00:00:00.000Z (the scenario start) at 60x; a sweep every 60 s of lab time',
      '  (the scenario plays over a month of lab time; --lab-speed 3600 --interval 900 shows it in about 12 minutes)',
      '  look next, in another terminal (now or after stopping):',
      '    npx avma status --db ./avma.sqlite',
      '    npx avma events --db ./avma.sqlite',
      '    npx avma export usage --db ./avma.sqlite --month 2026-11 --format csv',
      '  Ctrl+C stops after the current sweep.',
    ]);
    const hv01 = lines.filter((line) => /\] HV01: /.test(line));
    expect(hv01.length).toBeGreaterThanOrEqual(8);
    expect(hv01[0]).toMatch(
      /^\[2026-11-01T00:00:00\.000Z\] HV01: 19 VMs, 8 eligible, 3 pushed, 0 wiped, \d+ new events, \d+ with problems, [\d.]+ ms$/,
    );
    expect(hv01.slice(1).some((line) => /, 0 pushed, 0 wiped, [1-9]\d* new events/.test(line))).toBe(true);
    expect(lines.at(-2)).toMatch(
      /^avma run: stopped after \d+ sweeps \(0 not fully recorded\); database \.\/avma\.sqlite$/,
    );
    const status = (await avma(['status', '--db', join(dir, 'avma.sqlite'), '--json'])).json<VmStatus[]>();
    const pushed = status.filter((vm) => vm.keyPushed);
    expect(pushed.map((vm) => vm.name).sort()).toEqual(['azure01', 'upg01', 'web01', 'web03']);
    expect(pushed.every((vm) => vm.licenseStatus === 'licensed' && vm.channel === 'avma')).toBe(true);
  }, 60_000);
});
