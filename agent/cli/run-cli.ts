import { type ParseArgsConfig, parseArgs } from 'node:util';
import { safeLine } from '../../shared/errors/index.js';
import { CliError } from './cli-error.js';
import type { CliIo, CommandSpec, OptionValues } from './command.js';
import { classifyError, type ErrorKind } from './error-kinds.js';
import { commandHelp, commandName, groupHelp } from './help.js';
import { readProcessStdin } from './input.js';

/** Exit codes: 0 success, 1 an operational or internal failure, 2 bad input or usage (contract, arch. §10). */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: readProcessStdin,
};

/** The exit code for an error of `kind` (see `error-kinds.ts`). */
export function exitCodeFor(kind: ErrorKind): number {
  return kind === 'bad-input' ? EXIT_BAD_INPUT : EXIT_INTERNAL;
}

/**
 * The one place the CLI writes an error line: whatever the message carries (an argument, a file's
 * text, a guest's KVP data), control characters, line separators and bidi overrides arrive escaped,
 * so an error is always exactly one line that cannot rewrite the terminal.
 */
function writeErrorLine(io: CliIo, line: string): void {
  io.stderr(`${safeLine(line)}\n`);
}

function findCommand(words: readonly string[], specs: readonly CommandSpec[]): CommandSpec | undefined {
  return specs.find(
    (spec) => spec.path.length <= words.length && spec.path.every((word, i) => words[i] === word),
  );
}

/** The longest run of leading words that names a command group, e.g. `['kvp']` for `avma kvp`. */
function groupPrefix(words: readonly string[], specs: readonly CommandSpec[]): string[] {
  const prefix: string[] = [];
  for (const word of words) {
    const next = [...prefix, word];
    if (!specs.some((spec) => next.every((w, i) => spec.path[i] === w))) break;
    prefix.push(word);
  }
  return prefix;
}

/** A string option's value that starts like a negative number: `-5`, `-0.5`, `-1e3`. */
const NEGATIVE_VALUE = /^-\.?\d/;

/**
 * Keeps negative numbers away from the option parser, which reads them as short options ("ambiguous"):
 * one right after a string option becomes that option's value (`--interval -5` -> `--interval=-5`, so
 * the option's own check reports it out of range); one that is an argument (e.g. `avma error
 * -1073414910`, a signed HRESULT) moves behind `--`.
 */
function protectNegativeNumbers(spec: CommandSpec, args: readonly string[]): string[] {
  const kept: string[] = [];
  const negatives: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const takesValue = arg.startsWith('--') && spec.options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && NEGATIVE_VALUE.test(next)) {
      kept.push(`${arg}=${next}`);
      i += 1;
    } else if (/^-\d+$/.test(arg)) negatives.push(arg);
    else kept.push(arg);
  }
  if (negatives.length === 0) return kept;
  return kept.includes('--') ? [...kept, ...negatives] : [...kept, '--', ...negatives];
}

function parseCommandArgs(
  spec: CommandSpec,
  args: string[],
): { options: OptionValues; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = {
      type: option.type,
      ...(option.short === undefined ? {} : { short: option.short }),
      ...(option.multiple === true ? { multiple: true } : {}),
    };
  }
  try {
    const parsed = parseArgs({
      args: protectNegativeNumbers(spec, args),
      options,
      allowPositionals: true,
      strict: true,
    });
    return { options: parsed.values as OptionValues, positionals: parsed.positionals };
  } catch (error) {
    // parseArgs messages are multi-sentence; keep the first sentence so the error stays on one line.
    const first = String((error as Error).message).split(/\.\s/)[0] ?? 'invalid arguments';
    throw new CliError('USAGE', `${first}; see "${commandName(spec)} --help"`);
  }
}

function checkPositionals(spec: CommandSpec, positionals: readonly string[]): void {
  const required = spec.positionals.filter((p) => p.required).length;
  if (positionals.length < required) {
    const missing = spec.positionals[positionals.length];
    throw new CliError('USAGE', `missing argument ${missing?.name ?? ''}; see "${commandName(spec)} --help"`);
  }
  if (positionals.length > spec.positionals.length) {
    const extra = positionals[spec.positionals.length];
    throw new CliError('USAGE', `unexpected argument "${extra}"; see "${commandName(spec)} --help"`);
  }
}

async function runCommand(spec: CommandSpec, args: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseCommandArgs(spec, args);
  if (options.help === true) {
    io.stdout(commandHelp(spec));
    return EXIT_OK;
  }
  checkPositionals(spec, positionals);
  return spec.run({ io, options, positionals });
}

function reportError(io: CliIo, where: string, error: unknown): number {
  const { kind } = classifyError(error);
  const message = error instanceof Error ? error.message : String(error);
  writeErrorLine(io, kind === 'internal' ? `${where}: internal error: ${message}` : `${where}: ${message}`);
  if (kind !== 'bad-input' && process.env.AVMA_DEBUG === '1' && error instanceof Error) {
    io.stderr(`${error.stack}\n`);
  }
  return exitCodeFor(kind);
}

/**
 * Runs `avma` with the given arguments (without the program name) and resolves to the exit code.
 * Never throws: every failure is one line on `io.stderr`.
 */
export async function dispatch(
  argv: readonly string[],
  specs: readonly CommandSpec[],
  io: CliIo = processIo,
): Promise<number> {
  const words = argv.filter((arg) => !arg.startsWith('-') || /^-\d+$/.test(arg));
  const spec = findCommand(words, specs);
  if (spec === undefined) {
    const prefix = groupPrefix(words, specs);
    const wantsHelp = argv.includes('--help') || argv.includes('-h');
    if (wantsHelp || argv.length === 0) {
      (wantsHelp ? io.stdout : io.stderr)(groupHelp(prefix, specs));
      return wantsHelp ? EXIT_OK : EXIT_BAD_INPUT;
    }
    const unknown = words[prefix.length];
    const title = ['avma', ...prefix].join(' ');
    const what = unknown === undefined ? 'missing command' : `unknown command "${unknown}"`;
    writeErrorLine(io, `${title}: ${what}; run "${title} --help" for the list`);
    return EXIT_BAD_INPUT;
  }
  const args = [...argv];
  for (const word of spec.path) args.splice(args.indexOf(word), 1);
  try {
    return await runCommand(spec, args, io);
  } catch (error) {
    return reportError(io, commandName(spec), error);
  }
}
