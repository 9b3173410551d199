/**
 * Every error the API can meet, mapped to an HTTP status once. The API's own codes have their status
 * here; other layers' errors go through the CLI's classification (agent/cli/error-kinds.ts: bad input,
 * operational, internal) with the few codes that have a more precise status listed by layer and code.
 * Bodies are RFC 9457 problem details; no stack, SQL or file path leaves the process for a 5xx.
 */
import { classifyError } from '../cli/error-kinds.js';
import { ApiError, type ApiErrorCode } from './api-error.js';

const API_STATUS: Readonly<Record<ApiErrorCode, number>> = Object.freeze({
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_PARAMETER: 400,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  NOT_AVAILABLE: 409,
  LISTEN_FAILED: 500,
});

/** Codes of other layers whose status is more precise than their kind's. */
const PRECISE_STATUS: Readonly<Record<string, number>> = Object.freeze({
  'store/NOT_FOUND': 404,
  'store/CONFLICT': 409,
  'store/LOCKED': 503,
  'store/READ_ONLY': 409,
  'store/WRITER_BUSY': 409,
  'usage/MONTH_ALREADY_CLOSED': 409,
  'usage/MONTH_NOT_OVER': 409,
  'usage/MONTH_NOT_CLOSED': 404,
  'driver/HOST_UNAVAILABLE': 503,
  'report/UNKNOWN_REPORT': 404,
  'report/NOT_FOUND': 404,
});

const KIND_STATUS = Object.freeze({ 'bad-input': 400, operational: 503, internal: 500 });

export interface HttpFailure {
  readonly status: number;
  /** A short title for the status (RFC 9457 `title`). */
  readonly title: string;
  /** One line for the client; for a 500 a fixed text, never the error's own message. */
  readonly detail: string;
  /** `layer/code`, for logs and the problem's `type`; `internal` for an unrecognised error. */
  readonly code: string;
}

const TITLES: Readonly<Record<number, string>> = Object.freeze({
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
});

/** The status, title and safe detail of any thrown value. Never throws. */
export function httpFailure(error: unknown): HttpFailure {
  if (error instanceof ApiError) {
    const status = API_STATUS[error.code];
    return { status, title: TITLES[status] ?? 'Error', detail: error.message, code: `api/${error.code}` };
  }
  const { layer, code, kind } = classifyError(error);
  if (layer === null || code === null || kind === 'internal') {
    return {
      status: 500,
      title: TITLES[500] ?? 'Error',
      detail: 'internal error; see the agent log',
      code: 'internal',
    };
  }
  const status = PRECISE_STATUS[`${layer}/${code}`] ?? KIND_STATUS[kind];
  const message = error instanceof Error ? error.message : String(error);
  // An operational failure's message may name files; the client gets the code, the log the message.
  const detail = status >= 500 ? `the agent could not complete the request (${layer}/${code})` : message;
  return { status, title: TITLES[status] ?? 'Error', detail, code: `${layer}/${code}` };
}
