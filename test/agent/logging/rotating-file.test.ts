import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingFile } from '../../../agent/logging/rotating-file.js';
import { type TempDir, tempDir } from '../store/store-test-kit.js';

const line = (n: number) => `${JSON.stringify({ n, msg: 'x'.repeat(90) })}\n`;

describe('agent/logging/rotating-file', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('keeps agent.log current and the newest older lines in agent.log.1 .. .N, never more files or bytes', () => {
    const path = dir.file('agent.log');
    const file = new RotatingFile({ path, maxBytes: 1024, keepFiles: 2 });
    for (let n = 0; n < 50; n++) file.write(line(n));
    file.close();
    expect(readdirSync(dir.path).sort()).toEqual(['agent.log', 'agent.log.1', 'agent.log.2']);
    const numbers = (name: string) =>
      readFileSync(dir.file(name), 'utf8')
        .trim()
        .split('\n')
        .map((text) => (JSON.parse(text) as { n: number }).n);
    const [older, old, current] = [numbers('agent.log.2'), numbers('agent.log.1'), numbers('agent.log')];
    // Whole lines only, in order, the last line written is in the current file.
    expect([...older, ...old, ...current]).toEqual(
      Array.from(
        { length: older.length + old.length + current.length },
        (_, i) => 50 - (older.length + old.length + current.length) + i,
      ),
    );
    expect(current.at(-1)).toBe(49);
    for (const name of readdirSync(dir.path))
      expect(readFileSync(dir.file(name)).length).toBeLessThanOrEqual(1024);
    expect(file.rotations).toBeGreaterThan(2);
  });

  it('appends to an existing log after a restart instead of truncating it', () => {
    const path = dir.file('agent.log');
    const first = new RotatingFile({ path, maxBytes: 100_000, keepFiles: 2 });
    first.write(line(1));
    first.close();
    const second = new RotatingFile({ path, maxBytes: 100_000, keepFiles: 2 });
    second.write(line(2));
    second.close();
    expect(readFileSync(path, 'utf8')).toBe(line(1) + line(2));
  });
});
