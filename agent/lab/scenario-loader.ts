/**
 * Reading scenario files: JSON text -> validated, defaulted `Scenario`, or one `LabError`
 * INVALID_SCENARIO whose message names the path of the first problem
 * (`vms[3].guest.edition: expected one of datacenter, standard, essentials, datacenter-azure`).
 */
import { readFile, stat } from 'node:fs/promises';
import { CLIENT_VERSIONS, HOST_VERSIONS, SERVER_VERSIONS } from 'hyperv-kvp';
import type { z } from 'zod';
import { LabError } from './lab-error.js';
import { checkScenario } from './scenario-check.js';
import { type Scenario, scenarioSchema } from './scenario-schema.js';
import defaultScenarioJson from './scenarios/default.json' with { type: 'json' };

/** A scenario for an 8,000-VM fleet is about 3 MB; anything far larger is not a scenario. */
export const MAX_SCENARIO_BYTES = 64 * 1024 * 1024;

/** `vms[3].guest.edition` from a zod path; the root is called `scenario`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? 'scenario' : text;
}

/**
 * zod keeps enum values in an object, which lists integer-like keys ("2016", "1709") first; messages
 * show a vocabulary in its own order (build order for versions) when the values are one.
 */
const VOCABULARIES: readonly (readonly string[])[] = [SERVER_VERSIONS, HOST_VERSIONS, CLIENT_VERSIONS];

function orderedValues(values: readonly unknown[]): string[] {
  const texts = values.map(String);
  const known = VOCABULARIES.find(
    (vocabulary) => vocabulary.length === texts.length && vocabulary.every((v) => texts.includes(v)),
  );
  return known === undefined ? texts : [...known];
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string'
    ? `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`
    : typeof value;
}

function issueText(issue: z.core.$ZodIssue): { path: readonly PropertyKey[]; text: string } {
  // The schemas' own messages already say what was expected; zod's defaults are rephrased below.
  if (issue.message.startsWith('expected ')) return { path: issue.path, text: issue.message };
  switch (issue.code) {
    case 'unrecognized_keys':
      return { path: [...issue.path, issue.keys[0] ?? ''], text: 'unknown field' };
    case 'invalid_value':
      return { path: issue.path, text: `expected one of ${orderedValues(issue.values).join(', ')}` };
    case 'invalid_union': {
      const options = (issue as { options?: readonly unknown[] }).options;
      if (options !== undefined)
        return { path: issue.path, text: `expected one of ${options.map(String).join(', ')}` };
      return { path: issue.path, text: 'does not match any accepted form' };
    }
    case 'invalid_type':
      if (issue.input === undefined) return { path: issue.path, text: `missing; expected ${issue.expected}` };
      return { path: issue.path, text: `expected ${issue.expected}, got ${describeValue(issue.input)}` };
    case 'too_small':
      return {
        path: issue.path,
        text: `expected at least ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`,
      };
    case 'too_big':
      return {
        path: issue.path,
        text: `expected at most ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}`,
      };
    default:
      return { path: issue.path, text: issue.message };
  }
}

/**
 * Validates a parsed scenario object (schema, defaults, cross-references) and returns it with defaults
 * applied. Throws `LabError` INVALID_SCENARIO naming the path of the first problem.
 */
export function validateScenario(input: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const [first] = parsed.error.issues;
    const { path, text } = first === undefined ? { path: [], text: 'invalid' } : issueText(first);
    throw new LabError('INVALID_SCENARIO', `${formatPath(path)}: ${text}`);
  }
  checkScenario(parsed.data);
  return parsed.data;
}

/** Parses scenario JSON text (a UTF-8 BOM is tolerated). Throws `LabError` INVALID_SCENARIO. */
export function parseScenario(text: string): Scenario {
  if (text.length > MAX_SCENARIO_BYTES) {
    throw new LabError(
      'INVALID_SCENARIO',
      `scenario: ${text.length} characters, expected at most ${MAX_SCENARIO_BYTES}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new LabError('INVALID_SCENARIO', `scenario: not valid JSON (${reason})`);
  }
  return validateScenario(json);
}

/** Reads and parses a scenario file. Throws `LabError` INVALID_SCENARIO (prefixed with the path). */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new LabError('INVALID_SCENARIO', `${path}: not a file`);
    if (info.size > MAX_SCENARIO_BYTES) {
      throw new LabError(
        'INVALID_SCENARIO',
        `${path}: ${info.size} bytes, expected at most ${MAX_SCENARIO_BYTES}`,
      );
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof LabError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new LabError(
      'INVALID_SCENARIO',
      `${path}: cannot read (${code === 'ENOENT' ? 'no such file' : String(code)})`,
    );
  }
  try {
    return parseScenario(text);
  } catch (error) {
    if (error instanceof LabError) throw new LabError(error.code, `${path}: ${error.message}`);
    throw error;
  }
}

/** The scenario that ships with the project (agent/lab/scenarios/default.json). Never throws. */
export function defaultScenario(): Scenario {
  return validateScenario(defaultScenarioJson);
}
