import { describe, expect, it } from 'vitest';
import { attributeByTime, hostEvidenceOf, sightingsByVm } from '../../../agent/decide/host-evidence.js';
import type { HostEventInput } from '../../../agent/store/index.js';
import type { GuestEvent } from '../../../shared/protocol/index.js';
import { memory, VM_ID } from './decide-kit.js';

const OTHER = '6a3f5c2e-0b1d-4e8f-9a7b-0000000000ff';
const T = Date.parse('2026-11-10T11:00:00Z');

function hostRecord(overrides: Partial<HostEventInput> = {}): HostEventInput {
  return {
    recordId: 7,
    eventId: 12310,
    time: new Date(T),
    vm: null,
    notification: 'avma-success',
    ...overrides,
  };
}

function forwarded(offsetMs: number, notification: GuestEvent['notification'] = 'success'): GuestEvent {
  return {
    v: 1,
    recordId: 1,
    time: new Date(T + offsetMs).toISOString(),
    notification,
    hresult: '0x00000000',
  };
}

describe('agent/decide/host-evidence', () => {
  it('attributes an unattributed 12310 to the one VM whose forwarded 12309 matches it in time and outcome', () => {
    const guests = new Map([
      [VM_ID, [forwarded(40_000)]],
      [OTHER, [forwarded(3_600_000)]],
    ]);
    const [record] = attributeByTime([hostRecord()], guests, 300_000);
    expect(record).toMatchObject({ vm: VM_ID, vmMatch: 'time' });
  });

  it('makes no match when two VMs could have made the request, or the outcomes differ', () => {
    const twins = new Map([
      [VM_ID, [forwarded(0)]],
      [OTHER, [forwarded(10_000)]],
    ]);
    expect(attributeByTime([hostRecord()], twins, 300_000)[0]?.vm).toBeNull();
    const denied = new Map([[VM_ID, [forwarded(0, 'activation-denied')]]]);
    expect(attributeByTime([hostRecord()], denied, 300_000)[0]?.vm).toBeNull();
  });

  it('never moves a record that already names its VM, whatever a guest forwards', () => {
    const forged = new Map([[OTHER, [forwarded(0)]]]);
    const named = hostRecord({ vm: VM_ID, vmMatch: 'vm-id' });
    expect(attributeByTime([named], forged, 300_000)[0]).toBe(named);
  });

  it('merges this sweep’s sightings with the stored ones, the later of each', () => {
    const fresh = sightingsByVm(
      [
        hostRecord({ vm: VM_ID, time: new Date(T), notification: 'avma-success' }),
        hostRecord({ recordId: 8, vm: VM_ID, time: new Date(T + 60_000), notification: 'invalid-data' }),
      ],
      'HV01',
    ).get(VM_ID);
    expect(fresh).toEqual({
      lastEvent: { timeMs: T + 60_000, notification: 'invalid-data', host: 'HV01' },
      lastSuccess: { timeMs: T, notification: 'avma-success', host: 'HV01' },
    });
    const stored = memory({
      lastHostSuccess: { timeMs: T + 120_000, notification: 'avma-success', host: 'HV02' },
    });
    expect(hostEvidenceOf(stored, fresh).lastSuccess?.host).toBe('HV02');
    expect(hostEvidenceOf(null, undefined)).toEqual({ lastEvent: null, lastSuccess: null });
  });
});
