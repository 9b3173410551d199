import { describe, expect, it } from 'vitest';
import { avma, isOneLineError } from '../cli-harness.js';

describe('agent/cli/commands/key-commands', () => {
  it('accepts the seed rendering of the 2019 Standard AVMA key and prints the real key', async () => {
    // Seed 003 (machine-translated AVMA page) renders the key with spaces inside its fourth group.
    const run = await avma(['key', 'check', 'TNK62-RXVTB-4P47B-2 D 623 4GF74']);
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      input: 'TNK62-RXVTB-4P47B-2 D 623 4GF74',
      normalized: 'TNK62-RXVTB-4P47B-2D623-4GF74',
      kind: 'avma',
      version: '2019',
      edition: 'standard',
    });
  });

  it('normalises case and missing dashes', async () => {
    const run = await avma(['key', 'check', 'w3gnr8ddxr2tfrph8p33dv9bg']);
    expect(run.json()).toMatchObject({
      normalized: 'W3GNR-8DDXR-2TFRP-H8P33-DV9BG',
      kind: 'avma',
      version: '2022',
    });
  });

  it('recognises the KMS client key that public scripts shipped as the 2022 Standard AVMA key', async () => {
    const run = await avma(['key', 'check', 'N2KJX-J94YW-TQVFB-DG9YT-724CC']);
    expect(run.json()).toMatchObject({ kind: 'gvlk', version: '1809', edition: 'standard' });
  });

  it('answers unknown for a well-formed key in no table', async () => {
    const run = await avma(['key', 'check', 'BBBBB-CCCCC-DDDDD-FFFFF-GGGGG']);
    expect(run.json()).toMatchObject({ kind: 'unknown', version: null, edition: null });
  });

  it('refuses a malformed key in one line', async () => {
    const run = await avma(['key', 'check', 'ABC']);
    expect(isOneLineError(run)).toBe(true);
    expect(run.stderr).toContain('25');
  });

  it('prints the AVMA key for a version and edition', async () => {
    const run = await avma(['key', 'avma', '--version', '2022', '--edition', 'datacenter-azure']);
    expect(run.json()).toEqual({
      version: '2022',
      edition: 'datacenter-azure',
      key: 'F7TB6-YKN8Y-FCC6R-KQ484-VMK3J',
    });
  });

  it('refuses an edition Microsoft lists no AVMA key for, and an unknown version', async () => {
    const essentials = await avma(['key', 'avma', '--version', '2022', '--edition', 'essentials']);
    expect(isOneLineError(essentials)).toBe(true);
    const unknown = await avma(['key', 'avma', '--version', '2005', '--edition', 'standard']);
    expect(isOneLineError(unknown)).toBe(true);
    expect(unknown.stderr).toContain('2012R2');
  });
});
