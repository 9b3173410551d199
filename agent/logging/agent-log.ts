/**
 * The agent's structured log (pino): JSON lines to a size-rotated file in the data folder, the same
 * records to standard output when someone watches a console (JSON, or `pretty` for people), and
 * warnings and errors also to the Windows Application log through a bounded queue that never blocks
 * the caller (event-log-queue.ts). The progress lines `avma run` prints on stderr stay as they are;
 * the log is the record an operator or a collector reads afterwards.
 */
import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { EventLogQueue } from './event-log-queue.js';
import { RotatingFile, type RotatingFileOptions } from './rotating-file.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface TextSink {
  write(text: string): void;
}

export interface AgentLogOptions {
  readonly level: LogLevel;
  /** How the console copy is written; the file is always JSON lines. */
  readonly format: LogFormat;
  /** Standard output when run in a console; null when nobody watches (a service with a log file). */
  readonly console: TextSink | null;
  readonly file?: RotatingFileOptions | null;
  readonly eventLog?: EventLogQueue | null;
}

export interface AgentLog {
  readonly logger: Logger;
  readonly file: RotatingFile | null;
  /** Writes what the Event Log queue still holds, then closes the file. Never rejects. */
  close(): Promise<void>;
}

/** pino's numeric levels: 40 warn, 50 error, 60 fatal. */
const PINO_ERROR = 50;
/** Far below the Event Log's 31,839-character message limit, and more than any one log record needs. */
export const MAX_EVENT_MESSAGE_CHARS = 8000;
const RECORD_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** An Event Log message from a pino record: the message, then its fields as `name=value`. */
export function eventLogMessage(record: Readonly<Record<string, unknown>>): string {
  const fields = Object.entries(record)
    .filter(([key]) => !RECORD_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const text = [String(record.msg ?? ''), ...fields].filter((part) => part !== '').join('; ');
  return text.length > MAX_EVENT_MESSAGE_CHARS ? `${text.slice(0, MAX_EVENT_MESSAGE_CHARS - 1)}…` : text;
}

function eventLogStream(queue: EventLogQueue): TextSink {
  return {
    write(line) {
      const record = JSON.parse(line) as Record<string, unknown>;
      const level = Number(record.level) >= PINO_ERROR ? 'error' : 'warning';
      queue.push({ level, message: eventLogMessage(record) });
    },
  };
}

function consoleStream(sink: TextSink, format: LogFormat): TextSink {
  if (format === 'json') return sink;
  const prettify = prettyFactory({ colorize: false, translateTime: 'SYS:standard', ignore: 'pid,hostname' });
  return { write: (line) => sink.write(prettify(line)) };
}

/** Builds the logger; throws the fs error when the log file cannot be opened (a missing folder). */
export function createAgentLog(options: AgentLogOptions): AgentLog {
  const file = options.file ? new RotatingFile(options.file) : null;
  const level = options.level === 'silent' ? 'fatal' : options.level;
  const streams: pino.StreamEntry[] = [];
  if (options.console !== null)
    streams.push({ level, stream: consoleStream(options.console, options.format) });
  if (file !== null) streams.push({ level, stream: file });
  if (options.eventLog) streams.push({ level: 'warn', stream: eventLogStream(options.eventLog) });
  const logger = pino(
    { level: options.level, base: null, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams),
  );
  return {
    logger,
    file,
    async close() {
      await options.eventLog?.flush();
      file?.close();
    },
  };
}
