/**
 * The service's log: one JSON line per pass appended to a file, rotated to `<file>.1` past 1 MiB so a
 * guest that runs for years keeps at most 2 MiB. Without a file, lines go to stdout.
 */
import { appendFile, rename, stat } from 'node:fs/promises';

export const MAX_LOG_BYTES = 1024 * 1024;

export type LogSink = (line: string) => Promise<void>;

/** A sink appending to `file` (rotating past 1 MiB). Write failures are swallowed: logging never stops the agent. */
export function fileLogSink(file: string): LogSink {
  return async (line) => {
    try {
      const size = await stat(file).then(
        (info) => info.size,
        () => 0,
      );
      if (size > MAX_LOG_BYTES) await rename(file, `${file}.1`);
      await appendFile(file, `${line}\n`, 'utf8');
    } catch {
      // The log is a convenience; the agent's report to the host is the record that matters.
    }
  };
}

/** A sink writing to stdout. */
export const stdoutLogSink: LogSink = async (line) => {
  process.stdout.write(`${line}\n`);
};
