/**
 * Checks for the guest's PowerShell files with a real PowerShell parser (tree-sitter-powershell):
 * syntax errors, and syntax that Windows PowerShell 5.1 does not have.
 */
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';

const parser = new Parser();
parser.setLanguage(PowerShell);

/** Parameters that exist only in PowerShell 6/7 (ConvertTo-Json, ConvertFrom-Json, ForEach-Object). */
const SEVEN_ONLY_PARAMETERS = ['-asarray', '-enumsasstrings', '-escapehandling', '-ashashtable', '-parallel'];
/** Operators added in PowerShell 7: null-coalescing, null-conditional member and index access. */
const SEVEN_ONLY_OPERATORS = ['??', '?.', '?['];

export interface Finding {
  readonly line: number;
  readonly what: string;
}

function walk(node: Parser.SyntaxNode, visit: (node: Parser.SyntaxNode) => void): void {
  visit(node);
  for (const child of node.children) walk(child, visit);
}

/** ERROR and MISSING nodes of the real PowerShell grammar. */
export function syntaxErrors(source: string): Finding[] {
  const findings: Finding[] = [];
  walk(parser.parse(source).rootNode, (node) => {
    if (node.type === 'ERROR' || node.isMissing) {
      findings.push({
        line: node.startPosition.row + 1,
        what: node.isMissing ? `missing ${node.type}` : 'syntax error',
      });
    }
  });
  return findings;
}

function insideStringOrComment(node: Parser.SyntaxNode): boolean {
  for (let current: Parser.SyntaxNode | null = node; current !== null; current = current.parent) {
    if (current.type.includes('string') || current.type === 'comment') return true;
  }
  return false;
}

/** PowerShell 7-only syntax: pipeline chains (&&, ||), 7-only operators and parameters. */
export function sevenOnlySyntax(source: string): Finding[] {
  const findings: Finding[] = [];
  walk(parser.parse(source).rootNode, (node) => {
    const line = node.startPosition.row + 1;
    if (node.type === 'pipeline_chain_tail') findings.push({ line, what: 'pipeline chain (&& or ||)' });
    if (node.type === 'command_parameter' && SEVEN_ONLY_PARAMETERS.includes(node.text.toLowerCase())) {
      findings.push({ line, what: `parameter ${node.text}` });
    }
    if (node.childCount === 0 && !insideStringOrComment(node)) {
      for (const operator of SEVEN_ONLY_OPERATORS) {
        if (node.text.includes(operator)) findings.push({ line, what: `operator ${operator}` });
      }
    }
  });
  return findings;
}
