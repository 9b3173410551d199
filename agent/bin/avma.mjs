#!/usr/bin/env node
// The `avma` command: runs the compiled CLI (built by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../../dist/agent/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  process.stderr.write(
    'avma: the CLI is not built yet; run `npm run build` (npm ci does it) and try again\n',
  );
  process.exit(2);
}
const { runCli } = await import(compiled.href);
process.exitCode = await runCli(process.argv.slice(2));
