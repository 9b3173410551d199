/**
 * Prometheus' own checker over what ships: the rules file is valid (`promtool check rules`), each alert
 * fires on its series and not on the others (`promtool test rules`), and a real scrape of a lab fleet
 * passes the exposition linter (`promtool check metrics`). Without promtool the checks are skipped
 * locally, but fail in CI (`CI=true`), where .ci/run installs it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../../agent/lab/fleet-generator.js';
import { createAgentMetrics } from '../../../agent/metrics/index.js';
import { fleet } from '../sweep/sweep-kit.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const RULES = 'agent/metrics/alerts.yml';
const RULE_TESTS = 'test/agent/metrics/alerts.test.yml';

function findPromtool(): string | null {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  return found.error === undefined && found.status === 0 ? 'promtool' : null;
}

interface Run {
  readonly status: number | null;
  readonly output: string;
}

/** Runs promtool from the repository root with `input` on stdin; resolves with its exit and output. */
function promtool(args: readonly string[], input = ''): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn('promtool', args, { cwd: ROOT });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.on('error', fail);
    child.on('close', (status) => done({ status, output }));
    child.stdin.end(input);
  });
}

async function labScrape(): Promise<string> {
  const lab = await fleet(generateFleet({ hosts: 3, vmsPerHost: 120, seed: 11, guestAgents: true }));
  try {
    const metrics = createAgentMetrics({ store: lab.store, version: '0.1.0' });
    metrics.observeRound(await lab.roundAt(1));
    metrics.observeRound(await lab.roundAt(60));
    return (await metrics.render()).body;
  } finally {
    await lab.close();
  }
}

const installed = findPromtool() !== null;

describe('agent/metrics with promtool', () => {
  if (!installed) {
    if (process.env.CI === 'true') {
      it('promtool is installed (CI=true requires it: apt-get install prometheus)', () => {
        expect.fail('promtool is not on PATH; .ci/run installs Debian package prometheus');
      });
    } else {
      it.skip('skipped: promtool not installed', () => {});
    }
    return;
  }

  it('check rules: the alert rules file is valid', async () => {
    const run = await promtool(['check', 'rules', RULES]);
    expect(run.output).toContain('SUCCESS: 11 rules found');
    expect(run.status).toBe(0);
  });

  it('test rules: each alert fires on its series and not on the others', async () => {
    const run = await promtool(['test', 'rules', RULE_TESTS]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('check metrics: a real scrape of a lab fleet passes the exposition linter', async () => {
    const body = await labScrape();
    expect(body).toContain('avma_vms{');
    const run = await promtool(['check', 'metrics'], body);
    expect(run.output).toBe('');
    expect(run.status).toBe(0);
  }, 60_000);

  it('check metrics fails on a counter without _total (the linter is really looking)', async () => {
    const bad = '# HELP avma_wipes Wipes.\n# TYPE avma_wipes counter\navma_wipes 1\n';
    const run = await promtool(['check', 'metrics'], bad);
    expect(run.output).toContain('counter metrics should have "_total" suffix');
    expect(run.status).not.toBe(0);
  });
});
