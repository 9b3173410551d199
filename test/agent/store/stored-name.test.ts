import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../agent/store/index.js';
import { nameFromStored, storedKvpText, storedName } from '../../../agent/store/stored-name.js';
import { hoursAfter, observed, storeWithHosts, type TempDir, tempDir, vmGuid } from './store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');
/** Names Windows allows and UTF-8 cannot carry, and names that look like the escaped form. */
const NAMES = [
  'web\ud800',
  '\udc00-low-first',
  'pair-\ud83d\ude00-ok-\udbff',
  '\uffffstarts-with-the-marker',
  '\uffffweb\\ud800',
  'plain\\u0041',
  'ordinary',
];

/** Any string of UTF-16 code units, lone surrogates and U+FFFF included. */
const anyUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
});

describe('agent/store/stored-name', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('keeps names with lone surrogates exactly through the store file, on the sweep and the per-VM paths', async () => {
    const store = await storeWithHosts(dir);
    const entries = NAMES.map((name, n) => ({
      vm: { id: vmGuid(n), tenant: null },
      name,
      observation: { ...observed(), host: undefined },
    }));
    await store.transaction((tx) => tx.recordSweep('HV01', START, entries));
    // A rename through the per-VM method of the last VM to another odd name.
    await store.transaction((tx) => tx.recordVmName(vmGuid(6), hoursAfter(START, 1), 'renamed\udfff'));
    await store.close();

    const reopened = await openStore(dir.file('avma.db'));
    const names = new Map((await reopened.listVmStatus()).map((vm) => [vm.id, vm.name]));
    expect(NAMES.map((_, n) => names.get(vmGuid(n)))).toEqual([...NAMES.slice(0, 6), 'renamed\udfff']);
    const again = await reopened.transaction((tx) =>
      tx.recordSweep('HV01', hoursAfter(START, 2), entries.slice(0, 6)),
    );
    expect(again.renamed).toBe(0);
    expect(
      await reopened.transaction((tx) => tx.recordVmName(vmGuid(0), hoursAfter(START, 2), 'web\ud800')),
    ).toBe(false);
    await reopened.close();
  });

  it('decodes every stored name back to the original, and stores every one as well-formed text', () => {
    fc.assert(
      fc.property(anyUnits, (name) => {
        const stored = storedName(name);
        expect(nameFromStored(stored)).toBe(name);
        expect(stored).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      }),
    );
  });

  it('decodes every stored KVP text back to the original, stored well-formed and without a NUL', () => {
    fc.assert(
      fc.property(anyUnits, (text) => {
        const stored = storedKvpText(text);
        expect(nameFromStored(stored)).toBe(text);
        expect(stored).not.toMatch(
          /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\0/,
        );
      }),
    );
  });
});
