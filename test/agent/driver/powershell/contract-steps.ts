/**
 * The recorded conversations behind the driver contract suite, one per contract test. The answers are
 * the fixture recordings in test/fixtures/powershell/ (see PROVENANCE.md); where a test changes the
 * host, the later listings are the fixture inventory with the writable VM's HostExchangeItems as the
 * host would then print them (each item the embedded-instance text the driver sent).
 */
import { encodeKvpItem } from 'hyperv-kvp';
import type { RecordedStep } from '../../../../agent/driver/powershell/recording.js';
import {
  dataExchangeRequest,
  kvpRemoveRequest,
  kvpWriteRequest,
} from '../../../../agent/driver/powershell/requests.js';
import type { PsRequest } from '../../../../agent/driver/powershell/runner.js';
import { loadRecording } from './replaying-runner.js';

export const WRITABLE_VM = 'a1576c71-f505-4d1b-9b78-2cfd971b0f31';
export const UNKNOWN_VM = '9e4f3a21-7c55-4d0e-a1b2-c3d4e5f60718';
export const HOST_NAME = 'node1';
const SETTINGS = { api: 'auto', jobTimeoutSeconds: 60 } as const;

interface FixtureVm {
  readonly Id: string;
  readonly DataExchange: string;
  readonly IntrinsicItems: readonly string[];
  readonly GuestItems: readonly string[];
  readonly HostItems: readonly string[];
}

const listVmsStep = loadRecording('list-vms.recording.json').steps[0] as RecordedStep;
const baseVms = (listVmsStep.output as { ok: { Vms: FixtureVm[] } }).ok.Vms;
const baseHostItems = (baseVms.find((vm) => vm.Id === WRITABLE_VM) as FixtureVm).HostItems;
const hostInfoStep = loadRecording('host-info.recording.json').steps[0] as RecordedStep;
const eventsStep = loadRecording('read-events.recording.json').steps[0] as RecordedStep;
const allEvents = (eventsStep.output as { ok: { Events: { RecordId: string }[] } }).ok.Events;

function step(request: PsRequest, ok: unknown): RecordedStep {
  return { operation: request.operation, arguments: request.arguments, output: { ok } };
}

/** A list-vms answer: the fixture host with the writable VM's host items (base items first) changed. */
function listing(
  added: readonly (readonly [string, string])[],
  changes: Partial<FixtureVm> = {},
): RecordedStep {
  const hostItems = [
    ...baseHostItems,
    ...added.map(([name, data]) => encodeKvpItem({ name, data, source: 0 })),
  ];
  const vms = baseVms.map((vm) => (vm.Id === WRITABLE_VM ? { ...vm, HostItems: hostItems, ...changes } : vm));
  return { operation: 'list-vms', arguments: {}, output: { ok: { Vms: vms } } };
}

function written(status: string, returnValue: string, keys: string[] = [], jobState = ''): unknown {
  return {
    Status: status,
    ReturnValue: returnValue,
    JobState: jobState,
    ErrorCode: '',
    ErrorDescription: '',
    Keys: keys,
  };
}

const add = (items: [string, string][]) =>
  kvpWriteRequest(
    'add-kvp',
    WRITABLE_VM,
    items.map(([name, data]) => ({ name, data })),
    SETTINGS,
  );
const modify = (items: [string, string][], vm = WRITABLE_VM) =>
  kvpWriteRequest(
    'modify-kvp',
    vm,
    items.map(([name, data]) => ({ name, data })),
    SETTINGS,
  );
const remove = (names: string[], vm = WRITABLE_VM) => kvpRemoveRequest(vm, names, SETTINGS);

function events(after: number, max: number): RecordedStep {
  const page = allEvents.filter((event) => Number(event.RecordId) > after).slice(0, max);
  return {
    operation: 'read-events',
    arguments: { EventIds: [12310], AfterRecordId: String(after), MaxEvents: max },
    output: { ok: { Events: page } },
  };
}

const alpha: [string, string] = ['Contract.Alpha', 'one'];

/** Steps by contract test title (the text passed to `it`). */
export const CONTRACT_STEPS: Readonly<Record<string, readonly RecordedStep[]>> = {
  'lists every VM of the host with raw KVP items that decode to the right sources': [listVmsStep],
  'describes the host it is connected to': [hostInfoStep],
  'adds host items that the next listing shows with Source 0': [
    step(add([alpha, ['Contract.Beta', 'a & b <c> "d"']]), written('done', '4096', [], '7')),
    listing([alpha, ['Contract.Beta', 'a & b <c> "d"']]),
  ],
  'refuses to add an existing key with KEY_EXISTS and adds nothing of that call': [
    step(add([alpha]), written('done', '0')),
    step(
      add([
        ['Contract.Gamma', 'new'],
        ['Contract.Alpha', 'two'],
      ]),
      written('key-exists', '', ['Contract.Alpha']),
    ),
    listing([alpha]),
  ],
  'modifies existing keys and refuses a missing one with KEY_NOT_FOUND, changing nothing': [
    step(add([alpha]), written('done', '0')),
    step(
      modify([
        ['Contract.Alpha', 'two'],
        ['Contract.Missing', 'x'],
      ]),
      written('key-not-found', '', ['Contract.Missing']),
    ),
    listing([alpha]),
    step(modify([['Contract.Alpha', 'two']]), written('done', '4096', [], '7')),
    listing([['Contract.Alpha', 'two']]),
  ],
  'removes existing keys and refuses a missing one with KEY_NOT_FOUND, removing nothing': [
    step(add([alpha, ['Contract.Beta', 'two']]), written('done', '0')),
    step(remove(['Contract.Alpha', 'Contract.Missing']), written('key-not-found', '', ['Contract.Missing'])),
    listing([alpha, ['Contract.Beta', 'two']]),
    step(remove(['Contract.Alpha']), written('done', '4096', [], '7')),
    listing([['Contract.Beta', 'two']]),
  ],
  'refuses more than 128 items in one call with INVALID_ARGUMENT and adds none': [listing([])],
  'answers KVP writes to an unknown VM with NO_VM': [
    step(
      kvpWriteRequest('add-kvp', UNKNOWN_VM, [{ name: 'Contract.Alpha', data: '1' }], SETTINGS),
      written('no-vm', ''),
    ),
    step(modify([['Contract.Alpha', '1']], UNKNOWN_VM), written('no-vm', '')),
    step(remove(['Contract.Alpha'], UNKNOWN_VM), written('no-vm', '')),
  ],
  'reads events after a record-id bookmark, oldest first, without gaps or repeats': [
    events(0, 1000),
    events(Number(allEvents[1]?.RecordId), 1000),
    events(Number(allEvents.at(-1)?.RecordId), 1000),
  ],
  'pages events with max and returns the same events without gaps or repeats': [
    events(0, 1000),
    events(0, 2),
    events(Number(allEvents[1]?.RecordId), 2),
    events(Number(allEvents[3]?.RecordId), 2),
  ],
  'rejects operations it cannot do with UNSUPPORTED rather than leaving them out': [
    step(add([['Contract.Cap', '1']]), written('done', '0')),
    events(0, 1),
    step(dataExchangeRequest(WRITABLE_VM, true), { Status: 'done', Enabled: 'true' }),
  ],
  'switches Data Exchange when capable, and a VM without it publishes no guest data': [
    step(dataExchangeRequest(WRITABLE_VM, false), { Status: 'done', Enabled: 'false' }),
    listing([], { DataExchange: 'false', IntrinsicItems: [], GuestItems: [] }),
    step(dataExchangeRequest(WRITABLE_VM, true), { Status: 'done', Enabled: 'true' }),
    listing([]),
  ],
  'closes idempotently': [],
};

/** The VMs of the fixture host as the contract suite knows them. */
export const KNOWN_VMS = baseVms.map((vm) => ({
  id: vm.Id,
  name: (vm as unknown as { Name: string }).Name,
  publishesIntrinsic: vm.IntrinsicItems.length > 0,
}));
