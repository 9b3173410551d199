import { describe, expect, it } from 'vitest';
import { GuestPlatformError } from '../../../../guest/platform/guest-platform.js';
import { activate, installProductKey, slmgrHresult } from '../../../../guest/platform/windows/slmgr.js';
import { windowsPaths } from '../../../../guest/platform/windows/windows-paths.js';
import { loadRecordings, RecordedRunner } from '../../recorded-runner.js';

const PATHS = windowsPaths({ SystemRoot: 'C:\\Windows' }, 'C:\\scripts');
const AVMA_2019_STANDARD = 'TNK62-RXVTB-4P47B-2D623-4GF74';

function runnerFor(file: string): RecordedRunner {
  return new RecordedRunner(PATHS, loadRecordings(file));
}

async function failure(promise: Promise<void>): Promise<GuestPlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GuestPlatformError) return error;
    throw error;
  }
  throw new Error('expected a GuestPlatformError');
}

describe('guest/platform/windows/slmgr', () => {
  it('installs a key through cscript //nologo slmgr.vbs /ipk', async () => {
    const runner = runnerFor('slmgr-ipk-installed.json');
    await installProductKey(runner.run, PATHS, AVMA_2019_STANDARD);
    expect(runner.calls).toEqual([
      {
        exe: 'C:\\Windows\\System32\\cscript.exe',
        args: ['//nologo', 'C:\\Windows\\System32\\slmgr.vbs', '/ipk', AVMA_2019_STANDARD],
      },
    ]);
  });

  it('rejects the key on an Evaluation edition with 0xC004F069', async () => {
    const error = await failure(
      installProductKey(runnerFor('slmgr-ipk-evaluation-0xC004F069.json').run, PATHS, AVMA_2019_STANDARD),
    );
    expect(error).toMatchObject({ code: 'KEY_REJECTED', hresult: '0xC004F069' });
    expect(error.message).toBe(
      "slmgr /ipk failed: Error: 0xC004F069 On a computer running Microsoft Windows non-core edition, run 'slui.exe 0x2a 0xC004F069' to display the error text.",
    );
  });

  it('reports a non-elevated run as ACCESS_DENIED', async () => {
    const error = await failure(
      installProductKey(runnerFor('slmgr-ipk-access-denied.json').run, PATHS, AVMA_2019_STANDARD),
    );
    expect(error).toMatchObject({ code: 'ACCESS_DENIED', hresult: '0xC004F025' });
  });

  it.each(['TNK62-RXVTB-4P47B-2D623-4GF74 /upk', 'tnk62-rxvtb-4p47b-2d623-4gf74', '"& calc', ''])(
    'refuses %j as a key without running slmgr',
    async (key) => {
      const runner = runnerFor('slmgr-ipk-installed.json');
      expect((await failure(installProductKey(runner.run, PATHS, key))).code).toBe('KEY_REJECTED');
      expect(runner.calls).toEqual([]);
    },
  );

  it('activates when slmgr reports success', async () => {
    await activate(runnerFor('slmgr-ato-activated.json').run, PATHS);
  });

  it.each([
    ['slmgr-ato-kms-0xC004F074.json', '0xC004F074'],
    ['slmgr-ato-avma-0xC004FD02.json', '0xC004FD02'],
  ])('reports the HRESULT of a failed activation (%s)', async (file, hresult) => {
    const error = await failure(activate(runnerFor(file).run, PATHS));
    expect(error).toMatchObject({ code: 'COMMAND_FAILED', hresult });
    expect(error.message).toMatch(new RegExp(`^slmgr /ato failed: Error: ${hresult} `));
  });

  it('treats "Error: Product activation failed." as a failure without an HRESULT', async () => {
    const error = await failure(activate(runnerFor('slmgr-ato-failed-without-code.json').run, PATHS));
    expect(error).toMatchObject({
      code: 'COMMAND_FAILED',
      hresult: null,
      message: 'slmgr /ato failed: Error: Product activation failed.',
    });
  });

  it('takes the HRESULT from the exit code when the text has none (localised output)', () => {
    expect(slmgrHresult('Fehler: Zugriff verweigert', 0xc004f025)).toBe('0xC004F025');
    expect(slmgrHresult('Fehler: Zugriff verweigert', -1073418203)).toBe('0xC004F025');
    expect(slmgrHresult('done', 0)).toBeNull();
    expect(slmgrHresult('done', 1)).toBeNull();
  });
});
