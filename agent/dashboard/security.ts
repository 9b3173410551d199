/**
 * The dashboard's browser-facing rules: a strict Content-Security-Policy (scripts and styles from the
 * agent only, no inline code, violations reported to the agent and counted), session cookie attributes,
 * cookie parsing, and dashboard links. No tenant-supplied string is ever a whole href or src: links are
 * dashboard paths with a checked GUID or URL-encoded query values (pathWith), so no scheme can sneak in.
 */
import type { Request } from 'express';

export const SESSION_COOKIE = 'avma_session';
/** The login form's double-submit CSRF cookie (before login there is no session to hold a secret). */
export const LOGIN_COOKIE = 'avma_login';
export const CSP_REPORT_PATH = '/csp-report';
const LOGGED_PER_MINUTE = 20;

/** No inline script or style, nothing from elsewhere, no plugins, no framing, forms post here only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
  // report-uri alone: Chromium ignores report-uri once report-to is present, and the Reporting API
  // that report-to uses batches reports for up to a minute, so a count read right after a page view
  // would miss them.
  `report-uri ${CSP_REPORT_PATH}`,
].join('; ');

/**
 * Counts CSP violation reports the browser sent (tests assert zero). The endpoint takes no token, so
 * anyone who reaches the server can post to it: `record` says whether this one should be logged, at
 * most `LOGGED_PER_MINUTE` a minute, so the log cannot be flooded.
 */
export class CspReports {
  #count = 0;
  #minute = -1;
  #loggedThisMinute = 0;
  readonly directives: string[] = [];

  record(directive: string, nowMs = Date.now()): boolean {
    this.#count++;
    if (this.directives.length < 100) this.directives.push(directive.slice(0, 200));
    const minute = Math.floor(nowMs / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#loggedThisMinute = 0;
    }
    return ++this.#loggedThisMinute <= LOGGED_PER_MINUTE;
  }

  get count(): number {
    return this.#count;
  }
}

/** The cookies of a request, by name (first wins); values are not decoded beyond percent-escapes. */
export function readCookies(req: Request): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    if (cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(part.slice(at + 1).trim()));
    } catch {
      // A malformed escape is no cookie of ours.
    }
  }
  return cookies;
}

/** `Set-Cookie` text: HttpOnly, SameSite=Strict, Path=/, Secure when the request came over TLS. */
export function cookieText(req: Request, name: string, value: string, maxAgeSeconds?: number): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  if (req.secure) parts.push('Secure');
  return parts.join('; ');
}

/** A path of the dashboard with a query string; every value is URL-encoded. */
export function pathWith(path: string, query: Readonly<Record<string, string | number | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
