/** Small builders for lab scenarios in tests; every scenario goes through the real validator. */
import { Lab, type LabOptions } from '../../../agent/lab/lab.js';
import { validateScenario } from '../../../agent/lab/scenario-loader.js';
import type { Scenario } from '../../../agent/lab/scenario-schema.js';

export const START = '2026-11-01T00:00:00Z';

export function host(
  name: string,
  version = '2022',
  edition = 'datacenter',
  extra: Record<string, unknown> = {},
) {
  return { name, version, edition, activated: true, sockets: 2, coresPerSocket: 8, ...extra };
}

export function server(
  version: string,
  edition: string,
  key = 'avma',
  licenseStatus = 'licensed',
  extra = {},
) {
  return { os: 'windows-server', version, edition, key, licenseStatus, ...extra };
}

export function vm(name: string, hostName: string, guest: object, extra: Record<string, unknown> = {}) {
  return { name, host: hostName, tenant: 'contoso', guest, ...extra };
}

export interface ScenarioParts {
  readonly hosts?: readonly object[];
  readonly vms?: readonly object[];
  readonly events?: readonly object[];
  readonly settings?: object;
}

/** A validated scenario: one 2022 Datacenter host HV01 unless hosts are given. */
export function scenarioOf(parts: ScenarioParts): Scenario {
  return validateScenario({
    start: START,
    hosts: parts.hosts ?? [host('HV01')],
    vms: parts.vms ?? [],
    events: parts.events ?? [],
    ...(parts.settings === undefined ? {} : { settings: parts.settings }),
  });
}

/** A booted lab without guest agents unless the options say otherwise. */
export function labOf(parts: ScenarioParts, options: LabOptions = {}): Promise<Lab> {
  return Lab.create(scenarioOf(parts), { guestAgentFactory: null, ...options });
}
