/** Reading and validating `--config FILE` (config-schema.ts). */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { isPostgresUrl } from '../store/db-target.js';
import { ConfigError } from './config-error.js';
import { AgentConfig } from './config-schema.js';

/** A configuration is a page of JSON; anything bigger is not one. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'does not match the schema';
  const path = issue.path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('');
  const where = path === '' ? '(top level)' : path.replace(/^\./, '');
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown field ${JSON.stringify(issue.keys[0]?.slice(0, 40))}, expected only the documented fields`;
  }
  return `${where}: ${issue.message}`;
}

/**
 * Parses configuration text. Throws ConfigError NOT_JSON or INVALID with a one-line message naming
 * `label` (the file) and the path of the first problem.
 */
export function parseConfig(text: string, label: string): AgentConfig {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new ConfigError('NOT_JSON', `${label}: not valid JSON; expected a JSON object of agent settings`);
  }
  const parsed = AgentConfig.safeParse(json);
  if (!parsed.success) throw new ConfigError('INVALID', `${label}: ${describeIssue(parsed.error.issues[0])}`);
  return Object.freeze(parsed.data);
}

/** `path` resolved against the configuration file's directory (absolute paths and URLs are kept). */
function relativeTo(file: string, path: string | undefined): string | undefined {
  if (path === undefined || isAbsolute(path) || isPostgresUrl(path)) return path;
  return resolve(dirname(file), path);
}

/**
 * Reads and validates a configuration file; `db` and `scenario` come back resolved against its
 * directory. Rejects with ConfigError UNREADABLE (missing, not a file, larger than 4 MiB), NOT_JSON or
 * INVALID.
 */
export async function loadConfig(file: string): Promise<AgentConfig> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_CONFIG_BYTES) {
      throw new ConfigError('UNREADABLE', `${file}: not a file of at most ${MAX_CONFIG_BYTES} bytes`);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new ConfigError('UNREADABLE', `cannot read ${file}: ${reason}`);
  }
  const config = parseConfig(text, file);
  const db = relativeTo(file, config.db);
  const scenario = relativeTo(file, config.scenario);
  return Object.freeze({
    ...config,
    ...(db === undefined ? {} : { db }),
    ...(scenario === undefined ? {} : { scenario }),
  });
}
