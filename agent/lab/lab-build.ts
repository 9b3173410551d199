/**
 * Turning scenario entries into lab objects: a VM's GUID comes from the seeded generator, its network
 * identity from the scenario or from a deterministic allocation, its key from the scenario's key word.
 */
import type { VmState } from '../model/index.js';
import { DEFAULT_LINUX_VERSION } from './guest-os.js';
import { type GuestNetwork, type LabGuest, LinuxGuest, WindowsGuest } from './lab-guest.js';
import type { LabSettings } from './lab-settings.js';
import type { Prng } from './prng.js';
import { type KeyRegistry, resolveKeySpec } from './product-keys.js';
import type { ScenarioGuest, ScenarioVm, ScenarioVmState } from './scenario-schema.js';
import { SppModel } from './spp-model.js';
import { LabVm } from './vm-model.js';

const VM_STATE: Readonly<Record<ScenarioVmState, VmState>> = Object.freeze({
  running: 'Running',
  off: 'Off',
  saved: 'Saved',
  paused: 'Paused',
});

/**
 * Size of a VM whose scenario entry names none, by guest OS: [vCPUs, MiB]. Illustrative, chosen as
 * common hosting plans above each OS's documented minimum (Windows Server 2 GB with Desktop Experience,
 * Windows 10/11 2 GB for 64-bit, 4 GB for 11), not taken from any operator's data.
 */
export const DEFAULT_VM_SIZE: Readonly<Record<ScenarioGuest['os'], readonly [number, number]>> =
  Object.freeze({
    'windows-server': [4, 8192],
    'windows-client': [2, 4096],
    linux: [2, 2048],
  });

/** A DNS label from free text: lower case, letters, digits and hyphens, at most 63 characters. */
export function dnsLabel(text: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return label === '' ? 'vm' : label;
}

/** The n-th address of the lab's 10.20.0.0/14 tenant range (n from 0), never .0-.3 or .254/.255. */
export function labIpv4(n: number): string {
  return `10.${20 + Math.floor(n / 62_500)}.${Math.floor(n / 250) % 250}.${(n % 250) + 4}`;
}

function linkLocal(prng: Prng): string {
  const group = () => prng.nextInt(0x10000).toString(16);
  return `fe80::${group()}:${group()}:${group()}:${group()}`;
}

export interface BuildContext {
  readonly settings: LabSettings;
  readonly prng: Prng;
  readonly keys: KeyRegistry;
  readonly now: number;
  /** Running count of VMs created, for address allocation. */
  readonly ordinal: number;
}

function network(spec: ScenarioVm, context: BuildContext): GuestNetwork {
  const guest = spec.guest;
  return Object.freeze({
    fqdn: guest.fqdn ?? `${dnsLabel(spec.name)}.${dnsLabel(spec.tenant ?? 'lab')}.local`,
    ipv4: Object.freeze([...(guest.ipv4 ?? [labIpv4(context.ordinal)])]),
    ipv6: Object.freeze([...(guest.ipv6 ?? [linkLocal(context.prng)])]),
  });
}

function buildGuest(spec: ScenarioVm, hostName: string, context: BuildContext): LabGuest {
  const guest: ScenarioGuest = spec.guest;
  const net = network(spec, context);
  if (guest.os === 'linux') return new LinuxGuest(guest.version ?? DEFAULT_LINUX_VERSION, net);
  const evaluation = guest.os === 'windows-server' ? guest.evaluation : false;
  const target = { os: guest.os, version: guest.version, edition: guest.edition, evaluation };
  const key = resolveKeySpec(guest.key, target, context.keys);
  const spp = new SppModel(context.settings, {
    key,
    status: guest.licenseStatus,
    now: context.now,
    hostName,
  });
  const maxLog = context.settings.eventLogMaxRecords;
  return new WindowsGuest(guest.os, guest.version, guest.edition, evaluation, spp, net, maxLog);
}

/**
 * A lab VM for a validated scenario entry, on the host named `hostName` (the scenario's spelling may
 * differ in case). Its GUID is the next one from the generator. Never throws for a validated entry.
 */
export function buildVm(spec: ScenarioVm, hostName: string, context: BuildContext): LabVm {
  const id = context.prng.nextGuid();
  return new LabVm({
    id,
    name: spec.name,
    hostName,
    state: VM_STATE[spec.state],
    dataExchange: spec.dataExchange,
    tenant: spec.tenant ?? null,
    guest: buildGuest(spec, hostName, context),
    guestAgent: spec.guestAgent,
    vcpus: spec.vcpus ?? DEFAULT_VM_SIZE[spec.guest.os][0],
    memoryMb: spec.memoryMb ?? DEFAULT_VM_SIZE[spec.guest.os][1],
  });
}
