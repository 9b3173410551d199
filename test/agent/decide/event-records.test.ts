import { describe, expect, it } from 'vitest';
import { guestEventRecord, hostEventRecord, type KnownVms } from '../../../agent/decide/event-records.js';
import type { HostEvent } from '../../../agent/model/index.js';
import { guestEvent, VM_ID } from './decide-kit.js';

const FALLBACK = new Date('2026-11-10T12:00:00Z');
const KNOWN: KnownVms = {
  ids: new Set([VM_ID]),
  idByName: new Map([
    ['web01', VM_ID],
    ['twin', null],
  ]),
  idByFqdn: new Map([['web01.contoso.local', VM_ID]]),
};

/** A 12310 record as the lab writes it (agent/lab/activation.ts; the real layout is UNCONFIRMED). */
function labEvent(overrides: Partial<HostEvent> = {}): HostEvent {
  return {
    recordId: 42,
    eventId: 12310,
    provider: 'Microsoft-Windows-Security-SPP',
    time: '2026-11-10T11:00:00.000Z',
    message: `AVMA request from virtual machine web01 (${VM_ID}): Invalid Host (0xC004FD02)`,
    data: {
      VirtualMachineName: 'web01',
      VirtualMachineId: VM_ID.toUpperCase(),
      Notification: 'Invalid Host',
      Result: '0xc004fd02',
    },
    ...overrides,
  };
}

describe('agent/decide/event-records', () => {
  it('classifies a forwarded AVMA Success as avma-success with its HRESULT', () => {
    expect(guestEventRecord(VM_ID, 'HV01', guestEvent())).toEqual({
      source: 'guest',
      origin: VM_ID,
      recordId: 17,
      eventId: 12309,
      time: new Date('2026-11-10T11:55:00.000Z'),
      vm: VM_ID,
      host: 'HV01',
      notification: 'avma-success',
      hresult: '0x00000000',
      message: '12309 AVMA Success 0x00000000 (guest names host "HV01")',
    });
  });

  it('classifies an event the guest could not name from its HRESULT', () => {
    const record = guestEventRecord(
      VM_ID,
      'HV01',
      guestEvent({ notification: 'unknown', hresult: '0xC004FD03', host: undefined }),
    );
    expect(record).toMatchObject({
      notification: 'activation-denied',
      hresult: '0xC004FD03',
      message: '12309 Activation Denied 0xC004FD03',
    });
  });

  it('keeps an unknown notification without an HRESULT unknown', () => {
    expect(
      guestEventRecord(VM_ID, 'HV01', guestEvent({ notification: 'unknown', hresult: null })).notification,
    ).toBe('unknown');
  });

  it('records the sweep’s host, never the host the guest claims', () => {
    const record = guestEventRecord(VM_ID, 'HV02', guestEvent({ host: 'EVIL' }));
    expect(record.host).toBe('HV02');
    expect(record.message).toContain('"EVIL"');
  });

  it('reads the VM, notification and HRESULT of a 12310 from its EventData', () => {
    expect(hostEventRecord(labEvent(), KNOWN, FALLBACK)).toMatchObject({
      recordId: 42,
      eventId: 12310,
      time: new Date('2026-11-10T11:00:00.000Z'),
      vm: VM_ID,
      notification: 'invalid-host',
      hresult: '0xC004FD02',
    });
  });

  it('names the VM of a 12310 whose only data is a VM name, when one VM has it', () => {
    const byName = labEvent({ data: { '0': 'WEB01' }, message: '' });
    expect(hostEventRecord(byName, KNOWN, FALLBACK)).toMatchObject({
      vm: VM_ID,
      notification: null,
      hresult: null,
      message: '12310 from Microsoft-Windows-Security-SPP',
    });
    expect(hostEventRecord(labEvent({ data: { '0': 'twin' }, message: '' }), KNOWN, FALLBACK).vm).toBeNull();
  });

  it('says how each 12310 was attributed: VM id, name, FQDN, or a known GUID in the message', () => {
    const attributed = (overrides: Partial<HostEvent>) => {
      const { vm, vmMatch } = hostEventRecord(labEvent(overrides), KNOWN, FALLBACK);
      return { vm, vmMatch };
    };
    expect(attributed({})).toEqual({ vm: VM_ID, vmMatch: 'vm-id' });
    expect(attributed({ data: { Name: 'web01' } })).toEqual({ vm: VM_ID, vmMatch: 'vm-name' });
    expect(attributed({ data: { Guest: 'WEB01.contoso.local' }, message: '' })).toEqual({
      vm: VM_ID,
      vmMatch: 'fqdn',
    });
    expect(attributed({ data: {}, message: `request from ${VM_ID.toUpperCase()} denied` })).toEqual({
      vm: VM_ID,
      vmMatch: 'message-id',
    });
    expect(attributed({ data: {}, message: 'AVMA request: Invalid Host' })).toEqual({
      vm: null,
      vmMatch: null,
    });
  });

  it('leaves the VM out when the 12310 names one the store does not know', () => {
    const stranger = labEvent({ data: { VirtualMachineId: '00000000-0000-0000-0000-00000000beef' } });
    expect(hostEventRecord(stranger, KNOWN, FALLBACK).vm).toBeNull();
  });

  it('takes the HRESULT from the message when the data has none', () => {
    expect(hostEventRecord(labEvent({ data: {} }), KNOWN, FALLBACK)).toMatchObject({
      notification: 'invalid-host',
      hresult: '0xC004FD02',
    });
  });

  it('stores a record with an unreadable time at the sweep time so the bookmark can pass it', () => {
    expect(hostEventRecord(labEvent({ time: 'yesterday' }), KNOWN, FALLBACK).time).toEqual(FALLBACK);
  });
});
