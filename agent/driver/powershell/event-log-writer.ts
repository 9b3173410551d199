/**
 * The agent's warnings and errors into the local Windows Application log, through the same PowerShell
 * runner the driver uses: the message travels only inside the base64 JSON request, never in script
 * text, so a VM name or a guest's text in a warning cannot become code. One shell of its own (not a
 * host's), so an Event Log write never waits behind a sweep's KVP calls and vice versa.
 */
import type { EventLogEntry, EventLogWriter } from '../../logging/event-log-queue.js';
import { DriverError } from '../driver-error.js';
import type { PsRequest, PsRunner } from './runner.js';
import { ShellRunner } from './runner.js';
import { loadScriptCatalog } from './script-catalog.js';
import { nodePowerShellFactory } from './shell.js';

/** The event source `avma service install` registers in the Application log. */
export const DEFAULT_EVENT_SOURCE = 'avma-agent';
/**
 * Event ids of the agent's own entries. The source is registered with .NET's message file
 * (EventLog.CreateEventSource), which shows any id's text as given, so the ids only sort entries.
 */
export const EVENT_LOG_IDS = Object.freeze({ warning: 1001, error: 1002 });

const SOURCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,199}$/;

/** Returns `source` when it can name an event source; throws DriverError INVALID_ARGUMENT otherwise. */
export function checkEventSource(source: string): string {
  if (!SOURCE_PATTERN.test(source)) {
    throw new DriverError(
      'INVALID_ARGUMENT',
      `event source is "${source.slice(0, 60)}", expected 1 to 200 letters, digits, spaces, dots, dashes or underscores`,
    );
  }
  return source;
}

/** The `write-event-log` request for one entry. */
export function eventLogRequest(entry: EventLogEntry, source: string): PsRequest {
  return {
    operation: 'write-event-log',
    arguments: {
      Source: checkEventSource(source),
      EntryType: entry.level === 'error' ? 'Error' : 'Warning',
      EventId: EVENT_LOG_IDS[entry.level],
      Message: entry.message,
    },
  };
}

/** An EventLogWriter over `runner`: resolves once the host wrote the entry, rejects with DriverError. */
export function eventLogWriter(runner: PsRunner, source: string): EventLogWriter {
  const checked = checkEventSource(source);
  return async (entry) => {
    const answer = (await runner.run(eventLogRequest(entry, checked))) as { Status?: unknown } | null;
    if (answer?.Status !== 'done') {
      throw new DriverError(
        'BAD_RESPONSE',
        `write-event-log answered ${JSON.stringify(answer).slice(0, 120)}`,
      );
    }
  };
}

/** A runner on the local host for Event Log writes (`executable`: powershell or pwsh). */
export async function openEventLogRunner(executable: string, timeoutMs: number): Promise<PsRunner> {
  return new ShellRunner({
    catalog: loadScriptCatalog(),
    startShell: await nodePowerShellFactory({ executable }),
    computerName: null,
    timeoutMs,
  });
}
