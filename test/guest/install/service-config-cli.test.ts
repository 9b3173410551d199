import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ServiceConfigError } from '../../../guest/install/service-config.js';
import {
  parseServiceConfigArguments,
  runServiceConfigCli,
} from '../../../guest/install/service-config-cli.js';

const CLI = fileURLToPath(new URL('../../../guest/install/service-config-cli.ts', import.meta.url));
const run = promisify(execFile);

/** The argument list install-guest-agent.ps1 passes (paths as Windows resolves them). */
function installerArguments(outFile: string): string[] {
  return [
    '--node',
    'C:\\Program Files\\nodejs\\node.exe',
    '--main',
    'C:\\Program Files\\avma-agent\\dist\\guest\\main.js',
    '--interval-minutes',
    '5',
    '--log-dir',
    'C:\\ProgramData\\avma-agent',
    '--working-dir',
    'C:\\Program Files\\avma-agent',
    '--out',
    outFile,
  ];
}

function rejection(argv: readonly string[]): ServiceConfigError {
  try {
    parseServiceConfigArguments(argv);
  } catch (error) {
    if (error instanceof ServiceConfigError) return error;
    throw error;
  }
  throw new Error('expected a ServiceConfigError');
}

describe('guest/install/service-config-cli', () => {
  it('reads the installer arguments into service options', () => {
    expect(parseServiceConfigArguments(installerArguments('C:\\x\\avma-guest-agent.xml'))).toEqual({
      outFile: 'C:\\x\\avma-guest-agent.xml',
      options: {
        nodePath: 'C:\\Program Files\\nodejs\\node.exe',
        mainScript: 'C:\\Program Files\\avma-agent\\dist\\guest\\main.js',
        intervalMinutes: 5,
        logDir: 'C:\\ProgramData\\avma-agent',
        workingDirectory: 'C:\\Program Files\\avma-agent',
      },
    });
  });

  it('writes the service XML to --out and nowhere else', async () => {
    const writes: Array<[string, string]> = [];
    const file = await runServiceConfigCli(
      installerArguments('C:\\x\\avma-guest-agent.xml'),
      async (f, text) => {
        writes.push([f, text]);
      },
    );
    expect(file).toBe('C:\\x\\avma-guest-agent.xml');
    expect(writes).toHaveLength(1);
    expect(writes[0]?.[1]).toContain('<executable>C:\\Program Files\\nodejs\\node.exe</executable>');
  });

  it('writes nothing when a path is refused', async () => {
    const writes: string[] = [];
    const argv = installerArguments('C:\\x\\avma-guest-agent.xml').map((value) =>
      value === 'C:\\ProgramData\\avma-agent' ? 'C:\\%USERPROFILE%\\avma' : value,
    );
    await expect(runServiceConfigCli(argv, async (file) => void writes.push(file))).rejects.toThrow(
      /^logDir is "C:\\\\%USERPROFILE%\\\\avma"/,
    );
    expect(writes).toEqual([]);
  });

  it.each([
    ['an unknown option', ['--nodes', 'x'], 'argument 1 is "--nodes", expected one of --node, --main'],
    ['an option without a value', ['--node'], '--node needs a value'],
    ['a repeated option', ['--node', 'a', '--node', 'b'], '--node is given twice'],
    ['missing options', ['--node', 'C:\\n.exe'], '--main, --interval-minutes, --log-dir, --out missing'],
  ])('refuses %s', (_label, argv, start) => {
    const error = rejection(argv);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message.startsWith(start)).toBe(true);
  });

  it('refuses an --out that is not an .xml file, since WinSW reads only <name>.xml', () => {
    const error = rejection(installerArguments('C:\\x\\avma-guest-agent.exe'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(
      `--out is "C:\\\\x\\\\avma-guest-agent.exe", expected the path of the wrapper's .xml file`,
    );
  });

  it.each(['5.5', '-5', '0x10', '', '99999'])('refuses --interval-minutes %j', (text) => {
    const argv = installerArguments('C:\\x\\a.xml');
    argv[argv.indexOf('--interval-minutes') + 1] = text;
    const error = rejection(argv);
    expect(error.code).toBe('INVALID_INTERVAL');
    expect(error.message).toBe(`--interval-minutes is ${JSON.stringify(text)}, expected an integer 1..1440`);
  });

  it('refuses --interval-minutes 0 with the range it accepts', () => {
    const argv = installerArguments('C:\\x\\a.xml');
    argv[argv.indexOf('--interval-minutes') + 1] = '0';
    expect(rejection(argv).message).toBe('intervalMinutes is 0, expected an integer 1..1440');
  });

  describe('as a process', () => {
    it('writes a UTF-8 file without BOM that parses back to the same paths, and exits 0', async () => {
      const folder = await mkdtemp(join(tmpdir(), 'avma-service-config-'));
      const out = join(folder, 'avma-guest-agent.xml');
      const argv = installerArguments(out).map((value) =>
        value === 'C:\\ProgramData\\avma-agent' ? 'C:\\ProgramData\\avma-agent R&D Ünïcode' : value,
      );
      const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, ...argv]);
      expect(stdout).toBe(`wrote ${out}\n`);
      const bytes = await readFile(out);
      expect([...bytes.subarray(0, 9)]).toEqual([...Buffer.from('<service>')]);
      const parsed = new XMLParser().parse(bytes.toString('utf8')) as { service: { logpath: string } };
      expect(parsed.service.logpath).toBe('C:\\ProgramData\\avma-agent R&D Ünïcode');
    });

    it('prints one line on stderr and exits 1 for a bad argument', async () => {
      const failure = await run(process.execPath, ['--import', 'tsx', CLI, '--bogus', 'x']).then(
        () => null,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toBe(
        'avma-service-config: argument 1 is "--bogus", expected one of --node, --main, --interval-minutes, --log-dir, --working-dir, --out\n',
      );
    });
  });
});
