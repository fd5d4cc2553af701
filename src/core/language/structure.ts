/** Folding ranges and document symbols for ocx_if blocks, editor-free. */
import type { Branch, IfBlock, Node, Span } from './ast';
import { MAX_BLOCK_NESTING, type ParseResult } from './parser';

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

/** The branch's tag without its braces, blanks folded, cut to a length an outline can show. */
function label(parsed: ParseResult, b: Branch): string {
  const t = parsed.text;
  let s = b.tag.start;
  let e = b.tag.end;
  if (t.charCodeAt(s) === 92) s++;
  if (t.startsWith('{{', s)) s += 2;
  if (e - s >= 2 && t.startsWith('}}', e - 2)) e -= 2;
  const cut = Math.min(e, s + 200);
  const one = t.slice(s, cut).replace(/\s+/g, ' ').trim();
  return cut < e ? `${one}…` : one;
}

function blockSymbol(parsed: ParseResult, block: IfBlock, depth: number): SymbolNode {
  const first = block.branches[0];
  const branches = block.branches.map((b) => ({
    name: label(parsed, b),
    detail: '',
    start: b.start,
    end: b.end,
    range: b.range,
    selection: { start: b.tag.start, end: b.tag.end, range: b.tag.range },
    children: symbolsOf(parsed, b.children, depth + 1),
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

/** Blocks nested deeper than the parser's cap (which reports the place) are not listed. */
function symbolsOf(parsed: ParseResult, nodes: Node[], depth: number): SymbolNode[] {
  if (depth >= MAX_BLOCK_NESTING) return [];
  return nodes.filter((n): n is IfBlock => n.type === 'block').map((b) => blockSymbol(parsed, b, depth));
}

/** A symbol per ocx_if block; its branches (when there are several) as children, nested blocks inside them. */
export function documentSymbols(parsed: ParseResult): SymbolNode[] {
  return symbolsOf(parsed, parsed.nodes, 0);
}
