// tree-sitter-powershell ships its types under "types": "bindings/node", a folder that NodeNext
// resolution does not follow; this declares the one export the syntax test uses.
declare module 'tree-sitter-powershell' {
  import type Parser from 'tree-sitter';

  const language: Parser.Language;
  export default language;
}
