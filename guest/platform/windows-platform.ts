/**
 * The Windows adapter of the guest agent. KVP pools are the registry keys under
 * `HKLM\SOFTWARE\Microsoft\Virtual Machine` (`External`: what the host pushed; `Guest`: what this
 * guest publishes), read and written by the scripts in `scripts/` through Windows PowerShell; keys are
 * installed and activated with slmgr.vbs; the licence comes from `SoftwareLicensingProduct`, the OS
 * from `Win32_OperatingSystem`, and 12309 from the Application log. Every process goes through the
 * injected `ProcessRunner`.
 */

import { z } from 'zod';
import { isAgentItem, valueSizeViolation } from '../../shared/protocol/index.js';
import {
  type GuestActivationEvent,
  type GuestOsFacts,
  type GuestPlatform,
  GuestPlatformError,
  type LicenseFacts,
} from './guest-platform.js';
import { callScript } from './windows/powershell-call.js';
import { nodeProcessRunner, type ProcessRunner } from './windows/process-runner.js';
import {
  ActivationEventsResult,
  KvpReadResult,
  LicenseFactsResult,
  OsFactsResult,
  toActivationEvents,
  toLicenseFacts,
  toOsFacts,
} from './windows/script-results.js';
import { activate, installProductKey } from './windows/slmgr.js';
import { readStateFile, writeStateFile } from './windows/state-file.js';
import {
  defaultScriptsDirectory,
  type WindowsEnvironment,
  type WindowsPaths,
  windowsPaths,
} from './windows/windows-paths.js';

/** Newest 12309 records fetched per pass; the ring keeps eight. */
export const MAX_EVENTS_PER_READ = 64;
const AGENT_ITEM_NAME = /^AvmaAgent\.[A-Za-z0-9.]{1,64}$/;

export interface WindowsPlatformOptions {
  readonly runner?: ProcessRunner;
  readonly env?: WindowsEnvironment;
  readonly scriptsDirectory?: string;
  /** Overrides the state file location (tests). */
  readonly stateFile?: string;
  readonly clock?: () => Date;
}

export class WindowsGuestPlatform implements GuestPlatform {
  readonly paths: WindowsPaths;
  readonly #runner: ProcessRunner;
  readonly #clock: () => Date;

  constructor(options: WindowsPlatformOptions = {}) {
    const base = windowsPaths(
      options.env ?? process.env,
      options.scriptsDirectory ?? defaultScriptsDirectory(),
    );
    this.paths =
      options.stateFile === undefined ? base : Object.freeze({ ...base, stateFile: options.stateFile });
    this.#runner = options.runner ?? nodeProcessRunner();
    this.#clock = options.clock ?? (() => new Date());
  }

  /** The External pool's string values (what the host pushed). Rejects with `GuestPlatformError`. */
  async readExternalItems(): Promise<ReadonlyMap<string, string>> {
    return this.#readPool('External');
  }

  /** The Guest pool's string values. Rejects with `GuestPlatformError`. */
  async readGuestItems(): Promise<ReadonlyMap<string, string>> {
    return this.#readPool('Guest');
  }

  /**
   * Writes an `AvmaAgent.*` REG_SZ value to the Guest pool. Rejects with `GuestPlatformError`
   * COMMAND_FAILED for any other name or a value over the protocol's limits (defence in depth: 1022
   * UTF-16 units and 1022 UTF-8 bytes), or when the script fails.
   */
  async writeGuestItem(name: string, value: string): Promise<void> {
    checkAgentName(name);
    const oversize = valueSizeViolation(value);
    if (oversize !== null) {
      throw new GuestPlatformError('COMMAND_FAILED', `refusing to write ${name}: value ${oversize}`);
    }
    await callScript(
      this.#runner,
      this.paths,
      'kvp-write',
      { name, data: value },
      z.strictObject({ written: z.string() }),
    );
  }

  /** Deletes an `AvmaAgent.*` value of the Guest pool; a missing one counts as deleted. */
  async deleteGuestItem(name: string): Promise<void> {
    checkAgentName(name);
    await callScript(
      this.#runner,
      this.paths,
      'kvp-delete',
      { name },
      z.strictObject({ deleted: z.boolean() }),
    );
  }

  /** Build, ProductType and SKU mapped to the shared vocabulary. Rejects with `GuestPlatformError`. */
  async osFacts(): Promise<GuestOsFacts> {
    return toOsFacts(await callScript(this.#runner, this.paths, 'os-facts', {}, OsFactsResult));
  }

  /** `slmgr /ipk KEY`; rejects with `GuestPlatformError` KEY_REJECTED carrying the HRESULT. */
  async installProductKey(key: string): Promise<void> {
    await installProductKey(this.#runner, this.paths, key);
  }

  /** `slmgr /ato`; rejects with `GuestPlatformError` COMMAND_FAILED carrying the HRESULT. */
  async activate(): Promise<void> {
    await activate(this.#runner, this.paths);
  }

  /** The Windows licence from `SoftwareLicensingProduct`. Rejects with `GuestPlatformError`. */
  async licenseFacts(): Promise<LicenseFacts> {
    return toLicenseFacts(
      await callScript(this.#runner, this.paths, 'license-facts', {}, LicenseFactsResult),
    );
  }

  /** The newest 64 12309 records after the bookmark, oldest first. Rejects with `GuestPlatformError`. */
  async readActivationEvents(afterRecordId: number): Promise<GuestActivationEvent[]> {
    if (!Number.isSafeInteger(afterRecordId) || afterRecordId < 0) {
      throw new GuestPlatformError(
        'COMMAND_FAILED',
        `afterRecordId is ${afterRecordId}, expected an integer >= 0`,
      );
    }
    const request = { afterRecordId, maxEvents: MAX_EVENTS_PER_READ };
    return toActivationEvents(
      await callScript(this.#runner, this.paths, 'activation-events', request, ActivationEventsResult),
    );
  }

  /** `%ProgramData%\avma-agent\guest-state.json`, or `null` before the first save. */
  async loadState(): Promise<string | null> {
    return readStateFile(this.paths.stateFile);
  }

  async saveState(state: string): Promise<void> {
    await writeStateFile(this.paths.stateFile, state);
  }

  now(): Date {
    return this.#clock();
  }

  async #readPool(pool: 'External' | 'Guest'): Promise<ReadonlyMap<string, string>> {
    const result = await callScript(this.#runner, this.paths, 'kvp-read', { pool }, KvpReadResult);
    return new Map(result.items.map((item) => [item.name, item.data]));
  }
}

function checkAgentName(name: string): void {
  if (!isAgentItem(name) || !AGENT_ITEM_NAME.test(name)) {
    throw new GuestPlatformError(
      'COMMAND_FAILED',
      `refusing to touch ${JSON.stringify(name.slice(0, 40))}: not an AvmaAgent.* item`,
    );
  }
}
