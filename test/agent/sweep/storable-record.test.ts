import { afterEach, describe, expect, it } from 'vitest';
import { type Fleet, fleet, scenario, server } from './sweep-kit.js';

/** Three KMS guests on HV01: each gets a key push on the first sweep. */
const VMS = ['web01', 'web02', 'web03'].map((name) => ({
  name,
  host: 'HV01',
  tenant: 'contoso',
  guestAgent: true,
  guest: server('2019', 'standard', 'gvlk', 'unlicensed'),
}));

describe('agent/sweep/storable-record', () => {
  let subject: Fleet | null = null;
  afterEach(async () => {
    await subject?.close();
    subject = null;
  });

  it('records a host whose one VM has a tenant the store refuses: the other VMs and every push audit are kept', async () => {
    subject = await fleet(scenario(VMS));
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
});
