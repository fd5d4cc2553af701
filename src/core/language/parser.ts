/**
 * The one parser of Ongage's personalization language. Editor-free, single pass, tolerant: it never throws,
 * keeps going after a problem and reports every one with its exact span. Used by lint, completion, hover,
 * folding, symbols, the command line and the renderer.
 *
 * What counts as a tag: `{{` followed (after optional spaces) by a name, or by `}}` (an empty tag) or a
 * Handlebars sigil (`#`, `/`, `^`, `>`, `!`, `&`) closed on the same line. Any other `{{` is text, and a `}}` that
 * closes nothing is text (minified CSS ends media queries with `}}`). A tag does not span lines: when no `}}`
 * closes it on its line (or before the next `{{`), the tag is unclosed, reported at its `{{…name`, and scanning
 * resumes right after the name. `{{{` starts with one literal brace.
 */
import type {
  Argument,
  Clause,
  Condition,
  ConditionTag,
  Fallback,
  FieldTag,
  Fix,
  FunctionTag,
  IfBlock,
  InvalidTag,
  Joiner,
  KeywordTag,
  LiteralPart,
  Node,
  Operator,
  OperatorName,
  Param,
  ParamList,
  Problem,
  ProblemCode,
  Span,
  Tag,
  DocumentKind,
  Word,
} from './ast';
import { functionEntry, systemField } from './catalog';
import { editDistance, nearest } from './distance';
import { LineIndex, type Position } from './positions';

export interface ParseResult {
  text: string;
  kind: DocumentKind;
  lines: LineIndex;
  /** The document as a tree: text, tags and ocx_if blocks at the top level. */
  nodes: Node[];
  /** Every tag in document order, nested ones (in fallbacks and arguments) included. */
  tags: Tag[];
  /** Every ocx_if block in document order (outer before inner). */
  blocks: IfBlock[];
  /** The problems in document order, at most MAX_PROBLEMS of them (past that, only counted in `omitted`). */
  problems: Problem[];
  /** How many problems of each code were found past MAX_PROBLEMS and not kept (an empty object when none). */
  omitted: Partial<Record<ProblemCode, number>>;
}

export interface ParseOptions {
  kind?: DocumentKind;
}

export function parse(text: string, options: ParseOptions = {}): ParseResult {
  return new Parser(text, options.kind ?? 'html').run();
}

const KEYWORDS = ['ocx_if', 'ocx_elseif', 'ocx_else', 'ocx_endif'] as const;
type KeywordName = (typeof KEYWORDS)[number];
const KEYWORD_TYPE: Record<KeywordName, 'if' | 'elseif' | 'else' | 'endif'> = {
  ocx_if: 'if',
  ocx_elseif: 'elseif',
  ocx_else: 'else',
  ocx_endif: 'endif',
};
/** Other spellings people reach for (Handlebars, Liquid, typos) mapped to the Ongage keyword. */
const KEYWORD_ALIASES: Record<string, KeywordName> = {
  if: 'ocx_if',
  elseif: 'ocx_elseif',
  elsif: 'ocx_elseif',
  elif: 'ocx_elseif',
  else_if: 'ocx_elseif',
  ocx_else_if: 'ocx_elseif',
  ocx_elsif: 'ocx_elseif',
  ocx_elif: 'ocx_elseif',
  else: 'ocx_else',
  endif: 'ocx_endif',
  end_if: 'ocx_endif',
  end: 'ocx_endif',
  fi: 'ocx_endif',
  ocx_end: 'ocx_endif',
  ocx_end_if: 'ocx_endif',
};

const SYMBOLIC_FIXES: Record<string, string> = {
  '==': '=',
  '===': '=',
  '=>': '>=',
  '=<': '<=',
  '<>': '!=',
  '!==': '!=',
  '=!': '!=',
  '><': '!=',
};
/** Characters that belong to operators; one right after an operator starts no value. */
const OPERATOR_CHARS = '~!<>=';
/** Mistyped operators with an obvious meaning (`=~` matches in Perl and Ruby, `~=` contains a word in CSS). */
const MISTYPED_FIXES: Record<string, string> = {
  '=~': 'contains',
  '!~': '!contains',
  '!=~': '!contains',
};
const WORD_OPERATOR_ALIASES: Record<string, string> = {
  starts_with: 'begins_with',
  startswith: 'begins_with',
  beginswith: 'begins_with',
  begins: 'begins_with',
  endswith: 'ends_with',
  ends: 'ends_with',
  contain: 'contains',
  includes: 'contains',
  like: 'contains',
  eq: '=',
  equals: '=',
  ne: '!=',
  gt: '>',
  lt: '<',
  gte: '>=',
  ge: '>=',
  lte: '<=',
  le: '<=',
};
const WORD_OPERATORS = ['contains', 'begins_with', 'ends_with'] as const;

function isNameStart(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || c === 46 || c === 45;
}
function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 160;
}
function isLineBreak(c: number): boolean {
  return c === 10 || c === 13;
}
const MARKUP = /<\/?[A-Za-z!][^<>]*>?/;

/**
 * How deep tags may nest inside fallbacks and function arguments, and ocx_if blocks inside each other. Real
 * emails nest two or three levels; past these the parser reports the place and stops nesting (so no consumer
 * of the tree recurses without a bound).
 */
export const MAX_TAG_NESTING = 32;
export const MAX_BLOCK_NESTING = 64;
/**
 * How many problems a document keeps (lint shows at most this many diagnostics and says how many more there
 * are): thousands of broken tags cost time and memory for nothing, the first ones are what to fix.
 */
export const MAX_PROBLEMS = 1000;

const FAILED = 1;
const FAILED_DEEP = 2;

/** What `fix` returns once no more problems are kept (the problem it would go with is only counted). */
const DROPPED_FIX: Fix = Object.freeze({ title: '', edits: [] }) as Fix;

class Parser {
  private readonly n: number;
  private readonly lines: LineIndex;
  private readonly problems: Problem[] = [];
  /** The codes of the problems found past MAX_PROBLEMS, in the order found (truncated with `problems` on a retry). */
  private readonly dropped: ProblemCode[] = [];
  private readonly tags: Tag[] = [];
  private readonly blocks: IfBlock[] = [];
  private readonly root: Node[] = [];
  private readonly stack: IfBlock[] = [];
  /**
   * Offsets of nested tags (depth ≥ 1, where the depth changes nothing else) already found unclosed: a tag
   * that encloses one is unclosed too, so a retry from an inner `{{` stops there instead of scanning the line
   * again (which made `{{a:` × 1,000 plus a long line quadratic). Flags per offset of the `{{`: FAILED, and
   * FAILED_DEEP when the nesting cap was hit inside it; shifted by 2 for the escaped form `\{{`.
   */
  private failed?: Uint8Array;
  /**
   * The position of each offset, made once: spans share them (a tag, its name and its problem start and end at
   * the same few offsets), which keeps what a parse allocates down on texts with thousands of tags.
   */
  private positions?: Map<number, Position>;
  /**
   * Inside the top-level tag being parsed: -1, or the offset of the `{{` where the nesting cap was hit (reported
   * when that tag fails), or -2 when the failure comes from a place already reported.
   */
  private tooDeep = -1;
  /** The line where the tag nesting cap was last reported. */
  private tooDeepLine = -1;

  constructor(
    private readonly t: string,
    private readonly kind: DocumentKind,
  ) {
    this.n = t.length;
    this.lines = new LineIndex(t);
  }

  run(): ParseResult {
    const t = this.t;
    let pos = 0;
    let textStart = 0;
    for (;;) {
      const i = t.indexOf('{{', pos);
      if (i === -1) break;
      if (t.charCodeAt(i + 2) === 123) {
        pos = i + 1;
        continue;
      }
      const escaped = i > 0 && t.charCodeAt(i - 1) === 92;
      this.tooDeep = -1;
      const tag = this.parseTag(i, 0, escaped);
      if (!tag) {
        pos = i + 2;
        continue;
      }
      if (tag.start > textStart) this.addNode({ type: 'text', ...this.span(textStart, tag.start) });
      this.addTag(tag);
      pos = tag.end;
      textStart = pos;
    }
    if (textStart < this.n) this.addNode({ type: 'text', ...this.span(textStart, this.n) });
    this.closeOpenBlocks();
    this.tags.sort((a, b) => a.start - b.start);
    this.problems.sort((a, b) => a.start - b.start || a.end - b.end);
    // The blocks left open were added past the cap; keep the first MAX_PROBLEMS in document order.
    for (let i = MAX_PROBLEMS; i < this.problems.length; i++) this.dropped.push(this.problems[i].code);
    if (this.problems.length > MAX_PROBLEMS) this.problems.length = MAX_PROBLEMS;
    const omitted: Partial<Record<ProblemCode, number>> = {};
    for (const code of this.dropped) omitted[code] = (omitted[code] ?? 0) + 1;
    return {
      text: t,
      kind: this.kind,
      lines: this.lines,
      nodes: this.root,
      tags: this.tags,
      blocks: this.blocks,
      problems: this.problems,
      omitted,
    };
  }

  // ---------------------------------------------------------------- helpers

  private span(start: number, end: number): Span {
    return { start, end, range: { start: this.position(start), end: this.position(end) } };
  }

  /** Sets where a node lies (a tag found longer or shorter than first read). */
  private respan(node: Span, start: number, end: number): void {
    node.start = start;
    node.end = end;
    node.range = { start: this.position(start), end: this.position(end) };
  }

  private position(offset: number): Position {
    if (offset < 0 || offset > this.n) return this.lines.positionAt(offset);
    const cache = (this.positions ??= new Map<number, Position>());
    let p = cache.get(offset);
    if (!p) cache.set(offset, (p = this.lines.positionAt(offset)));
    return p;
  }

  private word(start: number, end: number): Word {
    return { text: this.t.slice(start, end), ...this.span(start, end) };
  }

  /**
   * Records a problem; past MAX_PROBLEMS only counts it, unless `always` (the blocks left open, found at the end
   * but reported at their start: the list is cut to MAX_PROBLEMS once sorted).
   */
  private problem(code: ProblemCode, start: number, end: number, message: string, fixes?: Fix[], always = false): void {
    if (!always && this.problems.length >= MAX_PROBLEMS) {
      this.dropped.push(code);
      return;
    }
    const p: Problem = { code, message, ...this.span(start, end) };
    if (fixes && fixes.length) p.fixes = fixes;
    this.problems.push(p);
  }

  /** Past MAX_PROBLEMS: counts a problem of this code and returns true (so its message is not even written). */
  private onlyCounted(code: ProblemCode): boolean {
    if (this.problems.length < MAX_PROBLEMS) return false;
    this.dropped.push(code);
    return true;
  }

  private fix(title: string, start: number, end: number, newText: string, preferred = false): Fix {
    if (this.problems.length >= MAX_PROBLEMS) return DROPPED_FIX;
    const f: Fix = { title, edits: [{ newText, ...this.span(start, end) }] };
    if (preferred) f.preferred = true;
    return f;
  }

  private skipBlanks(p: number): number {
    while (p < this.n && isBlank(this.t.charCodeAt(p))) p++;
    return p;
  }

  private readName(p: number): number {
    const t = this.t;
    if (p < this.n && isNameStart(t.charCodeAt(p))) {
      p++;
      while (p < this.n && isNameChar(t.charCodeAt(p))) p++;
    }
    return p;
  }

  /** The offset of the `}}` that closes a tag from `p` on, or -1 when a line break, a `{{` or the end comes first. */
  private findClose(p: number): number {
    const t = this.t;
    for (; p < this.n; p++) {
      const c = t.charCodeAt(p);
      if (c === 125 && t.charCodeAt(p + 1) === 125) return p;
      if (isLineBreak(c)) return -1;
      if (c === 123 && t.charCodeAt(p + 1) === 123) return -1;
    }
    return -1;
  }

  private quote(s: string, max = 40): string {
    const one = s.replace(/\s+/g, ' ');
    return one.length > max ? `${one.slice(0, max - 1)}…` : one;
  }

  // ---------------------------------------------------------------- structure

  private container(): Node[] {
    const top = this.stack[this.stack.length - 1];
    return top ? top.branches[top.branches.length - 1].children : this.root;
  }

  private addNode(node: Node): void {
    this.container().push(node);
  }

  private addTag(tag: Tag): void {
    const top = this.stack[this.stack.length - 1];
    switch (tag.type) {
      case 'if': {
        if (this.stack.length === MAX_BLOCK_NESTING) {
          this.problem(
            'block-structure',
            tag.start,
            tag.end,
            `{{ocx_if}} blocks nested more than ${MAX_BLOCK_NESTING} deep: the outline stops listing them here. Nest fewer blocks (combine conditions with AND / OR, or use {{ocx_elseif}}).`,
          );
        }
        const block: IfBlock = {
          type: 'block',
          branches: [{ tag, children: [], ...this.span(tag.start, tag.end) }],
          ...this.span(tag.start, tag.end),
        };
        this.container().push(block);
        this.stack.push(block);
        this.blocks.push(block);
        return;
      }
      case 'elseif':
      case 'else': {
        const label = tag.type === 'elseif' ? 'ocx_elseif' : 'ocx_else';
        if (!top) {
          this.problem('block-structure', tag.start, tag.end, `{{${label}}} has no open {{ocx_if}} before it: add the {{ocx_if …}} that starts the block, or remove this tag.`);
          this.container().push(tag);
          return;
        }
        const hasElse = top.branches.some((b) => b.tag.type === 'else');
        if (hasElse) {
          this.problem(
            'block-structure',
            tag.start,
            tag.end,
            tag.type === 'elseif'
              ? '{{ocx_elseif}} comes after {{ocx_else}} in the same block: move it before {{ocx_else}}.'
              : 'A second {{ocx_else}} in the same block: a block has at most one; remove it or close the block with {{ocx_endif}} first.',
          );
        }
        this.endBranch(top, tag.start);
        top.branches.push({ tag, children: [], ...this.span(tag.start, tag.end) });
        return;
      }
      case 'endif': {
        if (!top) {
          this.problem('block-structure', tag.start, tag.end, '{{ocx_endif}} has no open {{ocx_if}} to close: remove it, or add the {{ocx_if …}} that starts the block.', [
            this.fix('Remove the stray {{ocx_endif}}', tag.start, tag.end, '', true),
          ]);
          this.container().push(tag);
          return;
        }
        this.endBranch(top, tag.start);
        top.endTag = tag;
        this.respan(top, top.start, tag.end);
        this.stack.pop();
        return;
      }
      default:
        this.container().push(tag);
    }
  }

  private endBranch(block: IfBlock, at: number): void {
    const b = block.branches[block.branches.length - 1];
    this.respan(b, b.start, at);
  }

  private closeOpenBlocks(): void {
    while (this.stack.length) {
      const block = this.stack.pop()!;
      const open = block.branches[0].tag;
      const last = block.branches[block.branches.length - 1];
      const lastEnd = last.children.length ? last.children[last.children.length - 1].end : last.tag.end;
      this.endBranch(block, lastEnd);
      this.respan(block, block.start, lastEnd);
      this.problem('block-structure', open.start, open.end, `{{${open.keyword.text}}} is never closed: add {{ocx_endif}} where the block ends.`, undefined, true);
    }
  }

  // ---------------------------------------------------------------- tags

  private parseTag(open: number, depth: number, escaped: boolean): Tag | null {
    const t = this.t;
    const start = escaped ? open - 1 : open;
    const nameStart = this.skipBlanks(open + 2);
    const nameEnd = this.readName(nameStart);
    if (nameEnd === nameStart) return this.parseNameless(start, nameStart, depth, escaped);
    const name = t.slice(nameStart, nameEnd);
    const keyword = this.resolveKeyword(name, nameEnd, depth);
    if (keyword) {
      if (depth > 0) return null;
      return this.parseKeywordTag(start, nameStart, nameEnd, keyword, escaped);
    }
    if (t.charCodeAt(nameEnd) === 123) return this.parseFunction(start, nameStart, nameEnd, depth, escaped);
    return this.parseField(start, nameStart, nameEnd, depth, escaped);
  }

  private parseNameless(start: number, p: number, depth: number, escaped: boolean): InvalidTag | null {
    const t = this.t;
    const base = { escaped, depth };
    if (t.startsWith('}}', p)) {
      const tag: InvalidTag = { type: 'invalid', text: t.slice(start, p + 2), closed: true, ...base, ...this.span(start, p + 2) };
      this.problem('tag-syntax', start, p + 2, 'Empty tag: write a field name inside the braces, e.g. {{first_name}}.', [
        this.fix('Remove the empty tag', start, p + 2, '', true),
      ]);
      this.tags.push(tag);
      return tag;
    }
    const sigil = t[p];
    if (depth === 0 && sigil !== undefined && '#/^>!&'.includes(sigil)) {
      const close = this.findClose(p);
      if (close === -1) return null;
      const inner = t.slice(p, close).trim();
      const tag: InvalidTag = { type: 'invalid', text: t.slice(start, close + 2), closed: true, ...base, ...this.span(start, close + 2) };
      const hint = /^#\s*if\b/.test(inner)
        ? 'write {{ocx_if field = value}}'
        : /^\/\s*if\b/.test(inner)
          ? 'write {{ocx_endif}}'
          : /^#\s*(each|with|unless)\b/.test(inner)
            ? 'Ongage has no loops or blocks other than {{ocx_if}}'
            : 'write a field name such as {{first_name}}';
      this.problem('tag-syntax', start, close + 2, `"${this.quote(tag.text)}" is Handlebars syntax, not Ongage's: ${hint}.`);
      this.tags.push(tag);
      return tag;
    }
    return null;
  }

  /** The keyword a name stands for (exactly, in another case, or misspelled), or undefined for a field. */
  private resolveKeyword(name: string, nameEnd: number, depth: number): KeywordName | undefined {
    if ((KEYWORDS as readonly string[]).includes(name)) return name as KeywordName;
    if (systemField(name) || functionEntry(name)) return undefined;
    const t = this.t;
    const lower = name.toLowerCase();
    const afterBlank = this.skipBlanks(nameEnd);
    const hasCondition = afterBlank > nameEnd && afterBlank < this.n && !t.startsWith('}}', afterBlank) && !isLineBreak(t.charCodeAt(afterBlank));
    const plainClose = t.startsWith('}}', afterBlank);
    let guess: KeywordName | undefined;
    if ((KEYWORDS as readonly string[]).includes(lower)) guess = lower as KeywordName;
    else if (KEYWORD_ALIASES[lower]) guess = KEYWORD_ALIASES[lower];
    else if (lower.startsWith('ocx')) {
      const pool: KeywordName[] = hasCondition ? ['ocx_if', 'ocx_elseif'] : ['ocx_else', 'ocx_endif'];
      let best = 3;
      for (const k of pool) {
        const d = editDistance(lower, k, 2);
        if (d < best) {
          best = d;
          guess = k;
        }
      }
      if (guess && !hasCondition && best > 1) guess = undefined;
    }
    if (!guess || depth > 0) return undefined;
    const conditional = guess === 'ocx_if' || guess === 'ocx_elseif';
    // Only where the shape fits: a condition after if/elseif; a bare tag, inside an open block, for else/endif.
    if (conditional && !hasCondition) return undefined;
    if (!conditional && (!plainClose || this.stack.length === 0) && !(KEYWORDS as readonly string[]).includes(lower)) return undefined;
    const nameStart = nameEnd - name.length;
    this.problem('misspelled-keyword', nameStart, nameEnd, `"${name}" is not an Ongage keyword: write ${guess}.`, [
      this.fix(`Change to ${guess}`, nameStart, nameEnd, guess, true),
    ]);
    return guess;
  }

  private parseKeywordTag(start: number, nameStart: number, nameEnd: number, keyword: KeywordName, escaped: boolean): ConditionTag | KeywordTag {
    const t = this.t;
    const type = KEYWORD_TYPE[keyword];
    const kw = this.word(nameStart, nameEnd);
    const base = { escaped, depth: 0 };
    if (type === 'if' || type === 'elseif') {
      const close = this.findClose(nameEnd);
      if (close === -1) {
        const tag: ConditionTag = { type, keyword: kw, closed: false, ...base, ...this.span(start, nameEnd) };
        this.problem('unclosed-tag', start, nameEnd, `"${this.quote(t.slice(start, nameEnd))}" is not closed: end the condition with "}}" on the same line.`);
        this.tags.push(tag);
        return tag;
      }
      const tag: ConditionTag = { type, keyword: kw, closed: true, ...base, ...this.span(start, close + 2) };
      const condStart = this.skipBlanks(nameEnd);
      let condEnd = close;
      while (condEnd > condStart && isSpace(t.charCodeAt(condEnd - 1))) condEnd--;
      if (condEnd <= condStart) {
        this.problem('condition-syntax', start, close + 2, `{{${keyword}}} needs a condition, e.g. {{${keyword} field = value}}.`);
      } else {
        if (condStart === nameEnd) {
          this.problem('tag-syntax', nameEnd, nameEnd + 1, `Put a space between ${keyword} and its condition.`, [
            this.fix('Insert a space', nameEnd, nameEnd, ' ', true),
          ]);
        }
        tag.condition = this.parseCondition(condStart, condEnd);
      }
      this.tags.push(tag);
      return tag;
    }
    const tag: KeywordTag = { type, keyword: kw, closed: true, ...base, ...this.span(start, nameEnd) };
    const q = this.skipBlanks(nameEnd);
    if (t.startsWith('}}', q)) {
      this.respan(tag, start, q + 2);
    } else {
      this.finishWithJunk(tag, q, nameEnd);
    }
    this.tags.push(tag);
    return tag;
  }

  /**
   * The tag's known structure ended at `junkStart` without `}}`. With a `}}` later on the line the tag closes
   * there and the extra text is reported; without one the tag is unclosed and ends at `structureEnd`.
   */
  private finishWithJunk(tag: Tag, junkStart: number, structureEnd: number, fixAt?: number): void {
    const t = this.t;
    const close = this.findClose(junkStart);
    if (close === -1) {
      tag.closed = false;
      this.respan(tag, tag.start, structureEnd);
      if (this.onlyCounted('unclosed-tag')) return;
      const shown = this.quote(t.slice(tag.start, structureEnd));
      const at = fixAt ?? structureEnd;
      this.problem(
        'unclosed-tag',
        tag.start,
        structureEnd,
        `"${shown}" is not closed: add "}}".`,
        fixAt === -1 ? undefined : [this.fix('Add the closing "}}"', at, at, '}}', true)],
      );
      return;
    }
    this.respan(tag, tag.start, close + 2);
    const junk = t.slice(junkStart, close);
    if (MARKUP.test(junk)) {
      const whole = t.slice(tag.start, close + 2);
      this.problem(
        'markup-in-tag',
        tag.start,
        close + 2,
        `HTML markup inside "${this.quote(whole)}": the tag will not work. Remove the markup (visual editors insert it when a tag is styled; edit tags in the HTML source).`,
        [this.fix('Remove the HTML markup from the tag', tag.start, close + 2, whole.replace(/<[^<>]*>/g, ''), true)],
      );
      return;
    }
    let a = junkStart;
    let b = close;
    while (a < b && isSpace(t.charCodeAt(a))) a++;
    while (b > a && isSpace(t.charCodeAt(b - 1))) b--;
    this.problem('tag-syntax', a, b, `Unexpected "${this.quote(t.slice(a, b))}" in the tag: expected "}}"${tag.type === 'field' ? ' (a field name has no spaces; a fallback follows a colon: {{field:fallback}})' : ''}.`, [
      this.fix('Remove the unexpected text', junkStart, close, '', false),
    ]);
  }

  private parseField(start: number, nameStart: number, nameEnd: number, depth: number, escaped: boolean): FieldTag {
    const t = this.t;
    const tag: FieldTag = { type: 'field', name: this.word(nameStart, nameEnd), closed: true, escaped, depth, ...this.span(start, nameEnd) };
    const tagMark = this.tags.length;
    const problemMark = this.problems.length;
    const droppedMark = this.dropped.length;
    let q = nameEnd;
    if (t.charCodeAt(q) === 91) {
      const list = this.parseParamList(q);
      if (!list) {
        this.finishWithJunk(tag, q, nameEnd, -1);
        this.tags.push(tag);
        return tag;
      }
      tag.params = list;
      q = list.end;
    }
    if (t.charCodeAt(q) === 58) {
      const fallback = this.parseFallback(q, depth);
      if (!fallback) {
        this.tags.length = tagMark;
        this.problems.length = problemMark;
        this.dropped.length = droppedMark;
        tag.closed = false;
        this.respan(tag, start, nameEnd);
        if (tag.params) delete tag.params;
        if (this.reportedTooDeep(depth)) {
          this.tags.push(tag);
          return tag;
        }
        if (this.onlyCounted('unclosed-tag')) {
          this.tags.push(tag);
          return tag;
        }
        const shown = this.quote(t.slice(start, nameEnd));
        const lineStop = this.fallbackFixPoint(q + 1);
        this.problem(
          'unclosed-tag',
          start,
          nameEnd,
          `"${shown}" is not closed: end the tag (and its fallback) with "}}".`,
          lineStop === -1 ? undefined : [this.fix('Add the closing "}}"', lineStop, lineStop, '}}', true)],
        );
        this.tags.push(tag);
        return tag;
      }
      tag.fallback = fallback;
      q = fallback.end;
      this.respan(tag, start, q + 2);
      this.checkMarkup(tag, fallback.parts);
      this.tags.push(tag);
      return tag;
    }
    const c = this.skipBlanks(q);
    if (t.startsWith('}}', c)) this.respan(tag, start, c + 2);
    else this.finishWithJunk(tag, c, q, q);
    this.tags.push(tag);
    return tag;
  }

  /**
   * A top-level tag failed because tags nest deeper than the cap inside it: report that place (once a line; a
   * retry from an inner `{{` that fails for the same reason reports nothing). True when the failure was that.
   */
  private reportedTooDeep(depth: number): boolean {
    if (depth > 0 || this.tooDeep === -1) return false;
    const at = this.tooDeep;
    this.tooDeep = -1;
    // Once per line: a retry from an inner `{{` hits the cap again further on (tags do not span lines).
    const line = at >= 0 ? this.lines.lineAt(at) : -1;
    if (at >= 0 && line !== this.tooDeepLine) {
      this.tooDeepLine = line;
      const nameEnd = this.readName(this.skipBlanks(at + 2));
      this.problem(
        'tag-syntax',
        at,
        Math.max(nameEnd, at + 2),
        `Tags nested more than ${MAX_TAG_NESTING} deep in fallbacks and function arguments: the tags around this one are read as text. Nest fewer tags here (an email needs two or three levels at most).`,
      );
    }
    return true;
  }

  /** Where to insert `}}` for an unclosed fallback: before markup or the end of the line; -1 when unclear. */
  private fallbackFixPoint(from: number): number {
    const t = this.t;
    let p = from;
    for (; p < this.n; p++) {
      const c = t.charCodeAt(p);
      if (isLineBreak(c) || c === 60) break;
      if (c === 123 && t.charCodeAt(p + 1) === 123) return -1;
      if (c === 125) return -1;
    }
    while (p > from && isSpace(t.charCodeAt(p - 1))) p--;
    return p > from ? p : -1;
  }

  private checkMarkup(tag: Tag, parts: Array<LiteralPart | FieldTag | FunctionTag>): void {
    if (!parts.some((p) => p.type === 'literal' && MARKUP.test(p.text))) return;
    const whole = this.t.slice(tag.start, tag.end);
    this.problem('markup-in-tag', tag.start, tag.end, `HTML markup inside "${this.quote(whole)}": Ongage does not expect markup in a tag. Remove it, or put the markup outside the tag.`, [
      this.fix('Remove the HTML markup from the tag', tag.start, tag.end, whole.replace(/<[^<>]*>/g, ''), true),
    ]);
  }

  /** `[key=value,…]` at `open`; undefined when no `]` closes it on the line before `}}`. */
  private parseParamList(open: number): ParamList | undefined {
    const t = this.t;
    let p = open + 1;
    for (; p < this.n; p++) {
      const c = t.charCodeAt(p);
      if (c === 93) break;
      if (isLineBreak(c) || (c === 125 && t.charCodeAt(p + 1) === 125) || (c === 123 && t.charCodeAt(p + 1) === 123)) {
        // No "]": report it and carry on as if it stood before the "}}".
        const close = this.findClose(open);
        if (close === -1) return undefined;
        const list: ParamList = { params: this.parseParams(open + 1, close, 'format'), closed: false, ...this.span(open, close) };
        this.problem('tag-syntax', open, close, `"${this.quote(t.slice(open, close))}" is missing its "]".`, [this.fix('Add the "]"', close, close, ']', true)]);
        return list;
      }
    }
    if (p >= this.n) return undefined;
    const list: ParamList = { params: this.parseParams(open + 1, p, 'format'), closed: true, ...this.span(open, p + 1) };
    return list;
  }

  /** `key=value` pairs separated by commas; a comma only separates when a `key=` follows it. */
  private parseParams(s: number, e: number, expectedKey?: string): Param[] {
    const t = this.t;
    const params: Param[] = [];
    const text = t.slice(s, e);
    const cuts = [0];
    const re = /,(?=\s*[A-Za-z_][\w-]*\s*=)/g;
    for (let m = re.exec(text); m; m = re.exec(text)) cuts.push(m.index + 1);
    cuts.push(text.length + 1);
    for (let i = 0; i + 1 < cuts.length; i++) {
      let a = s + cuts[i];
      let b = s + cuts[i + 1] - 1;
      while (a < b && isSpace(t.charCodeAt(a))) a++;
      while (b > a && isSpace(t.charCodeAt(b - 1))) b--;
      if (a >= b) continue;
      const eq = t.indexOf('=', a);
      if (eq === -1 || eq >= b) {
        const param: Param = { key: this.word(a, a), ...this.span(a, b) };
        param.value = this.word(a, b);
        params.push(param);
        if (expectedKey) {
          this.problem('tag-syntax', a, b, `Write the parameter as ${expectedKey}=…: [${expectedKey}=${t.slice(a, b)}].`, [
            this.fix(`Insert "${expectedKey}="`, a, a, `${expectedKey}=`, true),
          ]);
        }
        continue;
      }
      let ke = eq;
      while (ke > a && isSpace(t.charCodeAt(ke - 1))) ke--;
      const param: Param = { key: this.word(a, ke), value: this.word(eq + 1, b), ...this.span(a, b) };
      params.push(param);
    }
    return params;
  }

  /** The fallback after the colon at `colon`, ending before its `}}`; undefined when it is never closed. */
  private parseFallback(colon: number, depth: number): Fallback | undefined {
    const parts = this.parseInner(colon + 1, depth, 'fallback');
    if (!parts) return undefined;
    const { items, end } = parts;
    return { colon, parts: items, text: this.t.slice(colon + 1, end), ...this.span(colon + 1, end) };
  }

  /**
   * Literal text and nested tags from `from` up to the closing `}}` (fallback) or `}` (function argument).
   * Undefined when a line break or the end of the text comes first, or a nested tag is unclosed.
   */
  private parseInner(from: number, depth: number, what: 'fallback' | 'argument'): { items: Array<LiteralPart | FieldTag | FunctionTag>; end: number } | undefined {
    const t = this.t;
    const items: Array<LiteralPart | FieldTag | FunctionTag> = [];
    let lit = from;
    let p = from;
    while (p < this.n) {
      const c = t.charCodeAt(p);
      if (c === 125 && (what === 'argument' || t.charCodeAt(p + 1) === 125)) {
        if (p > lit) items.push({ type: 'literal', text: t.slice(lit, p), ...this.span(lit, p) });
        return { items, end: p };
      }
      if (isLineBreak(c)) return undefined;
      const esc = c === 92 && t.charCodeAt(p + 1) === 123 && t.charCodeAt(p + 2) === 123;
      if ((c === 123 && t.charCodeAt(p + 1) === 123) || esc) {
        const open = esc ? p + 1 : p;
        if (t.charCodeAt(open + 2) !== 123) {
          const failed = (this.failed ??= new Uint8Array(this.n));
          const shift = esc ? 2 : 0;
          const flags = failed[open] >> shift;
          if (flags & FAILED) {
            if (this.tooDeep === -1 && flags & FAILED_DEEP) this.tooDeep = -2;
            return undefined;
          }
          if (depth + 1 > MAX_TAG_NESTING) {
            if (this.tooDeep === -1) this.tooDeep = open;
            return undefined;
          }
          const nested = this.parseTag(open, depth + 1, esc);
          if (nested && !nested.closed) failed[open] |= (this.tooDeep !== -1 ? FAILED | FAILED_DEEP : FAILED) << shift;
          if (nested) {
            if (!nested.closed || (nested.type !== 'field' && nested.type !== 'function')) return undefined;
            if (p > lit) items.push({ type: 'literal', text: t.slice(lit, p), ...this.span(lit, p) });
            items.push(nested);
            p = nested.end;
            lit = p;
            continue;
          }
        }
      }
      p++;
    }
    return undefined;
  }

  private parseFunction(start: number, nameStart: number, nameEnd: number, depth: number, escaped: boolean): FunctionTag {
    const t = this.t;
    const name = this.word(nameStart, nameEnd);
    const tag: FunctionTag = { type: 'function', name, closed: true, escaped, depth, ...this.span(start, nameEnd) };
    const tagMark = this.tags.length;
    const problemMark = this.problems.length;
    const droppedMark = this.dropped.length;
    const inner = this.parseInner(nameEnd + 1, depth, 'argument');
    if (!inner) {
      this.tags.length = tagMark;
      this.problems.length = problemMark;
      this.dropped.length = droppedMark;
      tag.closed = false;
      if (this.reportedTooDeep(depth)) {
        this.tags.push(tag);
        return tag;
      }
      this.problem('unclosed-tag', start, nameEnd, `"${this.quote(t.slice(start, nameEnd))}{…" is not closed: a function is written {{${name.text}{argument}}}, with "}" after the argument and "}}" after that.`);
      this.tags.push(tag);
      return tag;
    }
    const argStart = nameEnd + 1;
    const argEnd = inner.end;
    const argText = t.slice(argStart, argEnd);
    const argument: Argument = {
      text: argText,
      parts: inner.items,
      params: /^\s*[A-Za-z_][\w-]*\s*=/.test(argText) ? this.parseParams(argStart, argEnd) : [],
      ...this.span(argStart, argEnd),
    };
    tag.argument = argument;
    if (!name.text.startsWith('ocx_')) {
      this.problem('tag-syntax', nameStart, nameEnd, `"${name.text}" is not an Ongage function: functions start with ocx_ (ocx_url_encode, ocx_feed_html, ocx_generate_hash, …). A field is written without braces after its name.`);
    }
    const q = this.skipBlanks(argEnd + 1);
    if (t.startsWith('}}', q)) this.respan(tag, start, q + 2);
    else this.finishWithJunk(tag, q, argEnd + 1, argEnd + 1);
    this.checkMarkup(tag, argument.parts);
    this.tags.push(tag);
    return tag;
  }

  // ---------------------------------------------------------------- conditions

  private parseCondition(s: number, e: number): Condition {
    const t = this.t;
    const text = t.slice(s, e);
    const joiners: Joiner[] = [];
    const clauses: Clause[] = [];
    const re = /\s(AND|OR|&&|\|\||and|or)(?=\s)/gi;
    let segStart = s;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const word = m[1];
      const js = s + m.index + 1;
      const je = js + word.length;
      const upper = word === 'AND' || word === 'OR';
      if (!upper && /^(and|or)$/i.test(word)) {
        // Lower-case and/or only joins when a clause follows ("Rock and Roll" is a value).
        const rest = text.slice(m.index + 1 + word.length);
        if (!/^\s*[A-Za-z0-9_][\w.-]*\s*!?\s*(?:=|<|>|contains\b|begins_with\b|ends_with\b|is\s)/.test(rest)) continue;
      }
      const joiner: Joiner = { text: word, valid: upper, ...this.span(js, je) };
      if (!upper) {
        const proper = /^(and|&&)$/i.test(word) ? 'AND' : 'OR';
        this.problem('lowercase-joiner', js, je, `"${word}" does not join conditions: Ongage needs upper-case ${proper}.`, [
          this.fix(`Change to ${proper}`, js, je, proper, true),
        ]);
      }
      clauses.push(this.parseClause(segStart, js));
      joiners.push(joiner);
      segStart = je;
    }
    clauses.push(this.parseClause(segStart, e));
    return { clauses, joiners, ...this.span(s, e) };
  }

  private parseClause(s: number, e: number): Clause {
    const t = this.t;
    while (s < e && isSpace(t.charCodeAt(s))) s++;
    while (e > s && isSpace(t.charCodeAt(e - 1))) e--;
    const clause: Clause = this.span(s, e);
    if (s >= e) {
      this.problem('condition-syntax', Math.max(0, s - 1), Math.min(this.n, s + 1), 'An empty condition around AND/OR: write field operator value on both sides.');
      return clause;
    }
    const fieldEnd = Math.min(this.readName(s), e);
    if (fieldEnd === s) {
      this.problem('condition-syntax', s, e, `A condition starts with a field name, e.g. vip = 1; found "${this.quote(t.slice(s, e))}".`);
      return clause;
    }
    clause.field = this.word(s, fieldEnd);
    let p = fieldEnd;
    while (p < e && isSpace(t.charCodeAt(p))) p++;
    if (p >= e) {
      this.problem('condition-syntax', s, fieldEnd, `The condition on "${clause.field.text}" has no operator: write e.g. ${clause.field.text} = value, or ${clause.field.text} !is empty.`);
      return clause;
    }
    const op = this.parseOperator(p, e);
    clause.operator = op;
    let v = op.end;
    while (v < e && isSpace(t.charCodeAt(v))) v++;
    if (op.name === 'is empty' || op.name === 'is null') {
      if (v < e) {
        this.problem('condition-syntax', v, e, `"${op.text}" takes no value: remove "${this.quote(t.slice(v, e))}".`, [this.fix('Remove the value', op.end, e, '', true)]);
        clause.value = this.word(v, e);
      }
    } else if (v < e) {
      clause.value = this.word(v, e);
    } else if (op.name) {
      this.problem('condition-syntax', op.start, op.end, `"${op.text}" needs a value after it, e.g. ${clause.field.text} ${op.text} something.`);
    }
    return clause;
  }

  private parseOperator(p: number, e: number): Operator {
    const t = this.t;
    const c = t.charCodeAt(p);
    let q = p;
    // Symbolic: a run of ! = < >
    if (c === 33 || c === 61 || c === 60 || c === 62) {
      while (q < e && '!=<>'.includes(t[q])) q++;
      const run = t.slice(p, q);
      if (run === '!' && q < e && /[A-Za-z_]/.test(t[q])) return this.parseWordOperator(p, q, e, true);
      if (q < e && t[q] === '~') return this.mistypedOperator(p, q, e);
      const negated = run.startsWith('!') && run !== '!';
      const bare = run === '!=' ? '=' : negated ? run.slice(1) : run;
      const op: Operator = { text: run, negated: run === '!=' ? true : negated, ...this.span(p, q) };
      if (['=', '>', '<', '>=', '<='].includes(bare) && run !== '!' ) {
        op.name = bare as OperatorName;
        return op;
      }
      const fix = SYMBOLIC_FIXES[run];
      op.negated = false;
      this.problem(
        'condition-syntax',
        p,
        q,
        `"${run}" is not an Ongage operator${fix ? `: write ${fix}` : ''}. Operators: = != > < >= <= contains begins_with ends_with is empty (each negatable with !).`,
        fix ? [this.fix(`Change to ${fix}`, p, q, fix, true)] : undefined,
      );
      return op;
    }
    return this.parseWordOperator(p, p, e, false);
  }

  /**
   * An operator with operator characters right after it (`=~`, `!~`, `contains=`): the value would start with
   * them, which is a mistyped operator, not a value. Reported at the whole run; the clause has no operator.
   */
  private mistypedOperator(opStart: number, from: number, e: number): Operator {
    const t = this.t;
    let q = from;
    while (q < e && OPERATOR_CHARS.includes(t[q])) q++;
    const text = t.slice(opStart, q);
    const fix = MISTYPED_FIXES[text];
    // A word operator needs blanks around it (`plan=~pro` becomes `plan contains pro`).
    const newText = fix && `${isSpace(t.charCodeAt(opStart - 1)) ? '' : ' '}${fix}${q < e && !isSpace(t.charCodeAt(q)) ? ' ' : ''}`;
    this.problem(
      'condition-syntax',
      opStart,
      q,
      `"${this.quote(text)}" is not an Ongage operator${fix ? `: write ${fix}` : ''}; a value never starts with "${this.quote(t.slice(from, q))}" right after the operator. Operators: = != > < >= <= contains begins_with ends_with is empty (each negatable with !).`,
      fix && newText ? [this.fix(`Change to ${fix}`, opStart, q, newText, true)] : undefined,
    );
    return { text, negated: false, ...this.span(opStart, q) };
  }

  private parseWordOperator(opStart: number, p: number, e: number, negated: boolean): Operator {
    const t = this.t;
    let q = p;
    while (q < e && /[A-Za-z_]/.test(t[q])) q++;
    const w = t.slice(p, q);
    const lower = w.toLowerCase();
    const bang = negated ? '!' : '';
    const bad = (end: number, suggestion: string | undefined, why?: string): Operator => {
      const text = t.slice(opStart, end);
      const op: Operator = { text, negated, ...this.span(opStart, end) };
      this.problem(
        'condition-syntax',
        opStart,
        end,
        why ?? `"${this.quote(text)}" is not an Ongage operator${suggestion ? `: write ${suggestion}` : ''}. Operators: = != > < >= <= contains begins_with ends_with is empty (each negatable with !).`,
        suggestion ? [this.fix(`Change to ${suggestion}`, opStart, end, suggestion, true)] : undefined,
      );
      return op;
    };
    if (w === '') return bad(Math.min(e, opStart + 1), undefined);
    if ((WORD_OPERATORS as readonly string[]).includes(lower)) {
      if (w !== lower) return bad(q, bang + lower, `"${t.slice(opStart, q)}": operators are lower case; write ${bang}${lower}.`);
      if (q < e && OPERATOR_CHARS.includes(t[q])) return this.mistypedOperator(opStart, q, e);
      return { text: t.slice(opStart, q), name: lower as OperatorName, negated, ...this.span(opStart, q) };
    }
    if (lower === 'is' || lower === 'not') {
      let r = q;
      while (r < e && isSpace(t.charCodeAt(r))) r++;
      let r2 = r;
      while (r2 < e && /[A-Za-z_]/.test(t[r2])) r2++;
      const w2 = t.slice(r, r2).toLowerCase();
      if (lower === 'is' && (w2 === 'empty' || w2 === 'null')) {
        const text = t.slice(opStart, r2);
        const canonical = `${bang}is ${w2}`;
        if (text !== canonical) return bad(r2, canonical, `"${text}": write ${canonical} (lower case, one space).`);
        return { text, name: `is ${w2}` as OperatorName, negated, ...this.span(opStart, r2) };
      }
      if (lower === 'is' && w2 === 'not') {
        let r3 = r2;
        while (r3 < e && isSpace(t.charCodeAt(r3))) r3++;
        let r4 = r3;
        while (r4 < e && /[A-Za-z_]/.test(t[r4])) r4++;
        const w3 = t.slice(r3, r4).toLowerCase();
        if (w3 === 'empty' || w3 === 'null') return bad(r4, `!is ${w3}`);
      }
      if (lower === 'not' && (WORD_OPERATORS as readonly string[]).includes(w2)) return bad(r2, `!${w2}`);
      if (lower === 'is') return bad(q, undefined, `"is" must be followed by empty or null: write ${bang}is empty.`);
    }
    const alias = WORD_OPERATOR_ALIASES[lower] ?? nearest(lower, WORD_OPERATORS, 1)[0];
    let suggestion: string | undefined = alias;
    if (alias && negated) suggestion = alias === '=' ? '!=' : /^[a-z]/.test(alias) ? `!${alias}` : undefined;
    return bad(q, suggestion);
  }
}
