import { DriverError } from '../driver-error.js';
import { PS_OPERATION_SPECS, type PsOperation } from './operations.js';
import { buildRequestText, newMarker, type PsArguments } from './request-text.js';
import { parseResponse, quoteHostText, scriptFailureError } from './response.js';
import type { ScriptCatalog } from './script-catalog.js';
import type { PsShell, PsShellFactory, ShellOutcome } from './shell.js';

/** One operation for one host. */
export interface PsRequest {
  readonly operation: PsOperation;
  readonly arguments: PsArguments;
}

/**
 * The seam between the driver and PowerShell. The driver only ever calls `run`; tests inject a
 * replaying runner (recorded outputs) and the runner tests drive `ShellRunner` with a fake shell.
 */
export interface PsRunner {
  /**
   * Runs one operation and resolves with the operation's JSON result (the `ok` value, not yet
   * validated). Rejects with DriverError: TIMEOUT, HOST_UNAVAILABLE, BAD_RESPONSE, or the failure the
   * script reported (FAILED / HOST_UNAVAILABLE).
   */
  run(request: PsRequest): Promise<unknown>;
  /** Stops the shell. Idempotent. */
  close(): Promise<void>;
}

export interface ShellRunnerOptions {
  readonly catalog: ScriptCatalog;
  readonly startShell: PsShellFactory;
  /** Remote host for `Invoke-Command -Session`; null runs on the local host. */
  readonly computerName: string | null;
  /** Per-call limit in milliseconds, for the shell to answer. */
  readonly timeoutMs: number;
  /** Called with the exact text of every attempt before it is sent (audit, tests). */
  readonly onSend?: (operation: PsOperation, text: string) => void;
  /** Called with what the shell wrote on stderr for a call (warnings; never parsed). */
  readonly onStderr?: (operation: PsOperation, stderr: string) => void;
}

type AttemptResult =
  | { readonly kind: 'done'; readonly value: unknown }
  | { readonly kind: 'timed-out' }
  | Exclude<ShellOutcome, { kind: 'answered' }>;

/**
 * The operation result inside what a shell printed for one call: the value of `{"ok": …}`. Throws
 * DriverError BAD_RESPONSE (no, two or malformed result lines) or the mapped script failure for
 * `{"error": …}`. Every runner (shell, replay) reads answers through this one function.
 */
export function interpretAnswer(operation: PsOperation, stdout: string, marker: string): unknown {
  const parsed = parseResponse(stdout, marker, operation);
  if (parsed.kind === 'error') throw scriptFailureError(operation, parsed.failure);
  return parsed.value;
}

/**
 * Owns one PowerShell process per host. Every call gets a fresh marker and a timeout; on timeout or
 * death the shell is discarded and the next call starts a new one.
 *
 * Retry rule (decided here, one place): a call is sent again, once, on a fresh shell when
 *   - it never reached a running shell (spawn failed, shell already dead): safe for every operation;
 *   - it is a read (host-info, list-vms, read-events) and the shell hung or died mid-call.
 * A write that hung or died mid-call is NOT retried: the host may have applied it, and AddKvpItems is
 * not idempotent. It fails with TIMEOUT / HOST_UNAVAILABLE saying the outcome is unknown; the next sweep
 * reads the host's items and decides again.
 */
export class ShellRunner implements PsRunner {
  #shell: PsShell | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(private readonly options: ShellRunnerOptions) {}

  run(request: PsRequest): Promise<unknown> {
    // One request at a time per shell: PowerShell's stdin is a single conversation.
    const next = this.#queue.then(() => this.#runNow(request));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #runNow(request: PsRequest): Promise<unknown> {
    if (this.#closed)
      throw new DriverError('HOST_UNAVAILABLE', `${request.operation}: the runner was closed`);
    const isRead = PS_OPERATION_SPECS[request.operation].kind === 'read';
    const first = await this.#attempt(request);
    if (first.kind === 'done') return first.value;
    const retry = first.kind === 'not-started' || isRead;
    if (!retry) throw this.#failure(request, first, false);
    const second = await this.#attempt(request);
    if (second.kind === 'done') return second.value;
    throw this.#failure(request, second, true);
  }

  async #attempt(request: PsRequest): Promise<AttemptResult> {
    const shell = this.#liveShell();
    if (typeof shell === 'string') return { kind: 'not-started', reason: shell };
    const marker = newMarker();
    const payload = { ComputerName: this.options.computerName, Arguments: request.arguments };
    const text = buildRequestText(this.options.catalog, request.operation, payload, marker);
    this.options.onSend?.(request.operation, text);
    const outcome = await this.#invokeWithTimeout(shell, text);
    if (outcome === 'timed-out') {
      await this.#discard(shell);
      return { kind: 'timed-out' };
    }
    if (outcome.kind !== 'answered') {
      await this.#discard(shell);
      return outcome;
    }
    if (outcome.stderr.trim() !== '') this.options.onStderr?.(request.operation, outcome.stderr);
    return { kind: 'done', value: interpretAnswer(request.operation, outcome.stdout, marker) };
  }

  /** The running shell, a fresh one if there is none, or the reason none could be started. */
  #liveShell(): PsShell | string {
    if (this.#shell === null || this.#shell.exited) {
      try {
        this.#shell = this.options.startShell();
      } catch (error) {
        return `cannot start the shell: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return this.#shell;
  }

  async #discard(shell: PsShell): Promise<void> {
    if (this.#shell === shell) this.#shell = null;
    await shell.dispose();
  }

  async #invokeWithTimeout(shell: PsShell, text: string): Promise<ShellOutcome | 'timed-out'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timed-out'>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), this.options.timeoutMs);
    });
    try {
      return await Promise.race([shell.invoke(text), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #failure(
    request: PsRequest,
    result: Exclude<AttemptResult, { kind: 'done' }>,
    retried: boolean,
  ): DriverError {
    const isWrite = PS_OPERATION_SPECS[request.operation].kind === 'write';
    const unknownOutcome =
      isWrite && result.kind !== 'not-started' ? '; the write may or may not have been applied' : '';
    const again = retried ? ' (also after one retry on a fresh shell)' : '';
    const where = this.options.computerName ?? 'the local host';
    if (result.kind === 'timed-out') {
      return new DriverError(
        'TIMEOUT',
        `${request.operation} on ${where}: no answer within ${this.options.timeoutMs} ms${again}${unknownOutcome}`,
      );
    }
    return new DriverError(
      'HOST_UNAVAILABLE',
      `${request.operation} on ${where}: ${quoteHostText(result.reason)}${again}${unknownOutcome}`,
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    const shell = this.#shell;
    this.#shell = null;
    if (shell !== null) await shell.dispose();
  }
}
