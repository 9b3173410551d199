/**
 * The shape every alert of agent/metrics/alerts.yml promises an operator: a CamelCase `Avma` name, a
 * `for`, a severity, a static summary, a templated description and a runbook link to its own section of
 * agent/metrics/runbook.md; and a promtool unit test in alerts.test.yml (promtool.test.ts runs them).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

const RULES = read('agent/metrics/alerts.yml');
const RUNBOOK = read('agent/metrics/runbook.md');
const RULE_TESTS = read('test/agent/metrics/alerts.test.yml');

/** Each `- alert:` entry of the rules file with its text up to the next one. */
const ALERTS = RULES.split(/^ {6}- alert: /m)
  .slice(1)
  .map((block) => ({ name: block.slice(0, block.indexOf('\n')).trim(), block }));

describe('agent/metrics/alerts.yml', () => {
  it('holds the alerts an operator of the fleet needs, in one group avma', () => {
    expect(RULES).toMatch(/^groups:\n {2}- name: avma\n/m);
    expect(ALERTS.map((alert) => alert.name)).toEqual([
      'AvmaActivationFailures',
      'AvmaHostNotActivated',
      'AvmaGuestsOnUnsupportedHost',
      'AvmaGuestsInGrace',
      'AvmaActivationsExpiring',
      'AvmaGuestAgentSilent',
      'AvmaGuestClaimUncorroborated',
      'AvmaCollectorFailing',
      'AvmaSweepStale',
      'AvmaKvpWiped',
      'AvmaStoreDown',
    ]);
  });

  it.each(ALERTS)(
    '$name has for, severity, summary, a templated description and its runbook link',
    ({ name, block }) => {
      expect(name).toMatch(/^Avma(?:[A-Z][a-z0-9]+)+$/);
      expect(block).toMatch(/^ {8}for: \d+[smh]$/m);
      expect(block).toMatch(/^ {10}severity: (?:critical|warning|info)$/m);
      expect(block).toMatch(/^ {10}summary: \S.*\.$/m);
      expect(block).toMatch(/^ {10}description: >-\n[\s\S]*?\{\{ \$labels\.\w+ \}\}/m);
      expect(block).toContain(`runbook_url: agent/metrics/runbook.md#${name.toLowerCase()}\n`);
    },
  );

  it('has one runbook section per alert, and none for an alert that does not exist', () => {
    const sections = [...RUNBOOK.matchAll(/^## (\S+)$/gm)].map((match) => match[1]);
    expect(sections).toEqual(ALERTS.map((alert) => alert.name));
    for (const section of RUNBOOK.split(/^## /m).slice(1)) {
      expect(section).toContain('**Means.**');
      expect(section).toContain('**Check.**');
      expect(section).toContain('**Do.**');
    }
  });

  it('has a promtool unit test for every alert', () => {
    const tested = new Set([...RULE_TESTS.matchAll(/alertname: (\w+)/g)].map((match) => match[1]));
    expect([...tested].sort()).toEqual(ALERTS.map((alert) => alert.name).sort());
  });
});
