import type { CommandSpec, OptionSpec } from './command.js';

const PROGRAM = 'avma';

export function commandName(spec: CommandSpec): string {
  return [PROGRAM, ...spec.path].join(' ');
}

/** The one-line usage of a command, e.g. `avma kvp encode --name N --data D [--source 0..4]`. */
export function usageLine(spec: CommandSpec): string {
  const positionals = spec.positionals.map((p) => (p.required ? p.name : `[${p.name}]`));
  return [commandName(spec), '[options]', ...positionals].join(' ');
}

function optionLabel(name: string, option: OptionSpec): string {
  const short = option.short === undefined ? '' : `-${option.short}, `;
  const value = option.type === 'string' ? ` ${option.valueName ?? 'VALUE'}` : '';
  return `${short}--${name}${value}`;
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

/** Full help of one command: usage, details, positionals and options. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: ${usageLine(spec)}`, '', spec.summary];
  if (spec.details !== undefined) lines.push('', spec.details);
  if (spec.positionals.length > 0) {
    lines.push('', 'Arguments:', ...table(spec.positionals.map((p) => [p.name, p.description])));
  }
  const options: [string, string][] = Object.entries(spec.options).map(([name, option]) => [
    optionLabel(name, option),
    option.description,
  ]);
  options.push(['-h, --help', 'show this help']);
  lines.push('', 'Options:', ...table(options));
  return `${lines.join('\n')}\n`;
}

/** Help for `avma` itself or a group such as `avma kvp`: the commands below that prefix. */
export function groupHelp(prefix: readonly string[], specs: readonly CommandSpec[]): string {
  const below = specs.filter((spec) => prefix.every((word, i) => spec.path[i] === word));
  const title = [PROGRAM, ...prefix].join(' ');
  const lines = [
    `Usage: ${title} <command> [options]`,
    '',
    prefix.length === 0
      ? 'avma-agent: Automatic Virtual Machine Activation for Hyper-V hosting operators.'
      : `Commands under ${title}:`,
    '',
    'Commands:',
    ...table(below.map((spec) => [spec.path.join(' '), spec.summary])),
    '',
    `Run "${title} <command> --help" for the options of a command.`,
  ];
  return `${lines.join('\n')}\n`;
}
