/**
 * Test helpers around a real PowerShell grammar (tree-sitter-powershell): parse errors, the shape of
 * a parse tree, and a scan for syntax that only PowerShell 7 accepts.
 */
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';

type SyntaxNode = Parser.SyntaxNode;

const parser = new Parser();
parser.setLanguage(PowerShell as unknown as Parser.Language);

export function parsePowerShell(text: string): Parser.Tree {
  // The default 32 KiB buffer is fine for scripts; large payload lines need a bigger one.
  return parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 4 + 1024) });
}

function* walk(node: SyntaxNode): Generator<SyntaxNode> {
  const stack: SyntaxNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as SyntaxNode;
    yield current;
    for (let i = current.childCount - 1; i >= 0; i--) {
      const child = current.child(i);
      if (child !== null) stack.push(child);
    }
  }
}

/** ERROR and MISSING nodes, as "ERROR at 3:14 near `…`". */
export function syntaxProblems(text: string): string[] {
  const problems: string[] = [];
  for (const node of walk(parsePowerShell(text).rootNode)) {
    if (node.type === 'ERROR' || node.isMissing) {
      const where = `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
      problems.push(
        `${node.isMissing ? 'MISSING' : 'ERROR'} at ${where} near \`${text.slice(node.startIndex, node.startIndex + 40)}\``,
      );
    }
  }
  return problems;
}

/** The tree of named node types without comments: equal shapes mean the same statements. */
export function namedShape(text: string): string {
  const render = (node: SyntaxNode): string => {
    const children = node.namedChildren.filter((child) => child.type !== 'comment').map(render);
    return children.length === 0 ? node.type : `(${node.type} ${children.join(' ')})`;
  };
  return render(parsePowerShell(text).rootNode);
}

export interface NodeInfo {
  readonly type: string;
  readonly text: string;
  readonly startRow: number;
  readonly endRow: number;
  readonly startColumn: number;
}

/** Every node of the given types. */
export function nodesOfType(text: string, types: readonly string[]): NodeInfo[] {
  const found: NodeInfo[] = [];
  for (const node of walk(parsePowerShell(text).rootNode)) {
    if (types.includes(node.type)) {
      found.push({
        type: node.type,
        text: node.text,
        startRow: node.startPosition.row,
        endRow: node.endPosition.row,
        startColumn: node.startPosition.column,
      });
    }
  }
  return found;
}

/**
 * `text` with string literals and comments blanked out, except `$( … )` sub-expressions inside
 * double-quoted strings, which are code.
 */
export function codeOnly(text: string): string {
  const chars = [...text];
  const blank = (start: number, end: number) => {
    for (let i = start; i < end; i++) if (chars[i] !== '\n') chars[i] = ' ';
  };
  const restore: [number, number][] = [];
  for (const node of walk(parsePowerShell(text).rootNode)) {
    if (node.type === 'string_literal' || node.type === 'comment') blank(node.startIndex, node.endIndex);
    if (node.type === 'sub_expression' && node.parent?.type === 'expandable_string_literal') {
      restore.push([node.startIndex, node.endIndex]);
    }
  }
  for (const [start, end] of restore) for (let i = start; i < end; i++) chars[i] = text[i] as string;
  return chars.join('');
}

/** Syntax and parameters Windows PowerShell 5.1 rejects, with why. */
const PS7_ONLY: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /\?\?/, what: 'null-coalescing ?? / ??= (7.0)' },
  // Any other "?" outside strings: ?. and ?[ (7.1), the ternary ?: (7.0); `$?` is fine in 5.1.
  { pattern: /(?<!\$)\?/, what: 'null-conditional ?. / ?[ or ternary ? : (7.x)' },
  { pattern: /&&/, what: 'pipeline chain && (7.0)' },
  { pattern: /\|\|/, what: 'pipeline chain || (7.0)' },
  { pattern: /-AsArray\b/i, what: 'ConvertTo-Json -AsArray (6.2)' },
  { pattern: /-EnumsAsStrings\b/i, what: 'ConvertTo-Json -EnumsAsStrings (6.2)' },
  { pattern: /-EscapeHandling\b/i, what: 'ConvertTo-Json -EscapeHandling (6.2)' },
  { pattern: /-AsHashtable\b/i, what: 'ConvertFrom-Json -AsHashtable (6.0)' },
  { pattern: /ConvertFrom-Json[^;|]*-Depth\b/i, what: 'ConvertFrom-Json -Depth (6.2)' },
  { pattern: /-Parallel\b/i, what: 'ForEach-Object -Parallel (7.0)' },
];

/** The PowerShell 7-only constructs found in code (strings and comments ignored). */
export function ps7OnlySyntax(text: string): string[] {
  const code = codeOnly(text);
  return PS7_ONLY.filter(({ pattern }) => pattern.test(code)).map(({ what }) => what);
}
