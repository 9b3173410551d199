import { describe, expect, it } from 'vitest';
import { isTokenName } from '../../../agent/tokens/index.js';

describe('agent/tokens/token-name', () => {
  it('accepts 1 to 64 ASCII letters, digits and . _ - @', () => {
    for (const name of ['a', 'ci', 'grafana.prod', 'alice@example.com', 'backup_job-2', 'x'.repeat(64)]) {
      expect(isTokenName(name), name).toBe(true);
    }
  });

  it('refuses names that would break a log line or look like another', () => {
    for (const name of [
      '',
      'x'.repeat(65),
      'two words',
      'tab\there',
      'line\nbreak',
      'semi;colon',
      '"quoted"',
      'ѕcanner',
      'name\u202e',
      'slash/path',
    ]) {
      expect(isTokenName(name), JSON.stringify(name)).toBe(false);
    }
    expect(isTokenName(undefined)).toBe(false);
  });
});
