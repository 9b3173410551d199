/**
 * Reading a Prometheus text exposition back in tests: its samples with their labels, and its HELP and
 * TYPE lines, parsed with nothing of the code under test.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample line of the exposition. Throws on a line that is neither a comment nor a sample. */
export function samples(body: string): Sample[] {
  const found: Sample[] = [];
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key ?? ''] = value ?? '';
    found.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return found;
}

/** The samples of one metric whose labels include `labels`. */
export function pick(all: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return all.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
}

/** The one value of a metric with these labels; throws when there is not exactly one. */
export function sampleValue(
  all: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const found = pick(all, name, labels);
  if (found.length !== 1 || found[0] === undefined) {
    throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  }
  return found[0].value;
}

/** `# HELP name text` and `# TYPE name type` lines, by metric name. */
export function metadata(body: string): Map<string, { help?: string; type?: string }> {
  const found = new Map<string, { help?: string; type?: string }>();
  for (const [, kind, name, text] of body.matchAll(/^# (HELP|TYPE) (\S+) (.*)$/gm)) {
    const entry = found.get(name ?? '') ?? {};
    if (kind === 'HELP') entry.help = text ?? '';
    else entry.type = text ?? '';
    found.set(name ?? '', entry);
  }
  return found;
}
