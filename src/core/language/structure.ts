/** Folding ranges and document symbols for ocx_if blocks, editor-free. */
import type { Branch, IfBlock, Node, Span } from './ast';
import type { ParseResult } from './parser';

export interface FoldingRange {
  startLine: number;
  endLine: number;
}

export interface SymbolNode extends Span {
  name: string;
  detail: string;
  /** The part to highlight when the symbol is selected (the opening tag). */
  selection: Span;
  children: SymbolNode[];
}

/** One fold per branch: from its tag's line to the line before the next branch (or the ocx_endif). */
export function foldingRanges(parsed: ParseResult): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const block of parsed.blocks) {
    block.branches.forEach((b, i) => {
      const next = block.branches[i + 1]?.tag ?? block.endTag;
      const startLine = b.tag.range.start.line;
      const endLine = next ? next.range.start.line - 1 : block.range.end.line;
      if (endLine > startLine) out.push({ startLine, endLine });
    });
  }
  return out;
}

function label(parsed: ParseResult, b: Branch): string {
  return parsed.text.slice(b.tag.start, b.tag.end).replace(/^\\?\{\{\s*/, '').replace(/\s*\}\}$/, '').replace(/\s+/g, ' ');
}

function blockSymbol(parsed: ParseResult, block: IfBlock): SymbolNode {
  const first = block.branches[0];
  const branches = block.branches.map((b) => ({
    name: label(parsed, b),
    detail: '',
    start: b.start,
    end: b.end,
    range: b.range,
    selection: { start: b.tag.start, end: b.tag.end, range: b.tag.range },
    children: symbolsOf(parsed, b.children),
  }));
  return {
    name: label(parsed, first),
    detail: block.endTag ? `${block.branches.length} branch${block.branches.length > 1 ? 'es' : ''}` : 'not closed',
    start: block.start,
    end: block.end,
    range: block.range,
    selection: { start: first.tag.start, end: first.tag.end, range: first.tag.range },
    children: branches.length === 1 ? branches[0].children : branches,
  };
}

function symbolsOf(parsed: ParseResult, nodes: Node[]): SymbolNode[] {
  return nodes.filter((n): n is IfBlock => n.type === 'block').map((b) => blockSymbol(parsed, b));
}

/** A symbol per ocx_if block; its branches (when there are several) as children, nested blocks inside them. */
export function documentSymbols(parsed: ParseResult): SymbolNode[] {
  return symbolsOf(parsed, parsed.nodes);
}
