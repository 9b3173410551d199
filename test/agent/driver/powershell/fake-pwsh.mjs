#!/usr/bin/env node
// A stand-in for `powershell.exe -NoLogo -NoExit -Command -` used by the runner tests: it reads stdin
// line by line like PowerShell's stdin host, executes node-powershell's delimiter lines
// (`[Console]::Out.WriteLine("…")` / `[Console]::Error.WriteLine("…")`), and answers each request line
// (`& { … }`) by decoding the base64 request the runner embedded in it. The decoded `Arguments.fake`
// field chooses a behaviour, so one test can make the shell hang, crash mid-call, write noise, etc.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';

const received = [];
let buffered = '';
let stopped = false;

function write(stream, text) {
  stream.write(text);
}

function answer(marker, payload) {
  write(process.stdout, `${marker}${payload}\n`);
}

function decodeRequest(line) {
  const marker = /\$avmaMarker = '([^']*)'/.exec(line)?.[1];
  const base64 = /FromBase64String\('([A-Za-z0-9+/=]*)'\)/.exec(line)?.[1];
  if (marker === undefined || base64 === undefined) return undefined;
  return { marker, request: JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) };
}

/** Writes `text` in small pieces so multi-byte UTF-8 sequences straddle chunk boundaries. */
async function writeInPieces(text) {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; offset += 5) {
    process.stdout.write(bytes.subarray(offset, offset + 5));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function handleRequest(line) {
  const decoded = decodeRequest(line);
  if (decoded === undefined) {
    // Like PowerShell waiting for the rest of an incomplete statement: nothing is answered.
    write(process.stderr, `fake-pwsh: not a complete request line: ${line.slice(0, 60)}\n`);
    return;
  }
  const { marker, request } = decoded;
  const args = request.Arguments ?? {};
  const echo = {
    arguments: args,
    computerName: request.ComputerName ?? null,
    argv: process.argv.slice(2),
    linesSeen: received.length,
    pid: process.pid,
  };
  if (typeof args.attemptsFile === 'string') appendFileSync(args.attemptsFile, `${process.pid}\n`);
  switch (args.fake) {
    case 'hang':
      stopped = true;
      return;
    case 'crash':
      write(process.stdout, `${marker}{"ok":[1,`);
      process.exit(1);
      return;
    case 'hang-once':
      if (!existsSync(args.stateFile)) {
        writeFileSync(args.stateFile, 'hung');
        stopped = true;
        return;
      }
      answer(marker, JSON.stringify({ ok: echo }));
      return;
    case 'exit-after-answer':
      answer(marker, JSON.stringify({ ok: echo }));
      setTimeout(() => process.exit(1), 50);
      return;
    case 'crash-once':
      if (!existsSync(args.stateFile)) {
        writeFileSync(args.stateFile, 'crashed');
        process.exit(1);
      }
      answer(marker, JSON.stringify({ ok: echo }));
      return;
    case 'exit-clean':
      process.exit(0);
      return;
    case 'noise':
      write(process.stderr, 'WARNING: The names of some imported commands include unapproved verbs.\n');
      write(process.stdout, 'Some host output that is not a result\n');
      write(
        process.stdout,
        `avma:00000000000000000000000000000000:{"ok":"a stale marker from another call"}\n`,
      );
      answer(marker, JSON.stringify({ ok: echo }));
      return;
    case 'error':
      answer(marker, JSON.stringify({ error: { message: args.message, type: args.type, id: args.id } }));
      return;
    case 'garbage':
      write(process.stdout, 'Get-VM : The term is not recognized\n');
      return;
    case 'partial':
      answer(marker, '{"ok":{"Vms":[{"Id":');
      return;
    case 'two-results':
      answer(marker, '{"ok":1}');
      answer(marker, '{"ok":2}');
      return;
    case 'raw':
      answer(marker, args.raw);
      return;
    case 'pieces':
      await writeInPieces(`${marker}${JSON.stringify({ ok: echo })}\n`);
      return;
    default:
      answer(marker, JSON.stringify({ ok: echo }));
  }
}

const delimiter = /^\[Console\]::(Out|Error)\.WriteLine\("([A-Za-z0-9]*)"\)$/;

async function handleLine(line) {
  if (stopped) return;
  const match = delimiter.exec(line);
  if (match !== null) {
    write(match[1] === 'Out' ? process.stdout : process.stderr, `${match[2]}\n`);
    return;
  }
  if (line.trim() === '') return;
  received.push(line);
  await handleRequest(line);
}

let queue = Promise.resolve();
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let newline = buffered.indexOf('\n');
  while (newline !== -1) {
    const line = buffered.slice(0, newline).replace(/\r$/, '');
    buffered = buffered.slice(newline + 1);
    queue = queue.then(() => handleLine(line));
    newline = buffered.indexOf('\n');
  }
});
process.stdin.on('end', () => {
  queue.then(() => process.exit(0));
});
