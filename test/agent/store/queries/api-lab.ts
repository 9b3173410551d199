/**
 * A small lab swept for an hour, for the API read tests: six VMs on two hosts covering the list's
 * filters (tenants, eligible or not, licence statuses, reasons, a problem, a deleted VM), and one VM
 * (web01) with a history: key pushed and activated, renamed, live-migrated.
 */
import type { LabVm } from '../../../../agent/lab/vm-model.js';
import { type Fleet, fleet, scenario, server } from '../../sweep/sweep-kit.js';
import type { BackendPlace, StoreBackend } from '../store-backends.js';

export const API_LAB_VMS = [
  {
    name: 'web01',
    host: 'HV01',
    tenant: 'contoso',
    guestAgent: true,
    guest: { ...server('2019', 'standard', 'gvlk', 'unlicensed'), fqdn: 'web01.contoso.example' },
  },
  {
    name: 'db01',
    host: 'HV01',
    tenant: 'contoso',
    guestAgent: true,
    guest: server('2019', 'standard', 'retail', 'licensed'),
  },
  { name: 'Linux01', host: 'HV02', tenant: 'fabrikam', guest: { os: 'linux', version: '22.04' } },
  {
    name: 'app01',
    host: 'HV02',
    tenant: 'fabrikam',
    guest: server('2019', 'standard', 'gvlk', 'unlicensed'),
  },
  { name: 'off01', host: 'HV02', state: 'off', guest: server('2019', 'standard', 'gvlk', 'unlicensed') },
  { name: 'gone01', host: 'HV02', guest: server('2019', 'standard', 'gvlk', 'unlicensed') },
];

/** web01 is renamed at minute 20 and live-migrated to HV02 at minute 30; gone01 is deleted at 5. */
const API_LAB_EVENTS = [
  { at: '2026-11-01T00:05:00Z', type: 'delete-vm', vm: 'gone01' },
  { at: '2026-11-01T00:20:00Z', type: 'rename-vm', vm: 'web01', name: 'web01-renamed' },
  { at: '2026-11-01T00:30:00Z', type: 'migrate', vm: 'web01-renamed', to: 'HV02' },
];

/**
 * Sweeps at minutes 0, 10, 25, 40 and 60 (app01's guest agent is silent by then), into a store of
 * `backend` (an SQLite file of its own without one).
 */
export async function apiLab(backend?: StoreBackend): Promise<Fleet> {
  return apiLabIn(await backend?.place());
}

/** The API lab in the store of `place` (removed when the lab closes), for tests that also read it raw. */
export async function apiLabIn(place?: BackendPlace): Promise<Fleet> {
  const lab = await fleet(scenario(API_LAB_VMS, API_LAB_EVENTS), {}, place);
  for (const minute of [0, 10, 25, 40, 60]) await lab.roundAt(minute);
  return lab;
}

/** The GUID the lab gave a VM (by its current name). */
export function guidOf(lab: Fleet, name: string): string {
  return lab.lab.vmByName(name).id;
}

/** Makes the guest publish another FQDN (tenant-controlled text in a real guest) from the next sweep. */
export function publishFqdn(vm: LabVm, fqdn: string): void {
  const guest = vm.guest as { network: { fqdn: string; ipv4: readonly string[]; ipv6: readonly string[] } };
  guest.network = { ...guest.network, fqdn };
  vm.touch();
}
