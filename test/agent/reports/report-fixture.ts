/**
 * A small fleet written through the Store API, with every figure the report tests expect chosen by
 * hand (the expected rows in reports.test.ts are computed from this table, not from the code):
 *
 * | VM       | host | guest           | conclusion (evidence)       | guest status item              | host 12310 success   |
 * |----------|------|-----------------|-----------------------------|--------------------------------|----------------------|
 * | app01    | HV01 | WS2022 DC       | licensed avma (host+guest)  | licensed avma, avmaHost HV01   | 11-08 00:00 on HV01  |
 * | app02    | HV01 | WS2019 Std      | licensed avma (host)        | none                           | 11-02 12:00 on HV01  |
 * | sql01    | HV02 | WS2019 DC       | oob-grace none (guest)      | oob-grace, 2880 min, 11-09     | none                 |
 * | kms01    | HV05 | WS2016 Std      | licensed gvlk (guest)       | licensed gvlk                  | none                 |
 * | lnx01    | HV01 | Linux           | unknown (none)              | none                           | none                 |
 * | claim01  | HV04 | WS2022 DC       | unknown (none), claims avma | licensed avma, avmaHost HV09   | none                 |
 * | grace03  | HV05 | WS2016 DC       | licensed avma (host)        | oot-grace, 43200 min, 11-09    | 11-09 00:00 on HV05  |
 * | gone01   | HV01 | WS2022 DC       | deleted 11-05: in no report | -                              | -                    |
 *
 * Hosts: CL1 = HV01 (2022 DC, activated), HV02 (2019 DC, activated), HV03 (2022 Standard, activated);
 * CL2 = HV04 (2022 DC, NOT activated), HV05 (2022 DC, activated). app01 was unknown from 11-01 and
 * licensed from 11-02; kms01 was unlicensed (gvlk, guest) from 11-01 and claims licensed from 11-03.
 * kms01 was called kms-legacy until 11-03; lnx01 and claim01 were both called old-name before.
 */
import type { Store } from '../../../agent/store/index.js';
import { openStore } from '../../../agent/store/index.js';
import type { HostFacts, ObservationFields } from '../../../agent/store/types.js';
import { observed, type TempDir, vmGuid } from '../store/store-test-kit.js';

const DAY = 86_400_000;
export const T = (iso: string) => new Date(`2026-${iso}Z`);
/** The time the time-dependent reports are computed at. */
export const AT = '2026-11-10T00:00:00Z';

export const ID = {
  app01: vmGuid(1),
  app02: vmGuid(2),
  sql01: vmGuid(3),
  kms01: vmGuid(4),
  lnx01: vmGuid(5),
  claim01: vmGuid(6),
  grace03: vmGuid(7),
  gone01: vmGuid(8),
} as const;

const facts = (
  version: string,
  build: number,
  edition: 'datacenter' | 'standard',
  activated: boolean,
  cluster: string,
): HostFacts => ({
  version: version as HostFacts['version'],
  build,
  edition,
  activated,
  sockets: 1,
  coresPerSocket: [16],
  cluster,
});

const HOSTS: Readonly<Record<string, HostFacts>> = {
  HV01: facts('2022', 20348, 'datacenter', true, 'CL1'),
  HV02: facts('2019', 17763, 'datacenter', true, 'CL1'),
  HV03: facts('2022', 20348, 'standard', true, 'CL1'),
  HV04: facts('2022', 20348, 'datacenter', false, 'CL2'),
  HV05: facts('2022', 20348, 'datacenter', true, 'CL2'),
};

function status(fields: {
  licenseStatus: string;
  channel: string;
  graceMinutes?: number;
  avmaHost?: string;
}): string {
  return JSON.stringify({
    v: 1,
    seq: 1,
    licenseStatus: fields.licenseStatus,
    channel: fields.channel,
    partialKey: null,
    avmaHost: fields.avmaHost ?? null,
    lastActivation: null,
    graceMinutes: fields.graceMinutes ?? 0,
    lastHresult: null,
    agentVersion: '1.0.0',
    refused: null,
  });
}

type Licence = Pick<
  ObservationFields,
  'licenseStatus' | 'channel' | 'evidence' | 'claimedLicenseStatus' | 'claimedChannel'
>;
const lic = (
  licenseStatus: Licence['licenseStatus'],
  channel: Licence['channel'],
  evidence: Licence['evidence'],
  claimedLicenseStatus: Licence['claimedLicenseStatus'] = null,
  claimedChannel: Licence['claimedChannel'] = null,
): Licence => ({ licenseStatus, channel, evidence, claimedLicenseStatus, claimedChannel });

interface VmSpec {
  readonly key: keyof typeof ID;
  readonly tenant: string;
  readonly host: string;
  readonly guest: Pick<ObservationFields, 'os' | 'version' | 'edition'>;
  /** Observations: time and licence. */
  readonly history: readonly (readonly [Date, Licence])[];
  readonly statusItem?: { at: Date; data: string };
  readonly success?: { at: Date; host: string };
  readonly formerName?: { name: string; until: Date };
}

const ws = (version: string, edition: 'datacenter' | 'standard') =>
  ({ os: 'windows-server', version, edition }) as const;
const START = T('11-01T00:00:00');

export const VMS: readonly VmSpec[] = [
  {
    key: 'app01',
    tenant: 'contoso',
    host: 'HV01',
    guest: ws('2022', 'datacenter'),
    history: [
      [START, lic('unknown', 'unknown', 'none')],
      [T('11-02T00:00:00'), lic('licensed', 'avma', 'host+guest', 'licensed', 'avma')],
      [T('11-09T00:00:00'), lic('licensed', 'avma', 'host+guest', 'licensed', 'avma')],
    ],
    statusItem: {
      at: T('11-09T00:00:00'),
      data: status({ licenseStatus: 'licensed', channel: 'avma', avmaHost: 'HV01' }),
    },
    success: { at: T('11-08T00:00:00'), host: 'HV01' },
  },
  {
    key: 'app02',
    tenant: 'contoso',
    host: 'HV01',
    guest: ws('2019', 'standard'),
    history: [[START, lic('licensed', 'avma', 'host')]],
    success: { at: T('11-02T12:00:00'), host: 'HV01' },
  },
  {
    key: 'sql01',
    tenant: 'fabrikam',
    host: 'HV02',
    guest: ws('2019', 'datacenter'),
    history: [[START, lic('oob-grace', 'none', 'guest', 'oob-grace', 'none')]],
    statusItem: {
      at: T('11-09T00:00:00'),
      data: status({ licenseStatus: 'oob-grace', channel: 'none', graceMinutes: 2880 }),
    },
  },
  {
    key: 'kms01',
    tenant: 'fabrikam',
    host: 'HV05',
    guest: ws('2016', 'standard'),
    history: [
      [START, lic('unlicensed', 'gvlk', 'guest', 'unlicensed', 'gvlk')],
      [T('11-03T00:00:00'), lic('licensed', 'gvlk', 'guest', 'licensed', 'gvlk')],
    ],
    statusItem: { at: T('11-03T00:00:00'), data: status({ licenseStatus: 'licensed', channel: 'gvlk' }) },
    formerName: { name: 'kms-legacy', until: T('11-03T00:00:00') },
  },
  {
    key: 'lnx01',
    tenant: 'contoso',
    host: 'HV01',
    guest: { os: 'linux', version: null, edition: null },
    history: [[START, lic('unknown', 'unknown', 'none')]],
    formerName: { name: 'old-name', until: T('11-02T00:00:00') },
  },
  {
    key: 'claim01',
    tenant: 'contoso',
    host: 'HV04',
    guest: ws('2022', 'datacenter'),
    history: [[START, lic('unknown', 'unknown', 'none', 'licensed', 'avma')]],
    statusItem: {
      at: T('11-09T00:00:00'),
      data: status({ licenseStatus: 'licensed', channel: 'avma', avmaHost: 'HV09' }),
    },
    formerName: { name: 'old-name', until: T('11-02T00:00:00') },
  },
  {
    key: 'grace03',
    tenant: 'woodgrove',
    host: 'HV05',
    guest: ws('2016', 'datacenter'),
    history: [[START, lic('licensed', 'avma', 'host', 'oot-grace', 'avma')]],
    statusItem: {
      at: T('11-09T00:00:00'),
      data: status({ licenseStatus: 'oot-grace', channel: 'avma', graceMinutes: 43200, avmaHost: 'HV05' }),
    },
    success: { at: T('11-09T00:00:00'), host: 'HV05' },
  },
  {
    key: 'gone01',
    tenant: 'contoso',
    host: 'HV01',
    guest: ws('2022', 'datacenter'),
    history: [[START, lic('licensed', 'avma', 'host')]],
    success: { at: T('11-01T00:00:00'), host: 'HV01' },
  },
];

async function recordVm(store: Store, spec: VmSpec, recordId: number): Promise<void> {
  const id = ID[spec.key];
  await store.transaction(async (tx) => {
    await tx.upsertVm({ id, tenant: spec.tenant }, START);
    if (spec.formerName !== undefined) {
      await tx.recordVmName(id, START, spec.formerName.name);
      await tx.recordVmName(id, spec.formerName.until, spec.key);
    } else await tx.recordVmName(id, START, spec.key);
    for (const [at, licence] of spec.history) {
      await tx.recordObservation(id, at, observed({ host: spec.host, ...spec.guest, ...licence }));
    }
    if (spec.statusItem !== undefined) {
      await tx.recordKvp(
        id,
        'guest',
        [{ name: 'AvmaAgent.Status', data: spec.statusItem.data }],
        spec.statusItem.at,
      );
    }
    if (spec.success !== undefined) {
      await tx.insertEvents([
        {
          source: 'host',
          origin: spec.success.host,
          recordId,
          eventId: 12310,
          time: spec.success.at,
          vm: id,
          vmMatch: 'vm-id',
          host: spec.success.host,
          notification: 'avma-success',
          message: 'AVMA request succeeded',
        },
      ]);
    }
  });
}

/** Opens a new store in `dir` holding the fleet of the table above. */
export async function reportFleet(dir: TempDir): Promise<Store> {
  const store = await openStore(dir.file('reports.db'), { staleAfterMs: 30 * DAY });
  await store.transaction(async (tx) => {
    for (const [name, hostFacts] of Object.entries(HOSTS)) {
      await tx.upsertHost(name, START);
      await tx.recordHostFacts(name, START, hostFacts);
    }
  });
  let recordId = 1;
  for (const spec of VMS) await recordVm(store, spec, recordId++);
  await store.transaction((tx) => tx.markVmDeleted(ID.gone01, T('11-05T00:00:00')));
  return store;
}
