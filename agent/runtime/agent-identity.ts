/**
 * The agent's id: who holds a host's lease (PostgreSQL) and the actor of its `host-sweep` audit
 * records. `<base>/<suffix>`: the base is stable across restarts so an operator recognises the agent
 * (`--agent-id`, config `agentId`, else the machine's host name plus a digest of the configuration
 * file's path: two agents on one machine with different configs differ); the suffix is random per
 * process, so a restarted agent is a NEW holder and waits for its predecessor's leases to expire
 * rather than recording over a predecessor that may still be running.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/** Stored as the audit actor (128 characters at most): the base keeps 100 of them. */
const MAX_BASE = 100;

/** The stable part: `--agent-id` / config `agentId`, else `hostname:digest-of-config-path`. */
export function agentIdBase(explicit: string | undefined, configPath: string | undefined): string {
  if (explicit !== undefined) return explicit.slice(0, MAX_BASE);
  const where = configPath === undefined ? process.cwd() : resolve(configPath);
  const digest = createHash('sha256').update(where).digest('hex').slice(0, 8);
  return `${hostname().toLowerCase()}:${digest}`.slice(0, MAX_BASE);
}

/** This process's id: the base plus a random per-process suffix. */
export function processAgentId(base: string): string {
  return `${base}/${randomBytes(3).toString('hex')}`;
}
