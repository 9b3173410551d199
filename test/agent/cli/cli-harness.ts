import { runCli } from '../../../agent/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (throws when it is not JSON). */
  json<T = unknown>(): T;
}

/** Runs `avma ARGS` in-process with the given standard input and captures what it prints. */
export async function avma(args: readonly string[], stdin: string | Uint8Array = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}

/** Asserts the contract for bad input: exit 2, nothing on stdout, exactly one line on stderr. */
export function isOneLineError(run: CliRun): boolean {
  return (
    run.code === 2 && run.stdout === '' && /^[^\n]+\n$/.test(run.stderr) && !run.stderr.includes('    at ')
  );
}
