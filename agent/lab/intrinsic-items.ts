/**
 * What a running guest publishes by itself (`GuestIntrinsicExchangeItems`, Source 2) and what the host
 * writes into it (`Guest\Parameters`, Linux pool 3).
 *
 * - Windows: the 19 names of Microsoft's Msvm_KvpExchangeDataItem page (MicrosoftDocs/win32
 *   desktop-src/HyperV_v2/msvm-kvpexchangedataitem.md), values in the documented formats.
 * - Linux: the ten keys hv_kvp_daemon answers for the auto pool (torvalds/linux tools/hv/hv_kvp_daemon.c,
 *   `enum key_index`); the Windows-only items are absent, as on a real Linux guest.
 * - Host parameters: the sixteen keys of a real pool-3 dump from a Hyper-V host (README of the PyPI
 *   package hyperkv, test/fixtures/lab), with `HostName` the host's FQDN and `PhysicalHostName` its
 *   upper-case NetBIOS name as in that dump.
 */
import { PROCESSOR_ARCHITECTURE_AMD64, VER_PLATFORM_WIN32_NT } from './guest-os.js';
import type { LabHost } from './host-model.js';
import type { LabGuest, WindowsGuest } from './lab-guest.js';

export type KvpPair = readonly [name: string, data: string];

/**
 * The intrinsic items whose value comes from the OS facts alone, the same for every VM of one OS
 * (Windows' and Linux's alike): the lab keeps one copy of their text for all such VMs (vm-model.ts).
 * An item with a per-VM value (its name, its addresses) must not be here, or that copy would grow
 * with the fleet.
 */
export const OS_FACT_ITEM_NAMES: ReadonlySet<string> = new Set([
  'OSName',
  'OSVersion',
  'CSDVersion',
  'OSMajorVersion',
  'OSMinorVersion',
  'OSBuildNumber',
  'OSPlatformId',
  'ServicePackMajor',
  'ServicePackMinor',
  'SuiteMask',
  'ProductType',
  'OSEditionId',
  'ProcessorArchitecture',
  'IntegrationServicesVersion',
]);

function windowsItems(guest: WindowsGuest): KvpPair[] {
  const { facts, network } = guest;
  const osVersion = `${facts.major}.${facts.minor}.${facts.build}`;
  const ipv4 = network.ipv4.join(';');
  const ipv6 = network.ipv6.join(';');
  return [
    ['FullyQualifiedDomainName', network.fqdn],
    ['OSName', facts.productName],
    ['OSVersion', osVersion],
    ['CSDVersion', facts.csdVersion],
    ['OSMajorVersion', String(facts.major)],
    ['OSMinorVersion', String(facts.minor)],
    ['OSBuildNumber', String(facts.build)],
    ['OSPlatformId', String(VER_PLATFORM_WIN32_NT)],
    ['ServicePackMajor', String(facts.servicePackMajor)],
    ['ServicePackMinor', '0'],
    ['SuiteMask', String(facts.suiteMask)],
    ['ProductType', String(facts.productType)],
    ['OSEditionId', String(facts.sku)],
    ['ProcessorArchitecture', String(PROCESSOR_ARCHITECTURE_AMD64)],
    // Integration components ship with the OS since 2016; the value follows the doc's "6.1.7000.0" form.
    ['IntegrationServicesVersion', `${osVersion}.0`],
    ['NetworkAddressIPv4', ipv4],
    ['NetworkAddressIPv6', ipv6],
    // Servers listen for RDP on every address; the doc: empty when the RDP stack is not running.
    ['RDPAddressIPv4', ipv4],
    ['RDPAddressIPv6', ipv6],
  ];
}

/** The intrinsic items of a running guest, in the order the guest enumerates them. Never throws. */
export function intrinsicItems(guest: LabGuest): KvpPair[] {
  if (guest.kind === 'windows') return windowsItems(guest);
  const { facts, network } = guest;
  return [
    ['FullyQualifiedDomainName', network.fqdn],
    ['IntegrationServicesVersion', facts.integrationServicesVersion],
    ['NetworkAddressIPv4', network.ipv4.join(';')],
    ['NetworkAddressIPv6', network.ipv6.join(';')],
    ['OSBuildNumber', facts.kernelRelease],
    ['OSName', facts.name],
    ['OSMajorVersion', facts.versionId],
    ['OSMinorVersion', ''],
    // "The current windows host (win7) expects the build string to be of the form: x.y.z".
    ['OSVersion', facts.kernelRelease.split('-')[0] ?? facts.kernelRelease],
    ['ProcessorArchitecture', facts.machine],
  ];
}

/** `Guest\Parameters` of a VM on `host` (pool 3 on Linux), in the dump's order. Never throws. */
export function hostParameterItems(host: LabHost, vmId: string, vmName: string): KvpPair[] {
  const legacy = host.build < 10240;
  return [
    ['HostName', host.fqdn],
    ['HostingSystemEditionId', String(host.editionSku)],
    ['HostingSystemNestedLevel', '0'],
    ['HostingSystemOsMajor', legacy ? '6' : '10'],
    ['HostingSystemOsMinor', legacy ? '3' : '0'],
    ['HostingSystemProcessorArchitecture', String(PROCESSOR_ARCHITECTURE_AMD64)],
    ['HostingSystemProcessorIdleStateMax', '0'],
    ['HostingSystemProcessorThrottleMax', '100'],
    ['HostingSystemProcessorThrottleMin', '5'],
    ['HostingSystemSpMajor', '0'],
    ['HostingSystemSpMinor', '0'],
    ['PhysicalHostName', host.name.toUpperCase()],
    ['PhysicalHostNameFullyQualified', host.fqdn],
    ['VirtualMachineDynamicMemoryBalancingEnabled', '0'],
    ['VirtualMachineId', vmId.toUpperCase()],
    ['VirtualMachineName', vmName],
  ];
}
