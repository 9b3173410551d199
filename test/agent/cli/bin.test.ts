import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('agent/bin/avma', () => {
  // Build first so the bin runs the current sources, never a stale dist/.
  beforeAll(async () => {
    await run('npm', ['run', '--silent', 'build'], { cwd: repo });
  }, 180_000);

  it('runs from the package bin as a newcomer would, after npm ci', async () => {
    const { stdout } = await run('npx', ['--no-install', 'avma', '--help'], { cwd: repo });
    expect(stdout).toContain('Usage: avma <command>');
  });

  it('exits 2 with one line on stderr for bad input, without a stack trace', async () => {
    const failure = await run(process.execPath, ['agent/bin/avma.mjs', 'key', 'check', 'nope'], {
      cwd: repo,
    }).catch((error: { code: number; stderr: string; stdout: string }) => error);
    expect(failure).toMatchObject({ code: 2, stdout: '' });
    expect((failure as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
  });
});
