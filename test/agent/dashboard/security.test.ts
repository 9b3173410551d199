import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, pathWith } from '../../../agent/dashboard/security.js';

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
});
