/**
 * The agent's configuration file (`avma run --config FILE`): strict JSON, unknown fields refused. Every
 * field is optional; command-line options win over the file. Relative paths (`db`, `scenario`) are
 * relative to the file's directory.
 *
 * ```json
 * { "driver": "powershell", "hosts": ["localhost", "HV02"], "db": "avma.sqlite", "interval": 60,
 *   "staleAfter": 600, "silentAfterSweeps": 3, "concurrency": 4,
 *   "tenants": [{ "prefix": "contoso-", "tenant": "contoso" }, { "regex": "^fab\\d+$", "tenant": "fabrikam" }],
 *   "optOuts": [{ "vm": "sql01", "reason": "tenant brings its own licence" }],
 *   "powershell": { "executable": "pwsh", "timeoutMs": 120000 },
 *   "spla": { "standardVmsPerLicenceSet": 1, "skus": { "Windows Server Standard": "SKU-FROM-PRICE-LIST" } },
 *   "retention": { "rawMonths": 60 } }
 * ```
 */
import { z } from 'zod';
import { MIN_RAW_MONTHS } from '../store/repos/retention-repo.js';
import { MAX_TENANT } from '../store/repos/vms-repo.js';
import { storeText } from '../store/store-text.js';
import { SPLA_SETTINGS_SCHEMA } from '../usage/spla-settings.js';

const MAX_PATH = 4096;
/** DNS host names and `localhost` / `.` (the local host). */
const HOST_NAME = /^(?:\.|[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*)$/;
const MAX_REGEX = 200;
/** An agent id's stable part (`--agent-id`, config `agentId`). */
export const AGENT_ID = /^[A-Za-z0-9._:@-]{1,100}$/;

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'iu');
    return true;
  } catch {
    return false;
  }
}

/** Stored with every VM it matches: the store's own text rule, checked here once. */
const Tenant = storeText(MAX_TENANT);

/** VM name → tenant: the first rule that matches wins; `prefix` compares case-insensitively. */
export const TenantRule = z.union([
  z.strictObject({ prefix: z.string().min(1).max(256), tenant: Tenant }),
  z.strictObject({
    regex: z.string().min(1).max(MAX_REGEX).refine(compiles, 'expected a valid regular expression'),
    tenant: Tenant,
  }),
]);
export type TenantRule = z.infer<typeof TenantRule>;

export const OptOut = z.strictObject({
  /** VM name (current, case-insensitive) or GUID. */
  vm: z.string().min(1).max(256),
  /** Kept in the audit trail: the store's text rule and its 1024-character cap for reasons. */
  reason: storeText(1024).optional(),
});
export type OptOut = z.infer<typeof OptOut>;

export const PowerShellSettings = z.strictObject({
  executable: z.string().min(1).max(1024).optional(),
  timeoutMs: z.int().min(1000).max(3_600_000).optional(),
  jobTimeoutSeconds: z.int().min(1).max(3600).optional(),
  kvpWriteApi: z.enum(['auto', 'cim', 'wmi']).optional(),
});
export type PowerShellSettings = z.infer<typeof PowerShellSettings>;

export const AgentConfig = z.strictObject({
  driver: z.enum(['lab', 'powershell']).optional(),
  /** PowerShell: `localhost` / `.` or remote computer names; lab: a subset of the scenario's hosts. */
  hosts: z.array(z.string().max(253).regex(HOST_NAME, 'expected a host name')).min(1).max(256).optional(),
  /** Lab scenario file (default: the bundled scenario). */
  scenario: z.string().min(1).max(MAX_PATH).optional(),
  db: z.string().min(1).max(MAX_PATH).optional(),
  /** Seconds between sweeps, on the driver's clock (simulated for the lab). */
  interval: z.int().min(1).max(86_400).optional(),
  /** Seconds without a sighting after which a VM's observation is closed at its last sighting. */
  staleAfter: z
    .int()
    .min(1)
    .max(31 * 86_400)
    .optional(),
  /**
   * Tenant billing: a VM's assigned memory moving by at most this percentage keeps its observation
   * interval (Dynamic Memory moves it at nearly every sweep). Default 5 (UNCONFIRMED); 0 records every change.
   */
  memoryChangePercent: z.number().min(0).max(50).optional(),
  /** Sweeps without a guest agent report before GUEST_AGENT_SILENT is recorded. */
  silentAfterSweeps: z.int().min(1).max(10_000).optional(),
  /** Hosts swept at the same time. */
  concurrency: z.int().min(1).max(64).optional(),
  /** Lab only: simulated milliseconds per real millisecond. */
  labSpeed: z.number().min(1).max(1_000_000).optional(),
  tenants: z.array(TenantRule).max(10_000).optional(),
  optOuts: z.array(OptOut).max(100_000).optional(),
  powershell: PowerShellSettings.optional(),
  /**
   * Optional collectors to turn off (agent/sweep/collectors/registry.ts), e.g. `host-events` for an
   * account that cannot read the Application log; their outcome is reported as disabled.
   */
  disabledCollectors: z
    .array(z.enum(['host-events', 'guest-reports']))
    .max(2)
    .optional(),
  /** How licence evidence is weighed (agent/decide/licence-evidence.ts, host-evidence.ts). */
  evidence: z
    .strictObject({
      /** Hours a host 12310 AVMA success corroborates a VM's activation (default 168: the AVMA
       * validity, UNCONFIRMED). */
      hostWindowHours: z
        .int()
        .min(1)
        .max(366 * 24)
        .optional(),
      /** Seconds of clock skew allowed when matching a 12310 to a guest's 12309 by time (default 300). */
      correlationToleranceSeconds: z.int().min(0).max(86_400).optional(),
    })
    .optional(),
  /**
   * The SPLA month report's rules (agent/usage/spla-settings.ts; README "SPLA month report"), used by
   * `avma export usage --config` and the API of `avma run`; recorded in every report.
   */
  spla: SPLA_SETTINGS_SCHEMA.optional(),
  /**
   * Raw events and observations are kept `rawMonths` months (default 60, at least 36: audits reach three
   * years back), then pruned daily by `avma run` and by `avma db prune`; never data of a month that is
   * not closed, and never a close.
   */
  retention: z.strictObject({ rawMonths: z.int().min(MIN_RAW_MONTHS).max(1200).optional() }).optional(),
  /**
   * PostgreSQL only: the stable part of this agent's id, the holder of its hosts' leases (default: the
   * machine's host name and a digest of this file's path; a random per-process suffix is added).
   */
  agentId: z.string().regex(AGENT_ID, 'expected 1..100 letters, digits and . _ : @ -').optional(),
  /**
   * PostgreSQL only: host leases (README "Several agents, one PostgreSQL"). `ttlSeconds`: how long a
   * lease lasts unless renewed (every ttl/3); an agent that dies loses its hosts after it. Default 60.
   */
  leases: z.strictObject({ ttlSeconds: z.int().min(2).max(3600).optional() }).optional(),
});
export type AgentConfig = z.infer<typeof AgentConfig>;
