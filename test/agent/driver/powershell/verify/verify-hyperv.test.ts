import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPowerShellDriver } from '../../../../../agent/driver/powershell/powershell-driver.js';
import { type RecordedStep, Recording } from '../../../../../agent/driver/powershell/recording.js';
import { runVerify } from '../../../../../agent/driver/powershell/verify/verify-hyperv.js';
import { loadRecording, ReplayingRunner } from '../replaying-runner.js';

const outRoot = mkdtempSync(join(tmpdir(), 'avma-verify-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

function hostSteps(): RecordedStep[] {
  return [
    ...loadRecording('host-info.recording.json').steps,
    ...loadRecording('list-vms.recording.json').steps,
    loadRecording('read-events.recording.json').steps[0] as RecordedStep,
  ];
}

async function verify(steps: RecordedStep[]): Promise<{ code: number; report: string[]; out: string }> {
  const out = mkdtempSync(join(outRoot, 'run-'));
  const report: string[] = [];
  const runner = new ReplayingRunner(steps);
  const code = await runVerify(['--out', out], { print: (line) => report.push(line) }, runner);
  expect(runner.remaining).toBe(0);
  return { code, report, out };
}

describe('agent/driver/powershell/verify/verify-hyperv', () => {
  it('runs only the three reads, passes the recorded host and reports what it found', async () => {
    const { code, report } = await verify(hostSteps());
    expect(code).toBe(0);
    expect(report).toContain(
      'host-info: 2022 datacenter, build 20348, activated true, 2 socket(s), cluster cluster1',
    );
    expect(report).toContain('list-vms: 4 VM(s)');
    expect(report).toContain('  VM #0: Running, data exchange true, guest windows-server 2022');
    expect(report).toContain('read-events: 4 event(s) 12310');
    expect(report.at(-1)).toBe('verify:hyperv: all answers match the driver schemas');
  });

  it('writes anonymised recordings without names, domains, FQDNs, addresses, VM ids or tenant data', async () => {
    const { out } = await verify(hostSteps());
    expect(readdirSync(out).sort()).toEqual([
      'host-info.recording.json',
      'list-vms.recording.json',
      'read-events.recording.json',
    ]);
    const all = readdirSync(out)
      .map((file) => readFileSync(join(out, file), 'utf8'))
      .join('\n');
    for (const secret of [
      'DemoVM',
      'tvmdemo1',
      'NODE1',
      'node2',
      'cluster1',
      'contoso',
      'AUTOBVT-4OVYXAB',
      '192.0.2.10',
      '169.254.103.5',
      'a1576c71',
      'A1576C71',
      '>Ready<',
      '>Data<',
    ]) {
      expect(all.includes(secret), secret).toBe(false);
    }
    expect(all).toContain('Windows Server 2022 Datacenter');
    expect(all).toContain('redacted (5 characters)');
  });

  it('writes recordings that replay through the driver to the same shapes, with names replaced consistently', async () => {
    const { out } = await verify(hostSteps());
    const steps = ['host-info', 'list-vms', 'read-events'].flatMap(
      (name) => Recording.parse(JSON.parse(readFileSync(join(out, `${name}.recording.json`), 'utf8'))).steps,
    );
    const driver = await createPowerShellDriver({ runner: new ReplayingRunner(steps) });
    const info = await driver.hostInfo();
    const vms = await driver.listVms();
    const events = await driver.readEvents({ ids: [12310], afterRecordId: 0 });
    await driver.close();
    expect([info.name, info.cluster, info.clusterNodes, info.fqdn]).toEqual([
      'host-1',
      'cluster-1',
      ['host-1', 'host-2'],
      'host-1.domain1.example',
    ]);
    expect(vms.map((vm) => [vm.name, vm.state, vm.intrinsicItems.length])).toEqual([
      ['vm-1', 'Running', 18],
      ['vm-2', 'Running', 10],
      ['vm-3', 'Off', 0],
      ['vm-4', 'Saved', 0],
    ]);
    expect(events.map((event) => event.data['0'])).toEqual(['vm-1', 'vm-2', 'vm-1', 'vm-1']);
  });

  it('reports an answer of another schema as a problem, exits 1, and records only what parsed', async () => {
    const steps = hostSteps();
    steps[0] = { ...(steps[0] as RecordedStep), output: { ok: { ComputerName: 'HV01' } } };
    const { code, report, out } = await verify(steps);
    expect(code).toBe(1);
    expect(report.find((line) => line.startsWith('PROBLEM host-info'))).toContain(
      'result does not match the expected schema',
    );
    expect(readdirSync(out)).toHaveLength(3);
  });

  it('refuses unknown arguments with exit 2', async () => {
    const report: string[] = [];
    expect(
      await runVerify(['--force'], { print: (line) => report.push(line) }, new ReplayingRunner([])),
    ).toBe(2);
    expect(report[0]).toContain("Unknown option '--force'");
  });
});
