/**
 * Writes the WinSW XML of the agent service. install-guest-agent.ps1 runs it as
 *   node.exe dist\guest\install\service-config-cli.js --node <node.exe> --main <main.js>
 *     --interval-minutes <N> --log-dir <folder> [--working-dir <folder>] --out <file.xml>
 * The values arrive as ordinary process arguments, never inside script or XML text, and Node writes
 * the file as UTF-8 (no BOM, no declaration: what WinSW's XmlDocument.Load reads by default), so a
 * non-ASCII path survives where PowerShell 5.1's redirection would re-encode it.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import {
  checkIntervalMinutes,
  MAX_PATH_CHARS,
  ServiceConfigError,
  type ServiceConfigOptions,
  winswServiceXml,
} from './service-config.js';

export interface ServiceConfigCliArguments {
  readonly options: ServiceConfigOptions;
  readonly outFile: string;
}

const VALUE_OPTIONS = Object.freeze([
  '--node',
  '--main',
  '--interval-minutes',
  '--log-dir',
  '--working-dir',
  '--out',
] as const);
type ValueOption = (typeof VALUE_OPTIONS)[number];
const REQUIRED_OPTIONS: readonly ValueOption[] = [
  '--node',
  '--main',
  '--interval-minutes',
  '--log-dir',
  '--out',
];

function isValueOption(argument: string): argument is ValueOption {
  return (VALUE_OPTIONS as readonly string[]).includes(argument);
}

function collectValues(argv: readonly string[]): ReadonlyMap<ValueOption, string> {
  const values = new Map<ValueOption, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const option = argv[i] ?? '';
    const value = argv[i + 1];
    if (!isValueOption(option)) {
      throw new ServiceConfigError(
        'INVALID_ARGUMENT',
        `argument ${i + 1} is ${JSON.stringify(option)}, expected one of ${VALUE_OPTIONS.join(', ')}`,
      );
    }
    if (value === undefined) throw new ServiceConfigError('INVALID_ARGUMENT', `${option} needs a value`);
    if (values.has(option)) throw new ServiceConfigError('INVALID_ARGUMENT', `${option} is given twice`);
    values.set(option, value);
  }
  const missing = REQUIRED_OPTIONS.filter((option) => !values.has(option));
  if (missing.length > 0) {
    throw new ServiceConfigError('INVALID_ARGUMENT', `${missing.join(', ')} missing, expected all of them`);
  }
  return values;
}

function parseInterval(text: string): number {
  if (!/^\d{1,4}$/.test(text)) {
    throw new ServiceConfigError(
      'INVALID_INTERVAL',
      `--interval-minutes is ${JSON.stringify(text.slice(0, 20))}, expected an integer 1..1440`,
    );
  }
  return checkIntervalMinutes(Number(text));
}

/**
 * Parses the arguments above. Throws `ServiceConfigError` INVALID_ARGUMENT for an unknown, repeated,
 * valueless or missing option or an `--out` that is not a `.xml` file, INVALID_INTERVAL for a bad interval.
 * Paths are checked when the XML is built.
 */
export function parseServiceConfigArguments(argv: readonly string[]): ServiceConfigCliArguments {
  const values = collectValues(argv);
  const get = (option: ValueOption): string => values.get(option) ?? '';
  const outFile = get('--out');
  if (!outFile.toLowerCase().endsWith('.xml') || outFile.length > MAX_PATH_CHARS) {
    throw new ServiceConfigError(
      'INVALID_ARGUMENT',
      `--out is ${JSON.stringify(outFile.slice(0, 80))}, expected the path of the wrapper's .xml file`,
    );
  }
  const workingDirectory = values.get('--working-dir');
  return {
    outFile,
    options: {
      nodePath: get('--node'),
      mainScript: get('--main'),
      intervalMinutes: parseInterval(get('--interval-minutes')),
      logDir: get('--log-dir'),
      ...(workingDirectory === undefined ? {} : { workingDirectory }),
    },
  };
}

export type TextFileWriter = (file: string, text: string) => Promise<void>;

const writeUtf8: TextFileWriter = (file, text) => writeFile(file, text, 'utf8');

/**
 * Builds the XML from `argv` and writes it to `--out`; resolves with that path. Rejects with
 * `ServiceConfigError` for bad arguments (before writing anything) or with the writer's error.
 */
export async function runServiceConfigCli(
  argv: readonly string[],
  write: TextFileWriter = writeUtf8,
): Promise<string> {
  const { options, outFile } = parseServiceConfigArguments(argv);
  await write(outFile, winswServiceXml(options));
  return outFile;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  runServiceConfigCli(process.argv.slice(2)).then(
    (file) => {
      process.stdout.write(`wrote ${file}\n`);
    },
    (error: unknown) => {
      // One line on stderr and exit code 1: the installer stops on a non-zero exit code.
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`avma-service-config: ${message.replace(/[\r\n]+/g, ' ')}\n`);
      process.exitCode = 1;
    },
  );
}
