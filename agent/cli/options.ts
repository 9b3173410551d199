import { CliError } from './cli-error.js';
import type { CommandContext } from './command.js';

/** The value of a string option, or `undefined` when it was not given. */
export function optionalString(context: CommandContext, name: string): string | undefined {
  const value = context.options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CliError('USAGE', `--${name} takes a value`);
  return value;
}

/** The value of a required string option; throws a usage error naming the option and what it expects. */
export function requiredString(context: CommandContext, name: string, expected: string): string {
  const value = optionalString(context, name);
  if (value === undefined || value.trim() === '') {
    throw new CliError('USAGE', `missing --${name}; expected ${expected}`);
  }
  return value.trim();
}

export function flag(context: CommandContext, name: string): boolean {
  return context.options[name] === true;
}

/**
 * Parses a whole decimal number within `[min, max]`. Refuses `1e3`, `0x10`, `2.5`, signs and blanks:
 * counts of sockets and cores are typed by people, and a silent coercion would misreport licences.
 * A whole number outside the range (`-5`, `0`, a huge one) is reported as out of range.
 */
export function integerOption(
  context: CommandContext,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = optionalString(context, name);
  if (text === undefined) return undefined;
  const range = `expected a whole number from ${min} to ${max}`;
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) {
    throw new CliError('USAGE', `--${name} is "${text.slice(0, 40)}", ${range}`);
  }
  const value = Number(trimmed);
  if (!/^\d{1,15}$/.test(trimmed) || value < min || value > max) {
    throw new CliError('USAGE', `--${name} is ${trimmed.slice(0, 40)}, out of range: ${range}`);
  }
  return value;
}

export function requiredInteger(context: CommandContext, name: string, min: number, max: number): number {
  const value = integerOption(context, name, min, max);
  if (value === undefined)
    throw new CliError('USAGE', `missing --${name}; expected a whole number from ${min} to ${max}`);
  return value;
}

/** Refuses two options that contradict each other, e.g. `--host-activated --host-not-activated`. */
export function exclusiveFlags(context: CommandContext, a: string, b: string): void {
  if (flag(context, a) && flag(context, b)) {
    throw new CliError('USAGE', `--${a} and --${b} contradict each other; give one of them`);
  }
}
