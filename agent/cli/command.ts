/**
 * The shape every `avma` subcommand has. Commands are plain data plus one `run` function, listed
 * explicitly in `commands.ts`, so `--help` for each is generated from the same table that parses it.
 */

export interface CliIo {
  /** Writes to standard output (the command's result). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error (errors, progress). */
  readonly stderr: (text: string) => void;
  /** Reads all of standard input: its bytes (decoded by the command), or text already decoded. */
  readonly readStdin: () => Promise<string | Uint8Array>;
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** Shown in help as `--name VALUE`. */
  readonly valueName?: string;
  readonly short?: string;
  readonly multiple?: boolean;
}

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
}

export type OptionValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

export interface CommandContext {
  readonly io: CliIo;
  readonly options: OptionValues;
  readonly positionals: readonly string[];
}

export interface CommandSpec {
  /** Words after `avma`, e.g. `['kvp', 'decode']`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Longer explanation printed under the usage line in `--help`. */
  readonly details?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals: readonly PositionalSpec[];
  /** Resolves to the process exit code (0 on success). Throws `CliError` for bad input. */
  readonly run: (context: CommandContext) => Promise<number>;
}

/** Prints a value as the JSON result of a command. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
