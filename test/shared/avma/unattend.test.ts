import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { AvmaError } from '../../../shared/avma/src/errors.js';
import { unattendProductKeyFragment } from '../../../shared/avma/src/unattend.js';

describe('shared/avma/unattend', () => {
  it('writes the ProductKey element for the specialize pass with a comment naming version and edition', () => {
    expect(unattendProductKeyFragment('2022', 'datacenter')).toBe(
      '<!-- AVMA key for Windows Server 2022 Datacenter (specialize pass, Microsoft-Windows-Shell-Setup) -->\n' +
        '<ProductKey>W3GNR-8DDXR-2TFRP-H8P33-DV9BG</ProductKey>\n',
    );
  });

  it('names the semi-annual release the way Microsoft does and uses its shared key', () => {
    expect(unattendProductKeyFragment('1809', 'standard')).toContain('Windows Server, version 1809 Standard');
    expect(unattendProductKeyFragment('1809', 'standard')).toContain(
      '<ProductKey>TNK62-RXVTB-4P47B-2D623-4GF74</ProductKey>',
    );
  });

  it('produces well-formed XML an unattend tool can embed', () => {
    const parsed = new XMLParser({ commentPropName: '#comment' }).parse(
      unattendProductKeyFragment('2012R2', 'essentials'),
    );
    expect(parsed.ProductKey).toBe('K2XGM-NMBT3-2R6Q8-WF2FK-P36R2');
    expect(String(parsed['#comment'])).toContain('Windows Server 2012 R2 Essentials');
  });

  it('refuses a version and edition without an AVMA key, listing the pairs that have one', () => {
    let error: unknown;
    try {
      unattendProductKeyFragment('2022', 'essentials');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AvmaError);
    expect((error as AvmaError).code).toBe('NO_AVMA_KEY');
    expect((error as AvmaError).message).toMatch(
      /^no AVMA key for 2022\/essentials, expected one of 2025\/datacenter, .*2012R2\/essentials$/,
    );
    expect(() => unattendProductKeyFragment('2012', 'datacenter')).toThrow(
      /^no AVMA key for 2012\/datacenter/,
    );
  });

  it('refuses values outside the vocabulary instead of writing them into XML', () => {
    expect(() => unattendProductKeyFragment('2022' as never, '--><x/>' as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
