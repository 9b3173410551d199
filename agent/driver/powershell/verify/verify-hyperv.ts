/**
 * `npm run verify:hyperv`: the operator's proof on a real Hyper-V host. Runs the read-only operations
 * (host-info, list-vms, read-events) through the real runner, checks every answer against the driver's
 * schemas, decodes every KVP item with hyperv-kvp, prints a report, and writes anonymised recordings
 * (`*.recording.json`, the format the tests replay) that can become fixtures. Writes nothing to the host.
 *
 *   npm run verify:hyperv -- [--out DIR] [--computer-name HOST] [--executable powershell|pwsh]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveDriverOptions } from '../driver-options.js';
import type { PsOperation } from '../operations.js';
import type { PsRequest, PsRunner } from '../runner.js';
import { ShellRunner } from '../runner.js';
import { loadScriptCatalog } from '../script-catalog.js';
import { nodePowerShellFactory } from '../shell.js';
import { anonymiseAnswers, checkAnswers, type VerifiedAnswer } from './verify-checks.js';

export interface VerifyIo {
  readonly print: (line: string) => void;
}

const READ_REQUESTS: readonly PsRequest[] = [
  { operation: 'host-info', arguments: {} },
  { operation: 'list-vms', arguments: {} },
  { operation: 'read-events', arguments: { EventIds: [12310], AfterRecordId: '0', MaxEvents: 1000 } },
];

async function collect(runner: PsRunner, io: VerifyIo): Promise<VerifiedAnswer[]> {
  const answers: VerifiedAnswer[] = [];
  for (const request of READ_REQUESTS) {
    const started = Date.now();
    let outcome = 'answered';
    try {
      answers.push({ request, value: await runner.run(request), error: null });
    } catch (error) {
      outcome = 'failed';
      answers.push({
        request,
        value: undefined,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    io.print(`${request.operation}: ${outcome} in ${Date.now() - started} ms`);
  }
  return answers;
}

async function writeRecordings(
  outDir: string,
  answers: readonly VerifiedAnswer[],
  io: VerifyIo,
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const recordings = anonymiseAnswers(answers, new Date().toISOString().slice(0, 10));
  for (const [operation, recording] of recordings) {
    const file = join(outDir, `${operation}.recording.json`);
    await writeFile(file, `${JSON.stringify(recording, null, 2)}\n`, 'utf8');
    io.print(`wrote ${file}`);
  }
}

/**
 * Runs the verification and resolves to the exit code: 0 when every answer matched the driver's schemas
 * and every KVP item decoded, 1 otherwise (the report says what failed), 2 for bad arguments.
 */
export async function runVerify(argv: readonly string[], io: VerifyIo, runner?: PsRunner): Promise<number> {
  let values: { out?: string; 'computer-name'?: string; executable?: string };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        out: { type: 'string' },
        'computer-name': { type: 'string' },
        executable: { type: 'string' },
      },
    }).values;
  } catch (error) {
    io.print(`verify:hyperv: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const options = resolveDriverOptions({
    ...(values['computer-name'] === undefined ? {} : { computerName: values['computer-name'] }),
    ...(values.executable === undefined ? {} : { executable: values.executable }),
  });
  const shellRunner =
    runner ??
    new ShellRunner({
      catalog: loadScriptCatalog(),
      startShell: await nodePowerShellFactory({ executable: options.executable }),
      computerName: options.computerName,
      timeoutMs: options.timeoutMs,
    });
  try {
    const answers = await collect(shellRunner, io);
    const failures = checkAnswers(answers, io.print);
    await writeRecordings(
      resolve(values.out ?? 'avma-recordings'),
      answers.filter((answer) => answer.error === null),
      io,
    );
    io.print(
      failures === 0
        ? 'verify:hyperv: all answers match the driver schemas'
        : `verify:hyperv: ${failures} problem(s)`,
    );
    return failures === 0 ? 0 : 1;
  } finally {
    await shellRunner.close();
  }
}

/** The operations this tool runs: reads only. */
export const VERIFY_OPERATIONS: readonly PsOperation[] = READ_REQUESTS.map((request) => request.operation);

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runVerify(process.argv.slice(2), {
    print: (line) => process.stdout.write(`${line}\n`),
  });
}
