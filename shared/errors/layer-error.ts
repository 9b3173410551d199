import { safeLine } from './safe-line.js';

/**
 * The base of every layer's one error type (store, usage, driver, lab, protocol, avma, ...). A layer
 * declares its codes as a closed `as const` list and subclasses this with that union, so callers (the
 * CLI's exit codes, the API's HTTP status) branch on `layer` and `code`, never on a message or a name.
 * The message is always one safe line: control characters from interpolated input arrive escaped.
 */
export abstract class LayerError<C extends string = string> extends Error {
  /** Which layer refused, e.g. `store`; with `code` it identifies the failure. */
  abstract readonly layer: string;
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(safeLine(message), options);
    this.code = code;
  }
}

/** True when `value` is one of the layers' errors; narrows `unknown` from a catch clause. */
export function isLayerError(value: unknown): value is LayerError {
  return value instanceof LayerError;
}
