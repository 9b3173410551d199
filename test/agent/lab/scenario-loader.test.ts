import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabError } from '../../../agent/lab/lab-error.js';
import {
  defaultScenario,
  loadScenarioFile,
  parseScenario,
  validateScenario,
} from '../../../agent/lab/scenario-loader.js';
import { host, START, server, vm } from './lab-test-kit.js';

function base(extra: Record<string, unknown> = {}) {
  return {
    start: START,
    hosts: [host('HV01'), host('HV02', '2019')],
    vms: [
      vm('web01', 'HV01', server('2019', 'standard')),
      vm('web02', 'HV01', server('2022', 'datacenter')),
      vm('lnx01', 'HV02', { os: 'linux' }),
      vm('app01', 'HV02', server('2016', 'datacenter')),
    ],
    events: [],
    ...extra,
  };
}

/** The message of the LabError INVALID_SCENARIO that validating `input` throws. */
function refusal(input: unknown): string {
  try {
    validateScenario(input);
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('INVALID_SCENARIO');
    return (error as LabError).message;
  }
  throw new Error('the scenario was accepted');
}

function withVm(index: number, change: (entry: Record<string, unknown>) => void) {
  const scenario = base();
  change(scenario.vms[index] as Record<string, unknown>);
  return scenario;
}

describe('agent/lab/scenario-loader', () => {
  it('accepts a valid scenario and fills in the documented defaults', () => {
    const scenario = validateScenario(base());
    expect(scenario.vms[0]).toMatchObject({ state: 'running', dataExchange: true, guestAgent: false });
    expect(scenario.vms[0]?.guest).toMatchObject({ evaluation: false });
    expect(scenario.events).toEqual([]);
  });

  it('names the edition path and the accepted editions', () => {
    const input = withVm(3, (entry) => {
      entry.guest = server('2019', 'ultimate');
    });
    expect(refusal(input)).toBe(
      'vms[3].guest.edition: expected one of datacenter, standard, essentials, datacenter-azure',
    );
  });

  it("refuses a tenant the store could not keep (a NUL), naming the VM's path in one line", () => {
    const input = withVm(3, (entry) => Object.assign(entry, { tenant: 'contoso\u0000' }));
    expect(refusal(input)).toBe(
      'vms[3].tenant: expected a non-empty string of at most 64 characters without NUL',
    );
    const created = base({
      events: [
        {
          at: START,
          type: 'create-vm',
          vm: { ...vm('new01', 'HV01', server('2019', 'standard')), tenant: '\0' },
        },
      ],
    });
    expect(refusal(created)).toMatch(/^events\[0\]\.vm\.tenant: expected a non-empty string/);
  });

  it('refuses an unknown field, naming it', () => {
    expect(refusal(withVm(1, (entry) => Object.assign(entry, { colour: 'blue' })))).toBe(
      'vms[1].colour: unknown field',
    );
    expect(refusal({ ...base(), extra: 1 })).toBe('extra: unknown field');
  });

  it('refuses a VM on a host the scenario does not have', () => {
    const input = withVm(2, (entry) => {
      entry.host = 'HV9';
    });
    expect(refusal(input)).toBe('vms[2].host: unknown host "HV9", expected one of HV01, HV02');
  });

  it('refuses two VMs of the same name on one host, ignoring case as Windows does', () => {
    const input = withVm(1, (entry) => {
      entry.name = 'WEB01';
    });
    expect(refusal(input)).toBe('vms[1].name: a VM named "WEB01" already exists on HV01');
  });

  it('allows the same VM name on two hosts', () => {
    const input = withVm(3, (entry) => {
      entry.name = 'web01';
    });
    expect(validateScenario(input).vms).toHaveLength(4);
  });

  it('refuses a start that is not a date and a day that does not exist', () => {
    const expected = 'expected an ISO-8601 time with a zone, such as 2026-11-01T00:00:00Z';
    expect(refusal({ ...base(), start: 'yesterday' })).toBe(`start: ${expected}`);
    expect(refusal({ ...base(), start: '2026-02-30T00:00:00Z' })).toBe(`start: ${expected}`);
    expect(refusal({ ...base(), start: '2026-11-01T00:00:00' })).toBe(`start: ${expected}`);
  });

  it('refuses a guest version that does not belong to its operating system', () => {
    const client = withVm(0, (entry) => {
      entry.guest = { os: 'windows-client', version: '2019', edition: 'pro' };
    });
    expect(refusal(client)).toBe('vms[0].guest.version: expected one of 10, 11');
    const serverEleven = withVm(0, (entry) => {
      entry.guest = server('11', 'standard');
    });
    expect(refusal(serverEleven)).toMatch(
      /^vms\[0\]\.guest\.version: expected one of 2008R2, 2012, 2012R2, 2016/,
    );
  });

  it('refuses a key word that fits no key of the guest, naming why', () => {
    const input = withVm(1, (entry) => {
      entry.guest = server('2022', 'essentials', 'avma');
    });
    expect(refusal(input)).toBe(
      'vms[1].guest.key: Microsoft publishes no AVMA key for Windows Server 2022 Essentials',
    );
    const evaluation = withVm(1, (entry) => {
      entry.guest = server('2022', 'standard', 'gvlk', 'licensed', { evaluation: true });
    });
    expect(refusal(evaluation)).toMatch(
      /^vms\[1\]\.guest\.key: an Evaluation guest runs on its own time-based key/,
    );
  });

  it('refuses a licensed guest without a key and a guest agent in a Linux guest', () => {
    const keyless = withVm(0, (entry) => {
      entry.guest = server('2019', 'standard', 'none', 'licensed');
    });
    expect(refusal(keyless)).toMatch(
      /^vms\[0\]\.guest\.licenseStatus: a guest without a product key cannot be licensed/,
    );
    const linuxAgent = withVm(2, (entry) => {
      entry.guestAgent = true;
    });
    expect(refusal(linuxAgent)).toBe('vms[2].guestAgent: the guest agent runs on Windows guests only');
  });

  it('refuses an event for a VM or host that does not exist at that time', () => {
    const unknownVm = base({ events: [{ at: '2026-11-02T00:00:00Z', type: 'stop', vm: 'ghost' }] });
    expect(refusal(unknownVm)).toBe('events[0].vm: no VM named "ghost" exists at 2026-11-02T00:00:00Z');
    const unknownHost = base({ events: [{ at: '2026-11-02T00:00:00Z', type: 'host-down', host: 'HV7' }] });
    expect(refusal(unknownHost)).toBe('events[0].host: unknown host "HV7", expected one of HV01, HV02');
  });

  it('follows renames, creations and deletions in time order, whatever the order in the file', () => {
    const events = [
      { at: '2026-11-03T00:00:00Z', type: 'stop', vm: 'frontend' },
      { at: '2026-11-02T00:00:00Z', type: 'rename-vm', vm: 'web01', name: 'frontend' },
      { at: '2026-11-04T00:00:00Z', type: 'stop', vm: 'web01' },
    ];
    expect(refusal(base({ events }))).toBe(
      'events[2].vm: no VM named "web01" exists at 2026-11-04T00:00:00Z',
    );
    const created = [
      {
        at: '2026-11-02T00:00:00Z',
        type: 'create-vm',
        vm: vm('new01', 'HV02', server('2019', 'datacenter')),
      },
      { at: '2026-11-03T00:00:00Z', type: 'migrate', vm: 'new01', to: 'HV01' },
      { at: '2026-11-04T00:00:00Z', type: 'delete-vm', vm: 'new01' },
    ];
    expect(validateScenario(base({ events: created })).events).toHaveLength(3);
    const afterDeletion = [...created, { at: '2026-11-05T00:00:00Z', type: 'start', vm: 'NEW01' }];
    expect(refusal(base({ events: afterDeletion }))).toBe(
      'events[3].vm: no VM named "NEW01" exists at 2026-11-05T00:00:00Z',
    );
    // A rename in other letters only is the same name; the VM is found by either spelling after it.
    const recased = [
      { at: '2026-11-02T00:00:00Z', type: 'rename-vm', vm: 'web01', name: 'WEB01' },
      { at: '2026-11-03T00:00:00Z', type: 'stop', vm: 'Web01' },
    ];
    expect(validateScenario(base({ events: recased })).events).toHaveLength(2);
  });

  it('refuses an event with a missing field, an unknown type or a time before the start', () => {
    const missing = base({ events: [{ at: '2026-11-02T00:00:00Z', type: 'migrate', vm: 'web01' }] });
    expect(refusal(missing)).toBe('events[0].to: missing; expected string');
    const unknownType = base({ events: [{ at: '2026-11-02T00:00:00Z', type: 'reboot', vm: 'web01' }] });
    expect(refusal(unknownType)).toMatch(/^events\[0\]\.type: expected one of start, stop, delete-vm/);
    const early = base({ events: [{ at: '2026-10-31T23:59:59Z', type: 'stop', vm: 'web01' }] });
    expect(refusal(early)).toBe(
      'events[0].at: 2026-10-31T23:59:59Z is before the scenario start 2026-11-01T00:00:00Z',
    );
  });

  it('refuses a migration to the host the VM is on and a name an event would duplicate', () => {
    const same = base({ events: [{ at: '2026-11-02T00:00:00Z', type: 'migrate', vm: 'web01', to: 'hv01' }] });
    expect(refusal(same)).toBe('events[0].to: "web01" is already on HV01');
    const clash = base({
      events: [{ at: '2026-11-02T00:00:00Z', type: 'rename-vm', vm: 'web01', name: 'web02' }],
    });
    expect(refusal(clash)).toBe('events[0].name: a VM named "web02" already exists on HV01');
  });

  it('refuses a VM name two hosts share when an event names it', () => {
    const input = withVm(3, (entry) => {
      entry.name = 'web01';
    });
    input.events = [{ at: '2026-11-02T00:00:00Z', type: 'stop', vm: 'web01' }] as never;
    expect(refusal(input)).toBe('events[0].vm: "web01" names VMs on HV01 and HV02; give VMs unique names');
  });

  it('refuses a processor list that does not match the socket count', () => {
    const input = base({
      hosts: [host('HV01', '2022', 'datacenter', { coresPerSocket: [8, 8, 8] }), host('HV02')],
    });
    expect(refusal(input)).toBe('hosts[0].coresPerSocket: 3 entries, expected one per socket (2)');
  });

  it('refuses text that is not JSON, naming the problem in one line', () => {
    expect(() => parseScenario('{"start": ')).toThrow(/^scenario: not valid JSON \(/);
  });

  it('reads a scenario file and prefixes refusals with its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-scenario-'));
    const good = join(dir, 'good.json');
    await writeFile(good, `\ufeff${JSON.stringify(base())}`);
    expect((await loadScenarioFile(good)).hosts).toHaveLength(2);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...base(), start: 'soon' }));
    await expect(loadScenarioFile(bad)).rejects.toThrow(`${bad}: start: expected an ISO-8601 time`);
    await expect(loadScenarioFile(join(dir, 'none.json'))).rejects.toThrow(/cannot read \(no such file\)/);
  });

  it('ships a default scenario that passes its own validation', () => {
    const scenario = defaultScenario();
    expect(scenario.vms.length).toBeGreaterThanOrEqual(24);
    expect(scenario.events.length).toBeGreaterThanOrEqual(5);
  });
});

describe('agent/lab/scenario-loader corrupt-kvp values', () => {
  const corrupt = (value: string, item?: string) =>
    base({
      events: [
        { at: '2026-11-02T00:00:00Z', type: 'corrupt-kvp', vm: 'web01', value, ...(item ? { item } : {}) },
      ],
    });

  it('accepts any text the KVP wire carries, up to 1023 UTF-16 units', () => {
    const scenario = validateScenario(corrupt(`{"v":1,${'é'.repeat(600)}😀`));
    expect(scenario.events[0]).toMatchObject({ item: 'AvmaAgent.Status' });
  });

  it('refuses a value over the wire limit, a NUL and a lone surrogate, naming the field', () => {
    expect(refusal(corrupt('x'.repeat(1024)))).toBe(
      'events[0].value: expected at most 1023 UTF-16 code units (the KVP wire limit)',
    );
    expect(refusal(corrupt('a\u0000b'))).toBe(
      'events[0].value: expected text without NUL, lone surrogates or U+FFFE/U+FFFF',
    );
    expect(refusal(corrupt('ok', '\ud800'))).toBe(
      'events[0].item: expected text without NUL, lone surrogates or U+FFFE/U+FFFF',
    );
  });
});
