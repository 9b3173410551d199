import type { ChildProcess } from 'node:child_process';

/**
 * One long-lived PowerShell process, as the runner sees it. The only implementation wraps node-powershell
 * (v5); tests use the same adapter with a fake executable, so the real framing code runs in every test.
 */

/** How one invocation ended, from the shell's point of view. Never an exception. */
export type ShellOutcome =
  /** The shell answered (stdout and stderr between node-powershell's delimiters). */
  | { readonly kind: 'answered'; readonly stdout: string; readonly stderr: string }
  /** The request never reached a running shell: it was not executed, so any call may be retried. */
  | { readonly kind: 'not-started'; readonly reason: string }
  /** The shell died while the request was in flight: it may or may not have run. */
  | { readonly kind: 'exited'; readonly reason: string };

export interface PsShell {
  /** Sends one line and waits for the shell's answer or its death; the runner owns the timeout. */
  invoke(text: string): Promise<ShellOutcome>;
  /** The process has exited (crashed, killed or never started). */
  readonly exited: boolean;
  /** Kills the process (SIGTERM) and waits for it to exit. Idempotent; never rejects. */
  dispose(): Promise<void>;
}

/** Starts a fresh shell; the runner calls it for the first call and after discarding a broken shell. */
export type PsShellFactory = () => PsShell;

export interface ShellLaunchOptions {
  /** `powershell` (Windows PowerShell 5.1, the default), `pwsh` (PowerShell 7), or a path. */
  readonly executable: string;
  /** Extra environment for the process (tests point the fake shell at state files this way). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Flags on every launch. node-powershell adds `-NoLogo -NoExit -Command -` itself (it feeds commands
 * through stdin). `-NonInteractive` makes any prompt fail instead of blocking stdin forever.
 */
export const SHELL_FLAGS = Object.freeze({
  '-NoProfile': true,
  '-NonInteractive': true,
  '-ExecutionPolicy': 'Bypass',
});

/** The parts of node-powershell's Shell this adapter relies on; checked at run time. */
interface NodePowerShellInstance {
  invoke(command: string): Promise<{ stdout?: Buffer | string; stderr?: Buffer | string }>;
  dispose(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * node-powershell keeps the child process and its exit promise private. Both are needed: the exit
 * promise REJECTS when the process dies while idle or fails to spawn, and nothing inside the library
 * handles that rejection, so without a handler here an idle shell crash would crash the whole agent
 * (unhandled rejection). Throws when a future node-powershell version renames them.
 */
function internals(shell: object): { process: ChildProcess; exitPromise: Promise<void> } {
  const record = shell as { process?: unknown; exitPromise?: unknown };
  const child = record.process as ChildProcess | undefined;
  const exitPromise = record.exitPromise as Promise<void> | undefined;
  if (child === undefined || typeof child.once !== 'function' || !(exitPromise instanceof Promise)) {
    throw new Error('node-powershell internals changed: expected "process" and "exitPromise" on the shell');
  }
  return { process: child, exitPromise };
}

function text(value: Buffer | string | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value.toString('utf8');
}

class NodePowerShellShell implements PsShell {
  #exited = false;
  #exitReason = 'the shell exited';
  readonly #started: Promise<string | null>;

  constructor(private readonly shell: NodePowerShellInstance) {
    const { process: child, exitPromise } = internals(shell);
    exitPromise.then(
      () => this.#markExited('the shell exited'),
      (error: unknown) =>
        this.#markExited(`the shell exited: ${error instanceof Error ? error.message : String(error)}`),
    );
    // Resolves to null once the process is running, or to the spawn error (e.g. ENOENT).
    this.#started = new Promise((resolve) => {
      if (child.pid !== undefined) resolve(null);
      child.once('spawn', () => resolve(null));
      child.once('error', (error) => resolve(error.message));
    });
  }

  #markExited(reason: string): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#exitReason = reason.replace(/\s+/g, ' ').trim();
  }

  get exited(): boolean {
    return this.#exited;
  }

  async invoke(line: string): Promise<ShellOutcome> {
    const spawnError = await this.#started;
    if (spawnError !== null) return { kind: 'not-started', reason: `cannot start the shell: ${spawnError}` };
    if (this.#exited) return { kind: 'not-started', reason: this.#exitReason };
    try {
      const result = await this.shell.invoke(line);
      if (this.#exited) return { kind: 'exited', reason: this.#exitReason };
      return { kind: 'answered', stdout: text(result.stdout), stderr: text(result.stderr) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // node-powershell refuses before writing anything when it already knows the process is gone.
      if (/invoke called after process exited/.test(message))
        return { kind: 'not-started', reason: this.#exitReason };
      this.#markExited(message);
      return { kind: 'exited', reason: this.#exitReason };
    }
  }

  async dispose(): Promise<void> {
    if (this.#exited) return;
    try {
      await this.shell.dispose('SIGTERM');
    } catch {
      // The exit promise rejects when the process was already failing; it is gone either way.
    }
    this.#markExited('the shell was stopped');
  }
}

/**
 * Loads node-powershell (lazily: the lab path never needs it) and returns a factory of shells launched
 * with SHELL_FLAGS, UTF-8 streams, no library timeout (the runner times every call) and
 * `throwOnInvocationError: false` (node-powershell treats any stderr text as failure; the runner reads
 * only its marked stdout line).
 */
export async function nodePowerShellFactory(options: ShellLaunchOptions): Promise<PsShellFactory> {
  const { PowerShell } = await import('node-powershell');
  return () =>
    new NodePowerShellShell(
      new PowerShell({
        executable: options.executable,
        executableOptions: { ...SHELL_FLAGS },
        inputEncoding: 'utf-8',
        outputEncoding: 'utf-8',
        invocationTimeout: 0,
        throwOnInvocationError: false,
        spawnOptions: {
          windowsHide: true,
          ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
        },
      }) as unknown as NodePowerShellInstance,
    );
}
