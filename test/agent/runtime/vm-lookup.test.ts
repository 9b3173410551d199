import { describe, expect, it } from 'vitest';
import { lookupVm } from '../../../agent/runtime/vm-lookup.js';
import type { VmStatus } from '../../../agent/store/index.js';

const vm = (id: string, name: string | null) => ({ id, name }) as VmStatus;
const A = '6a3f5c2e-0b1d-4e8f-9a7b-00000000000a';
const B = '6a3f5c2e-0b1d-4e8f-9a7b-00000000000b';
const VMS = [vm(A, 'web01'), vm(B, 'Web01'), vm('6a3f5c2e-0b1d-4e8f-9a7b-00000000000c', 'sql01')];

describe('agent/runtime/vm-lookup', () => {
  it('finds a VM by GUID in any case, or by its name in any case', () => {
    expect(lookupVm(VMS, A.toUpperCase())).toEqual({ kind: 'found', vm: VMS[0] });
    expect(lookupVm(VMS, ' SQL01 ')).toEqual({ kind: 'found', vm: VMS[2] });
  });

  it('calls a name two VMs share ambiguous, and an unknown one not found', () => {
    expect(lookupVm(VMS, 'WEB01')).toEqual({ kind: 'ambiguous', ids: [A, B] });
    expect(lookupVm(VMS, 'ghost')).toEqual({ kind: 'none' });
    expect(lookupVm(VMS, '6a3f5c2e-0b1d-4e8f-9a7b-0000000000ff')).toEqual({ kind: 'none' });
  });
});
