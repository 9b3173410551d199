import { describe, expect, it } from 'vitest';
import { explainHresult } from '../../../../agent/dashboard/views/events-page.js';

describe('agent/dashboard/views/events-page', () => {
  it("explains an HRESULT from avma error's catalogue, in any spelling an event carries", () => {
    const explained =
      "0xC004FD02 SL_E_IA_PARENT_PARTITION_NOT_ACTIVATED: Windows isn't activated on the host machine. Please contact your system administrator.";
    expect(explainHresult('0xC004FD02')).toBe(explained);
    expect(explainHresult('C004FD02')).toBe(explained);
    expect(explainHresult('-1073414910')).toBe(explained);
  });

  it('says when a code is not in the catalogue, and shows nothing without one', () => {
    expect(explainHresult('0x8000FFFF')).toBe('0x8000FFFF (not in the catalogue)');
    expect(explainHresult(null)).toBe('');
  });
});
