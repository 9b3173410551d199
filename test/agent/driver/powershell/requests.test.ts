import { describe, expect, it } from 'vitest';
import { DriverError } from '../../../../agent/driver/driver-error.js';
import {
  dataExchangeRequest,
  kvpRemoveRequest,
  kvpWriteRequest,
  normalizeVmId,
  readEventsRequest,
} from '../../../../agent/driver/powershell/requests.js';

const VM = 'A1576C71-F505-4D1B-9B78-2CFD971B0F31';
const SETTINGS = { api: 'cim', jobTimeoutSeconds: 30 } as const;

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DriverError);
    return `${(error as DriverError).code}: ${(error as DriverError).message}`;
  }
  return 'no error';
}

describe('agent/driver/powershell/requests', () => {
  it('encodes items as Msvm_KvpExchangeDataItem CIM-XML with Source 0 and lower-cases the VM id', () => {
    const request = kvpWriteRequest('add-kvp', VM, [{ name: 'AvmaAgent.Key', data: 'a<b & "c"' }], SETTINGS);
    expect(request.arguments).toEqual({
      VmId: VM.toLowerCase(),
      Names: ['AvmaAgent.Key'],
      Items: [
        '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem"><PROPERTY NAME="Data" TYPE="string"><VALUE>a&lt;b &amp; &quot;c&quot;</VALUE></PROPERTY><PROPERTY NAME="Name" TYPE="string"><VALUE>AvmaAgent.Key</VALUE></PROPERTY><PROPERTY NAME="Source" TYPE="uint16"><VALUE>0</VALUE></PROPERTY></INSTANCE>',
      ],
      Api: 'cim',
      JobTimeoutSeconds: 30,
    });
  });

  it('sends removals with empty Data, as only the keys need to match', () => {
    expect(kvpRemoveRequest(VM, ['AvmaAgent.Key'], SETTINGS).arguments.Items).toEqual([
      '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem"><PROPERTY NAME="Data" TYPE="string"><VALUE></VALUE></PROPERTY><PROPERTY NAME="Name" TYPE="string"><VALUE>AvmaAgent.Key</VALUE></PROPERTY><PROPERTY NAME="Source" TYPE="uint16"><VALUE>0</VALUE></PROPERTY></INSTANCE>',
    ]);
  });

  it('answers NO_VM for an id that is not a GUID without asking the host', () => {
    expect(code(() => normalizeVmId("x'; Stop-Computer"))).toMatch(
      /^NO_VM: no VM with id "x'; Stop-Computer"/,
    );
    expect(code(() => dataExchangeRequest('DemoVM', true))).toMatch(/^NO_VM/);
  });

  it('refuses more than 128 items, a key twice in any case, an empty key and items over the wire limits', () => {
    const many = Array.from({ length: 129 }, (_, i) => ({ name: `k${i}`, data: '' }));
    expect(code(() => kvpWriteRequest('add-kvp', VM, many, SETTINGS))).toBe(
      'INVALID_ARGUMENT: add-kvp: 129 items; expected at most 128 per call',
    );
    const twice = [
      { name: 'Key', data: '1' },
      { name: 'KEY', data: '2' },
    ];
    expect(code(() => kvpWriteRequest('modify-kvp', VM, twice, SETTINGS))).toBe(
      'INVALID_ARGUMENT: modify-kvp: key "KEY" appears twice in one call',
    );
    expect(code(() => kvpWriteRequest('add-kvp', VM, [{ name: '', data: 'x' }], SETTINGS))).toMatch(
      /^INVALID_ARGUMENT: add-kvp: item 0: /,
    );
    expect(code(() => kvpRemoveRequest(VM, ['k'.repeat(256)], SETTINGS))).toMatch(
      /^INVALID_ARGUMENT: remove-kvp: item 0: /,
    );
  });

  it('passes the bookmark as a string and de-duplicates event ids', () => {
    const { request, max } = readEventsRequest({ ids: [12310, 12310, 12309], afterRecordId: 4802 });
    expect([request.arguments, max]).toEqual([
      { EventIds: [12310, 12309], AfterRecordId: '4802', MaxEvents: 1000 },
      1000,
    ]);
  });

  it('refuses event ids outside 0..65535, a negative or fractional bookmark and max outside 1..10000', () => {
    expect(code(() => readEventsRequest({ ids: [70000], afterRecordId: 0 }))).toMatch(
      /^INVALID_ARGUMENT: read-events: ids \[70000\]/,
    );
    expect(code(() => readEventsRequest({ ids: [1], afterRecordId: -1 }))).toMatch(/afterRecordId -1/);
    expect(code(() => readEventsRequest({ ids: [1], afterRecordId: 1.5 }))).toMatch(/afterRecordId 1.5/);
    expect(code(() => readEventsRequest({ ids: [1], afterRecordId: 0, max: 0 }))).toMatch(/max 0/);
  });
});
