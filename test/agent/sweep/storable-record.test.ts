import { afterEach, describe, expect, it } from 'vitest';
import type { SweepVm } from '../../../agent/store/index.js';
import { storableRecord } from '../../../agent/sweep/storable-record.js';
import { STORE_BACKENDS } from '../store/store-backends.js';
import { type Fleet, fleet, scenario, server } from './sweep-kit.js';

/** Three KMS guests on HV01: each gets a key push on the first sweep. */
const VMS = ['web01', 'web02', 'web03'].map((name) => ({
  name,
  host: 'HV01',
  tenant: 'contoso',
  guestAgent: true,
  guest: server('2019', 'standard', 'gvlk', 'unlicensed'),
}));

describe.each(STORE_BACKENDS)('agent/sweep/storable-record ($name)', (backend) => {
  let subject: Fleet | null = null;
  afterEach(async () => {
    await subject?.close();
    subject = null;
  });

  it('records a host whose one VM has a tenant the store refuses: the other VMs and every push audit are kept', async () => {
    subject = await fleet(scenario(VMS), {}, await backend.place());
    const lab = subject.lab;
    // Past the boundary checks (scenario, configuration): a resolver that yields a NUL for web02.
    const tenantOf = (_host: string, vm: { id: string; name: string }) =>
      vm.name === 'web02' ? 'conto\u0000so' : (lab.findVm(vm.id)?.tenant ?? null);
    const report = await subject.roundAt(0, { settings: { ...subject.settings, tenantOf } });

    expect(report.hosts[0]).toMatchObject({ host: 'HV01', outcome: 'ok', vms: 3, pushed: 3, error: null });
    const status = await subject.store.listVmStatus();
    expect(status.map((vm) => [vm.name, vm.tenant, vm.keyPushed])).toEqual([
      ['web01', 'contoso', true],
      ['web02', null, true],
      ['web03', 'contoso', true],
    ]);
    const web02 = status.find((vm) => vm.name === 'web02');
    expect(web02?.problems).toEqual([
      {
        code: 'VM_DATA_REJECTED',
        message:
          'the store refused vm.tenant is "conto\\u0000so", expected a non-empty string of at most 256 characters without NUL; recorded without a tenant',
      },
    ]);
    const pushes = (await subject.store.listAudit()).filter((row) => row.action === 'push-key');
    expect(pushes.map((row) => row.vm).sort()).toEqual(VMS.map((vm) => lab.vmByName(vm.name).id).sort());
  });

  it('leaves out each refused part and says which, keeping the VM and its other problems', () => {
    const record: SweepVm = {
      vm: { id: '6a3f5c2e-0b1d-4e8f-9a7b-2c4d6e8f0a1b', tenant: '\0' },
      name: 'web01',
      observation: {
        state: 'Running',
        dataExchange: true,
        os: 'unknown',
        version: null,
        edition: null,
        evaluation: null,
        licenseStatus: 'unknown',
        channel: 'unknown',
        evidence: 'none',
        claimedLicenseStatus: null,
        claimedChannel: null,
        eligible: false,
        reasons: ['GUEST_UNKNOWN'],
        keyPushed: false,
        kvpWiped: false,
        problems: [{ code: 'STATUS_INVALID', message: 'status.v: expected 1' }],
      },
      kvp: { guest: [{ name: 'k'.repeat(600), data: '' }] },
    };
    const storable = storableRecord(record);
    expect(storable).toMatchObject({ vm: { tenant: null }, name: 'web01', kvp: {} });
    expect(
      storable.observation.problems.map((p) => [p.code, p.message.replace(/ is .*expected/, ' …')]),
    ).toEqual([
      [
        'VM_DATA_REJECTED',
        'the store refused vm.tenant … a non-empty string of at most 256 characters without NUL; recorded without a tenant',
      ],
      [
        'VM_DATA_REJECTED',
        'the store refused kvp.guest[0].name … a string of at most 512 characters; its KVP pools were not recorded',
      ],
      ['STATUS_INVALID', 'status.v: expected 1'],
    ]);
  });
});
