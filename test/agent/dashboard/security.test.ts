import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  CspReports,
  cookieText,
  pathWith,
} from '../../../agent/dashboard/security.js';

describe('agent/dashboard/security', () => {
  it('allows scripts and styles from the agent only, nothing inline, and reports violations', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('report-uri')).toBe('/csp-report');
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });

  it('URL-encodes every query value of a dashboard link', () => {
    expect(pathWith('/vms', { tenant: '"><svg onload=alert(1)>&x=1', host: undefined, q: '' })).toBe(
      '/vms?tenant=%22%3E%3Csvg+onload%3Dalert%281%29%3E%26x%3D1',
    );
  });

  it('marks the session cookie Secure only when the request came over TLS', () => {
    const overTls = cookieText({ secure: true } as Request, 'avma_session', 'abc');
    expect(overTls).toBe('avma_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure');
    expect(cookieText({ secure: false } as Request, 'avma_session', '', 0)).toBe(
      'avma_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0',
    );
  });

  it('counts every CSP report but asks for at most 20 log lines a minute', () => {
    const reports = new CspReports();
    const logged = Array.from({ length: 25 }, () => reports.record('script-src-elem', 60_000));
    expect(reports.count).toBe(25);
    expect(logged.filter(Boolean)).toHaveLength(20);
    expect(reports.record('script-src-elem', 120_000)).toBe(true);
  });
});
