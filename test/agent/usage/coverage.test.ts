import { describe, expect, it } from 'vitest';
import type { UsageInputs, UsageInterval } from '../../../agent/store/index.js';
import { monthHoursOf, observedMsByHost } from '../../../agent/usage/coverage.js';
import { hoursOf } from '../../../agent/usage/intervals.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-01T00:00:00Z');
const END = Date.parse('2026-12-01T00:00:00Z');
const at = (hours: number) => START + hours * HOUR;

function interval(vm: string, host: string, from: number, until: number): UsageInterval {
  return {
    vm,
    host,
    fromMs: from,
    untilMs: until,
    state: 'Running',
    version: '2019',
    edition: 'standard',
    licenseStatus: 'licensed',
    channel: 'avma',
    evidence: 'host+guest',
    processorCount: 2,
    memoryAssignedBytes: null,
  };
}

function inputs(hosts: [string, number, number][], intervals: UsageInterval[]): UsageInputs {
  return {
    fromMs: START,
    toMs: END,
    hosts: hosts.map(([name, first, last]) => ({ name, firstSeenMs: first, lastSeenMs: last, facts: [] })),
    vms: [],
    intervals,
  };
}

const hoursByHost = (input: UsageInputs) =>
  Object.fromEntries([...observedMsByHost(input)].map(([host, ms]) => [host, hoursOf(ms)]));

describe('agent/usage/coverage', () => {
  it('counts the hours of a calendar month in UTC', () => {
    expect(monthHoursOf(START, END)).toBe(720);
    expect(monthHoursOf(Date.parse('2027-02-01T00:00:00Z'), Date.parse('2027-03-01T00:00:00Z'))).toBe(672);
  });

  it('shows a month the agent started recording half-way through as half observed', () => {
    const input = inputs([['HV01', at(360), at(720)]], [interval('vm1', 'HV01', at(360), at(720))]);
    expect(hoursByHost(input)).toEqual({ HV01: 360 });
  });

  it('subtracts the hours a host did not answer (its VM unseen between two sightings on it)', () => {
    const input = inputs(
      [['HV01', at(0), at(720)]],
      [interval('vm1', 'HV01', at(0), at(100)), interval('vm1', 'HV01', at(124), at(720))],
    );
    expect(hoursByHost(input)).toEqual({ HV01: 696 });
  });

  it('keeps a host observed while the agent records the fleet, also when its VMs moved away', () => {
    const input = inputs(
      [
        ['HV01', at(0), at(720)],
        ['HV02', at(0), at(720)],
      ],
      [interval('vm1', 'HV01', at(0), at(240)), interval('vm1', 'HV02', at(240), at(720))],
    );
    expect(hoursByHost(input)).toEqual({ HV01: 720, HV02: 720 });
  });

  it('rounds to two decimals without float noise', () => {
    const input = inputs([['HV01', at(0), at(720)]], [interval('vm1', 'HV01', at(0), at(0) + 43_200_001)]);
    expect(JSON.stringify(hoursByHost(input))).toBe('{"HV01":12}');
  });
});
