/**
 * A PsRunner that replays recordings: each request must be the next recorded one (same operation,
 * deep-equal arguments), the text the real runner would send is built and checked to carry exactly
 * those arguments, and the recorded answer goes through the real result parsing. An unexpected
 * request, or a recording left unused at close, fails the test (close rethrows the first failure so an
 * `afterEach(close)` reports it even when the driver swallowed nothing).
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  type RecordedStep,
  Recording,
  stepOutputText,
} from '../../../../agent/driver/powershell/recording.js';
import { buildRequestText, newMarker } from '../../../../agent/driver/powershell/request-text.js';
import {
  interpretAnswer,
  type PsRequest,
  type PsRunner,
} from '../../../../agent/driver/powershell/runner.js';
import { loadScriptCatalog } from '../../../../agent/driver/powershell/script-catalog.js';

const FIXTURES = new URL('../../../fixtures/powershell/', import.meta.url);

/** Reads and validates a recording file from test/fixtures/powershell/. */
export function loadRecording(file: string): Recording {
  return Recording.parse(JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')));
}

/** The `ok` value of a recording's only step of `operation` (fixture data for unit tests). */
export function recordedOk(file: string, operation: RecordedStep['operation']): unknown {
  const step = loadRecording(file).steps.find((candidate) => candidate.operation === operation);
  return (step?.output as { ok?: unknown } | undefined)?.ok;
}

function describeRequest(request: PsRequest): string {
  return `${request.operation} ${JSON.stringify(request.arguments).slice(0, 300)}`;
}

/** The base64 request a sent line carries, decoded. */
export function payloadOf(text: string): unknown {
  const base64 = /FromBase64String\('([A-Za-z0-9+/=]*)'\)/.exec(text)?.[1];
  if (base64 === undefined) throw new Error('no base64 request in the text');
  return JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
}

export class ReplayingRunner implements PsRunner {
  readonly #steps: RecordedStep[];
  readonly #catalog = loadScriptCatalog();
  /** Every text that would have been sent, in order. */
  readonly sent: string[] = [];
  #failure: Error | null = null;

  constructor(
    steps: readonly RecordedStep[],
    private readonly computerName: string | null = null,
  ) {
    this.#steps = [...steps];
  }

  get remaining(): number {
    return this.#steps.length;
  }

  #fail(message: string): Error {
    const error = new Error(message);
    this.#failure ??= error;
    return error;
  }

  async run(request: PsRequest): Promise<unknown> {
    const step = this.#steps.shift();
    if (step === undefined)
      throw this.#fail(`unexpected script (no recording left): ${describeRequest(request)}`);
    if (step.operation !== request.operation || !isDeepStrictEqual(step.arguments, request.arguments)) {
      throw this.#fail(
        `unexpected script: got ${describeRequest(request)}, recorded ${step.operation} ${JSON.stringify(step.arguments).slice(0, 300)}`,
      );
    }
    const marker = newMarker();
    const payload = { ComputerName: this.computerName, Arguments: request.arguments };
    const text = buildRequestText(this.#catalog, request.operation, payload, marker);
    if (!isDeepStrictEqual(payloadOf(text), JSON.parse(JSON.stringify(payload)))) {
      throw this.#fail(`the text for ${request.operation} does not carry its arguments`);
    }
    this.sent.push(text);
    // Host output before the result line, as PowerShell prints it, must not matter.
    return interpretAnswer(
      request.operation,
      `WARNING: replayed\r\n${marker}${stepOutputText(step)}\r\n`,
      marker,
    );
  }

  async close(): Promise<void> {
    if (this.#failure !== null) throw this.#failure;
    if (this.#steps.length > 0) {
      const unused = this.#steps.map((step) => step.operation).join(', ');
      throw this.#fail(`${this.#steps.length} recording(s) left unused: ${unused}`);
    }
  }
}
