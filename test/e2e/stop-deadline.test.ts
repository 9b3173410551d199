import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnAvma } from './child-avma.js';

/**
 * A "PowerShell" that starts and then never answers: a host whose WMI hangs mid-sweep. Like
 * `powershell -Command -`, it ends when its standard input closes (the agent exited).
 */
const SILENT_SHELL =
  "#!/usr/bin/env node\nprocess.stdin.resume();\nprocess.stdin.on('end', () => process.exit(0));\n";

describe('e2e/stop-deadline', () => {
  it('a stop request ends `avma run` within --stop-timeout even while a sweep waits on a host that never answers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-stop-'));
    const shell = join(dir, 'silent-pwsh');
    await writeFile(shell, SILENT_SHELL);
    await chmod(shell, 0o755);
    const config = join(dir, 'agent.json');
    await writeFile(config, JSON.stringify({ powershell: { executable: shell, timeoutMs: 600_000 } }));
    const agent = spawnAvma(
      [
        'run',
        '--driver',
        'powershell',
        '--config',
        config,
        '--db',
        join(dir, 'a.sqlite'),
        '--no-listen',
        '--stop-timeout',
        '2',
      ],
      dir,
    );
    try {
      await agent.waitFor(/^avma run: .*database /);
      // Give the sweep time to send its first call into the silent shell.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      agent.child.kill('SIGTERM');
      expect(await agent.exited).toBe(1);
      expect(agent.stderr()).toContain('avma run: stopping after the current sweep…');
      expect(agent.stderr()).toContain(
        'avma run: the current sweep did not finish within 2 s of the stop request; exiting now (an unfinished sweep records nothing)',
      );
    } finally {
      agent.child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
