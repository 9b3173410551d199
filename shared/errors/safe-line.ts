/**
 * Characters that must never reach a terminal, a log line or a JSON problem detail raw: C0 controls
 * (NUL, CR, LF, ESC, ...), DEL, C1 controls (NEL included), the Unicode line and paragraph separators,
 * and the bidirectional formatting characters (ALM, LRM, RLM, LRE..RLO, LRI..PDI) that make text read in
 * another order than it is stored. Tenant text reaches error messages, so any of them may be hostile.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
});

function escapeCharacter(character: string): string {
  const short = SHORT_ESCAPES[character];
  if (short !== undefined) return short;
  const code = character.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` as one safe line: every character above written as a visible escape (`\r`, `\n`, `\x1b`,
 * `\u2028`, `\u202e`), everything else unchanged. Idempotent: the result has nothing left to escape.
 * Never throws.
 */
export function safeLine(text: string): string {
  return text.replace(UNSAFE_CHARACTER, escapeCharacter);
}
