/**
 * Builders for decision tests: a guest's Status and ring as the guest agent writes them (through the
 * protocol's own encoders, so the decisions read exactly what a real guest agent produces), and
 * identities decoded from the documented intrinsic-items fixture.
 */
import { readFileSync } from 'node:fs';
import { decodeKvpItems, type GuestIdentity, identifyGuest, type KvpItem } from 'hyperv-kvp';
import { type GuestReport, readGuestReport } from '../../../agent/decide/guest-report.js';
import type { VmDecisionInput } from '../../../agent/decide/vm-decision.js';
import type { LastObservation, VmMemory } from '../../../agent/store/index.js';
import {
  type AgentStatus,
  encodeGuestEvent,
  encodeStatus,
  type GuestEvent,
  INTENT_ITEM,
  KEY_ITEM,
} from '../../../shared/protocol/index.js';

const FIXTURE = new URL(
  '../../fixtures/hyperv-kvp/windows-server-2019-datacenter-intrinsic.json',
  import.meta.url,
);

/** A Windows Server 2019 Datacenter guest (test/fixtures/hyperv-kvp, see its PROVENANCE.md). */
export const SERVER_2019_DATACENTER: GuestIdentity = identifyGuest(
  decodeKvpItems(JSON.parse(readFileSync(FIXTURE, 'utf8')) as string[]),
);

export const KEY_2019_DATACENTER = 'H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW';
export const KEY_2016_DATACENTER = 'TMJ3Y-NTRTM-FJYXT-T22BY-CWG3J';
export const VM_ID = '6a3f5c2e-0b1d-4e8f-9a7b-000000000001';
export const NOW = Date.parse('2026-11-10T12:00:00Z');

export function status(overrides: Partial<AgentStatus> = {}): AgentStatus {
  return {
    v: 1,
    seq: 0,
    licenseStatus: 'unlicensed',
    channel: 'gvlk',
    partialKey: '6MFGM',
    avmaHost: null,
    lastActivation: null,
    graceMinutes: 0,
    lastHresult: null,
    agentVersion: '0.1.0',
    refused: null,
    ...overrides,
  };
}

export function guestEvent(overrides: Partial<GuestEvent> = {}): GuestEvent {
  return {
    v: 1,
    recordId: 17,
    time: '2026-11-10T11:55:00.000Z',
    notification: 'success',
    hresult: '0x00000000',
    host: 'HV01',
    ...overrides,
  };
}

/** Guest-pool items (Source 1) as the decoder returns them. */
export function guestItems(entries: Readonly<Record<string, string>>): KvpItem[] {
  return Object.entries(entries).map(([name, data]) => ({ name, data, source: 1 }));
}

/** The report of a guest whose agent wrote this status and these events. */
export function reportOf(value: AgentStatus | null, events: readonly GuestEvent[] = []): GuestReport {
  const entries: Record<string, string> = {};
  if (value !== null) entries['AvmaAgent.Status'] = encodeStatus(value);
  events.forEach((event, slot) => {
    entries[`AvmaAgent.Event.${slot}`] = encodeGuestEvent(event);
  });
  return readGuestReport(guestItems(entries));
}

export function hostItems(key: string | null, intent: string | null): Map<string, string> {
  const items = new Map<string, string>([['Name', 'Data']]);
  if (key !== null) items.set(KEY_ITEM, key);
  if (intent !== null) items.set(INTENT_ITEM, intent);
  return items;
}

/** The previous observation; the guest's claim follows the concluded channel unless overridden. */
export function last(overrides: Partial<LastObservation> = {}): LastObservation {
  return {
    claimedLicenseStatus: overrides.licenseStatus ?? 'licensed',
    claimedChannel: overrides.channel ?? 'avma',
    host: 'HV01',
    state: 'Running',
    dataExchange: true,
    licenseStatus: 'licensed',
    channel: 'avma',
    evidence: 'host+guest',
    problems: [],
    sinceMs: NOW - 3_600_000,
    lastSeenMs: NOW - 900_000,
    ...overrides,
  };
}

export function memory(overrides: Partial<VmMemory> = {}): VmMemory {
  return {
    id: VM_ID,
    deleted: false,
    optedOut: false,
    avmaBlocked: false,
    lastIntentSeq: 0,
    last: last(),
    lastHostEvent: null,
    lastHostSuccess: null,
    ...overrides,
  };
}

/** An eligible 2019 Datacenter guest on an activated 2022 Datacenter host, running with KVP on. */
export function input(overrides: Partial<VmDecisionInput> = {}): VmDecisionInput {
  return {
    now: NOW,
    host: { version: '2022', build: 20348, edition: 'datacenter', activated: true },
    vm: { id: VM_ID, state: 'Running', dataExchange: true },
    identity: SERVER_2019_DATACENTER,
    report: reportOf(status()),
    hostItems: hostItems(null, null),
    memory: memory({
      last: last({
        licenseStatus: 'unlicensed',
        channel: 'gvlk',
        evidence: 'guest',
      }),
    }),
    silentAfterMs: 3 * 900_000,
    hostEvidence: { lastEvent: null, lastSuccess: null },
    evidenceWindowMs: 7 * 24 * 3_600_000,
    ...overrides,
  };
}
