/**
 * CSS inlining on a *template* (juice), keeping every Ongage tag byte for byte.
 *
 * Each tag becomes a lower-case alphanumeric placeholder that juice's HTML parser and serializer pass through in
 * text, attribute values and names, and comments; a `{{` that is not a tag and juice's own `<%` get placeholders
 * too, so juice's code-block handling never sees them. Where juice would rewrite or drop a tag, the template is
 * prepared first:
 * - `<style>` content with tags: the rules that hold a tag, or sit between `{{ocx_if}}` and `{{ocx_endif}}`, are
 *   not inlined (Ongage decides them per recipient): they stay where they are in a `<style>` that juice leaves
 *   alone (`data-embed`), and the other rules are inlined as usual. A rule with a tag in one declaration is split:
 *   its plain declarations are inlined, the rest stays. A `<style>` inside an ocx_if block stays whole.
 *   Consequence: a rule kept this way competes with inlined styles as any `<style>` rule does (inline wins unless
 *   it is `!important`).
 * - `style`, `width`, `height`, `bgcolor`, `background`, `align` and `valign` attributes holding a tag (juice
 *   parses or overwrites them) are set aside: the written `style` comes back after the inlined declarations (so it
 *   still wins), the others come back as written. So does a single-quoted value whose tag holds a `"` (juice
 *   writes values in double quotes).
 * - Rules for class or id names written inside a tag-bearing `class`/`id` attribute stay in `<style>` as well
 *   (juice's `preservedSelectors`), since they may apply to some recipients.
 * Media queries, font faces, keyframes and `:hover`-style rules stay in `<style>`. The result is checked: the
 * tags must come out in the same order with the same text, or the template is returned as it was.
 */
import juice from 'juice/client';
import type { Tag } from '../language/ast';
import { scanHtml, type HtmlElement } from '../language/html';
import { parse, type ParseResult } from '../language/parser';
import { spanIndexAt, type SpanLike } from './spans';

export interface InlineOutcome {
  /** The inlined template (or the template itself when it could not be inlined). */
  html: string;
  /** The parse of `html`; its top-level tags match the template's one to one, in order. */
  parsed: ParseResult;
  /** False when the template was returned as it was. */
  inlined: boolean;
  /** Why it was not inlined. */
  problem?: string;
  /** True when this came from patching the previous template's result (an edit in text), not from juice. */
  patched?: boolean;
}

const JUICE_OPTIONS = {
  applyStyleTags: true,
  removeStyleTags: true,
  preserveMediaQueries: true,
  preserveFontFaces: true,
  preserveKeyFrames: true,
  preservePseudos: true,
  applyWidthAttributes: true,
  applyHeightAttributes: true,
  applyAttributesTableElements: true,
  insertPreservedExtraCss: false,
  resolveCSSVariables: true,
  // `style="font-family: &quot;Nunito Sans&quot;"` is read as CSS only once decoded (juice fails on it otherwise).
  decodeStyleAttributes: true,
  xmlMode: false,
};

/** Attributes juice reads (style) or writes (the rest) on elements it inlines into. */
const GUARDED_ATTRIBUTES = new Set(['style', 'width', 'height', 'bgcolor', 'background', 'align', 'valign']);

/** Inlines a template's `<style>` rules (see the file comment); every `{{…}}` tag comes out byte-identical. */
export function inlineCss(templateHtml: string): string {
  return inlineTemplate(typeof templateHtml === 'string' ? templateHtml : '').html;
}

const cache = new Map<string, InlineOutcome>();
const CACHE_SIZE = 4;
/** The template inlined last and its outcome: the next template is usually it with one keystroke more. */
let last: { template: string; outcome: InlineOutcome } | undefined;

/** Forgets every inlined template (tests compare a fresh inlining with a patched one). */
export function clearInlineCache(): void {
  cache.clear();
  last = undefined;
}

/**
 * The same, with the parse of the result; `parsed` may be given when the caller has parsed the template. Never throws.
 * A template that differs from the one inlined last only inside text between tags is not inlined again: the
 * earlier result is patched at the same text (see patchText); `reuse: false` always inlines.
 */
export function inlineTemplate(template: string, parsed?: ParseResult, opts: { reuse?: boolean } = {}): InlineOutcome {
  const reuse = opts.reuse !== false;
  const hit = reuse ? cache.get(template) : undefined;
  if (hit) {
    cache.delete(template);
    cache.set(template, hit);
    last = { template, outcome: hit };
    return hit;
  }
  let result: InlineOutcome | undefined;
  const templateParse = parsed ?? parse(template, { kind: 'html' });
  if (reuse && last) result = patchText(last.template, last.outcome, template, templateParse);
  if (!result) {
    try {
      result = /<style/i.test(template) ? new Inliner(template, templateParse).run() : { html: template, parsed: templateParse, inlined: true };
    } catch (e) {
      result = { html: template, parsed: templateParse, inlined: false, problem: e instanceof Error ? e.message : String(e) };
    }
  }
  cache.set(template, result);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  last = { template, outcome: result };
  return result;
}

/** Characters an edit may not hold or touch to be patched: markup, tag delimiters, entities. */
const MARKUP = /[<>{}[\]&%]/;
const RAW_TEXT_ELEMENTS = ['style', 'script', 'title', 'textarea', 'xmp', 'noscript', 'iframe', 'noembed', 'noframes', 'plaintext'];

/**
 * `next` inlined by patching `prev`'s outcome, or undefined when it must be inlined in full. The edit (the part
 * between the common prefix and suffix of the two templates) must lie in one non-empty run of text between a `>`
 * and a `<` (in neither an Ongage tag, a comment nor a raw-text element such as `<style>`), stay non-empty, and hold
 * no markup or tag characters. Such an edit changes neither the CSS nor which elements its rules select (`:empty`
 * is why the run may not become empty), so juice would write the same document with the new text in that run.
 * The run is found in the inlined document by counting `<` from the end, and accepted only if everything after
 * it reads the same once markup is set aside (a `<style>` juice dropped after the run, say, makes it inline
 * again); the test suite checks the result against a full inlining on the whole corpus.
 */
export function patchText(prevTemplate: string, prev: InlineOutcome, next: string, nextParsed: ParseResult): InlineOutcome | undefined {
  if (!prev.inlined || prevTemplate === next) return undefined;
  const max = Math.min(prevTemplate.length, next.length);
  let p = 0;
  while (p < max && prevTemplate.charCodeAt(p) === next.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && prevTemplate.charCodeAt(prevTemplate.length - 1 - s) === next.charCodeAt(next.length - 1 - s)) s++;
  const oldEnd = prevTemplate.length - s;
  const newEnd = next.length - s;
  if (MARKUP.test(prevTemplate.slice(p, oldEnd)) || MARKUP.test(next.slice(p, newEnd))) return undefined;
  // The run of text around the edit: from the `>` before it to the `<` after it (outside Ongage tags, whose
  // operators are not markup), with no angle bracket inside. Found in `next`, whose text around the edit is
  // `prevTemplate`'s, shifted after it by the edit's change in length.
  const top = nextParsed.tags.filter((t) => t.depth === 0);
  const delta = newEnd - oldEnd;
  const gt = angleOutsideTags(next, top, p - 1, -1);
  if (gt < 0 || next[gt] !== '>') return undefined;
  const ltNext = angleOutsideTags(next, top, newEnd, 1);
  if (ltNext < 0 || next[ltNext] !== '<') return undefined;
  const lt = ltNext - delta;
  const runStart = gt + 1;
  if (lt - runStart === 0 || ltNext - runStart === 0) return undefined;
  // Not inside a comment, nor in the text of <style>, <script>, <title> and the like.
  if (prevTemplate.lastIndexOf('<!--', p) > prevTemplate.lastIndexOf('-->', p)) return undefined;
  const before = prevTemplate.slice(0, p).toLowerCase();
  if (RAW_TEXT_ELEMENTS.some((name) => before.lastIndexOf(`<${name}`) > before.lastIndexOf(`</${name}`))) return undefined;
  // Not inside, nor touching the inside of, an Ongage tag (tags elsewhere in the run are fine).
  for (let i = Math.max(0, spanAfter(top, p) - 1); i < top.length && top[i].start < Math.max(newEnd, p + 1); i++) {
    const t = top[i];
    if (newEnd > p ? t.start < newEnd && t.end > p : t.start < p && p < t.end) return undefined;
  }
  // The same run in the inlined document: as many `<` after it as in the template.
  const out = prev.html;
  let k = 0;
  for (let i = prevTemplate.indexOf('<', lt); i >= 0; i = prevTemplate.indexOf('<', i + 1)) k++;
  let at = out.length;
  for (let n = 0; n < k; n++) {
    at = out.lastIndexOf('<', at - 1);
    if (at < 0) return undefined;
  }
  const run = prevTemplate.slice(runStart, lt);
  const outRunStart = at - run.length;
  if (outRunStart < 1 || out.slice(outRunStart, at) !== run || out[outRunStart - 1] !== '>') return undefined;
  if (textOnly(prevTemplate.slice(lt)) !== textOnly(out.slice(at))) return undefined;
  const offset = outRunStart + (p - runStart);
  const html = out.slice(0, offset) + next.slice(p, newEnd) + out.slice(offset + (oldEnd - p));
  const parsed = parse(html, { kind: 'html' });
  if (parsed.tags.filter((t) => t.depth === 0).length !== top.length) return undefined;
  return { html, parsed, inlined: true, patched: true };
}

/** Index of the first span starting at or after `offset`. */
function spanAfter(spans: readonly SpanLike[], offset: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The nearest `<` or `>` from `from` in direction `dir` (-1 back, 1 forward) that is not inside a tag; -1 if none. */
function angleOutsideTags(text: string, tags: readonly SpanLike[], from: number, dir: 1 | -1): number {
  let i = from;
  while (i >= 0 && i < text.length) {
    const lt = dir < 0 ? text.lastIndexOf('<', i) : text.indexOf('<', i);
    const gt = dir < 0 ? text.lastIndexOf('>', i) : text.indexOf('>', i);
    const at = dir < 0 ? Math.max(lt, gt) : lt < 0 ? gt : gt < 0 ? lt : Math.min(lt, gt);
    if (at < 0) return -1;
    const inTag = spanIndexAt(tags, at);
    if (inTag < 0) return at;
    i = dir < 0 ? tags[inTag].start - 1 : tags[inTag].end;
  }
  return -1;
}

/** The text of an HTML fragment with every `<…>` taken out (what a patch checks juice left alone). */
function textOnly(s: string): string {
  return s.replace(/<[^>]*>/g, '');
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

interface Stash {
  marker: string;
  name: string;
  /** The attribute as written, tags as placeholders. */
  text: string;
  written: string;
}

function isKeyword(t: Tag): boolean {
  return t.type === 'if' || t.type === 'elseif' || t.type === 'else' || t.type === 'endif';
}

class Inliner {
  private readonly top: Tag[];
  private readonly prefix: string;
  private readonly tagAt = new Map<number, number>();
  private readonly comments: SpanLike[] = [];
  private readonly stash: Stash[] = [];
  private readonly preserved = new Set<string>();

  constructor(
    private readonly t: string,
    private readonly parsed: ParseResult,
  ) {
    this.top = parsed.tags.filter((x) => x.depth === 0);
    this.top.forEach((x, i) => this.tagAt.set(x.start, i));
    const lower = t.toLowerCase();
    let prefix = 'ogtag';
    while (lower.includes(prefix)) prefix += 'q';
    this.prefix = prefix;
  }

  run(): InlineOutcome {
    const edits = this.prepare();
    let protectedText = '';
    let pos = 0;
    for (const e of edits) {
      protectedText += this.emit(pos, e.start) + e.text;
      pos = e.end;
    }
    protectedText += this.emit(pos, this.t.length);

    const juiced = juice(protectedText, { ...JUICE_OPTIONS, preservedSelectors: [...this.preserved] });
    const restored = this.restore(juiced);
    if (typeof restored !== 'string') return this.fail(restored.problem);
    const out = parse(restored, { kind: 'html' });
    const outTop = out.tags.filter((x) => x.depth === 0);
    if (outTop.length !== this.top.length) return this.fail(`${this.top.length} tags went in, ${outTop.length} came out`);
    for (let i = 0; i < outTop.length; i++) {
      const a = this.t.slice(this.top[i].start, this.top[i].end);
      const b = restored.slice(outTop[i].start, outTop[i].end);
      if (a !== b) return this.fail(`the tag ${a} came out as ${b}`);
    }
    return { html: restored, parsed: out, inlined: true };
  }

  private fail(problem: string): InlineOutcome {
    return { html: this.t, parsed: this.parsed, inlined: false, problem };
  }

  // ------------------------------------------------------------ placeholders

  private tagPlaceholder(i: number): string {
    return `${this.prefix}t${i}x`;
  }

  /** The template's text in [start, end) with tags, `{{` and `<%` replaced by placeholders. */
  private emit(start: number, end: number): string {
    if (end <= start) return '';
    let s = '';
    let p = start;
    let i = this.firstTagFrom(start);
    for (; i < this.top.length && this.top[i].start < end; i++) {
      const tag = this.top[i];
      s += this.literal(this.t.slice(p, tag.start)) + this.tagPlaceholder(i);
      p = tag.end;
    }
    return s + this.literal(this.t.slice(p, end));
  }

  private literal(s: string): string {
    if (!s.includes('{{') && !s.includes('<%')) return s;
    return s.replace(/\{\{/g, `${this.prefix}lx`).replace(/<%/g, `${this.prefix}px`);
  }

  private firstTagFrom(offset: number): number {
    let lo = 0;
    let hi = this.top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.top[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private tagsIn(start: number, end: number): Tag[] {
    const out: Tag[] = [];
    for (let i = this.firstTagFrom(start); i < this.top.length && this.top[i].start < end; i++) out.push(this.top[i]);
    return out;
  }

  // ------------------------------------------------------------ preparation

  private findComments(): void {
    const t = this.t;
    let p = 0;
    for (;;) {
      const s = t.indexOf('<!--', p);
      if (s === -1) return;
      const inTag = this.top[this.firstTagFrom(s + 1) - 1];
      if (inTag && inTag.end > s) {
        p = inTag.end;
        continue;
      }
      const e = t.indexOf('-->', s + 4);
      const end = e === -1 ? t.length : e + 3;
      this.comments.push({ start: s, end });
      p = end;
    }
  }

  private inComment(offset: number): boolean {
    return spanIndexAt(this.comments, offset) >= 0;
  }

  private inBlock(offset: number): boolean {
    return this.parsed.blocks.some((b) => b.start < offset && offset < b.end);
  }

  private prepare(): Edit[] {
    this.findComments();
    const edits: Edit[] = [];
    const els = scanHtml(this.t, this.parsed.tags);
    for (let i = 0; i < els.length; i++) {
      const el = els[i];
      if (el.closing || this.inComment(el.start)) continue;
      if (el.name === 'style') {
        let j = i + 1;
        while (j < els.length && !(els[j].closing && els[j].name === 'style')) j++;
        if (j < els.length) this.prepareStyle(el, els[j], edits);
        continue;
      }
      this.prepareAttributes(el, edits);
    }
    return edits.sort((a, b) => a.start - b.start);
  }

  private prepareAttributes(el: HtmlElement, edits: Edit[]): void {
    const inStart = this.tagsIn(el.start, el.end);
    if (inStart.length === 0) return;
    const inValue = (tag: Tag) => el.attributes.some((a) => a.value !== undefined && a.valueStart <= tag.start && tag.end <= a.valueEnd);
    const conditional = inStart.some((tag) => !inValue(tag));
    for (const a of el.attributes) {
      const hasTag = this.tagsIn(a.start, a.end).length > 0;
      if ((a.name === 'class' || a.name === 'id') && hasTag && a.value !== undefined) this.preserveNames(a.name, a.valueStart, a.valueEnd);
      // juice writes every attribute value in double quotes: a single-quoted value whose tag holds `"` is set aside too.
      const quoteClash = hasTag && this.t[a.valueStart - 1] === "'" && this.tagsIn(a.start, a.end).some((tag) => this.t.slice(tag.start, tag.end).includes('"'));
      if (!quoteClash && (!GUARDED_ATTRIBUTES.has(a.name) || !(hasTag || conditional))) continue;
      const marker = `${this.prefix}a${this.stash.length}x`;
      this.stash.push({ marker, name: a.name, text: this.emit(a.start, a.end), written: this.t.slice(a.start, a.end) });
      edits.push({ start: a.start, end: a.end, text: marker });
    }
  }

  /** Class or id names written beside tags: juice keeps their rules in `<style>`. */
  private preserveNames(attr: string, start: number, end: number): void {
    let p = start;
    const literals: string[] = [];
    for (const tag of this.tagsIn(start, end)) {
      literals.push(this.t.slice(p, tag.start));
      p = tag.end;
    }
    literals.push(this.t.slice(p, end));
    for (const lit of literals) {
      for (const name of lit.split(/\s+/)) if (name.length >= 2) this.preserved.add(`${attr === 'class' ? '.' : '#'}${name}`);
    }
  }

  private prepareStyle(open: HtmlElement, close: HtmlElement, edits: Edit[]): void {
    const cs = open.end;
    const ce = close.start;
    const inContent = this.tagsIn(cs, ce);
    const inStart = this.tagsIn(open.start, open.end);
    const conditional = this.inBlock(open.start);
    if (inContent.length === 0 && inStart.length === 0 && !conditional) return;
    if (inStart.length || conditional || this.t[open.end - 1] !== '>') {
      edits.push({ start: open.nameEnd, end: open.nameEnd, text: ' data-embed' });
      return;
    }
    const attrs = this.t.slice(open.nameEnd, open.end - 1);
    const pieces = this.cssPieces(cs, ce);
    let text = '';
    for (let i = 0; i < pieces.length; ) {
      let body = '';
      const kept = pieces[i].kept;
      for (; i < pieces.length && pieces[i].kept === kept; i++) body += pieces[i].text;
      text += `<style${attrs}${kept ? ' data-embed' : ''}>${body}</style>`;
    }
    edits.push({ start: open.start, end: close.end, text });
  }

  /**
   * The style sheet in [cs, ce) as pieces to inline or keep. Top-level units are rules, at-rules, statements
   * ending in `;`, comments, and condition tags; a unit is kept when it holds a tag or lies inside a condition.
   */
  private cssPieces(cs: number, ce: number): Array<{ text: string; kept: boolean }> {
    const t = this.t;
    const pieces: Array<{ text: string; kept: boolean }> = [];
    let cond = 0;
    let unitStart = cs;
    let unitCond = 0;
    let unitTags = false;
    let blank = true;
    let depth = 0;
    let brace = -1;
    let nested = false;
    const flush = (end: number): void => {
      if (end > unitStart) pieces.push(...this.unit(unitStart, end, unitTags, unitCond, brace, nested));
      unitStart = end;
      unitCond = cond;
      unitTags = false;
      blank = true;
      brace = -1;
      nested = false;
    };
    let p = cs;
    while (p < ce) {
      const ti = this.tagAt.get(p);
      if (ti !== undefined) {
        const tag = this.top[ti];
        unitTags = true;
        cond = conditionDepth(cond, tag);
        p = tag.end;
        if (depth === 0 && blank && isKeyword(tag)) flush(p);
        else blank = false;
        continue;
      }
      const c = t[p];
      if (c === '/' && t[p + 1] === '*') {
        // A comment; at the top level, one of its own (it may hold tags: Ongage reads tags in comments too).
        const e = t.indexOf('*/', p + 2);
        const end = e === -1 || e + 2 > ce ? ce : e + 2;
        for (const tag of this.tagsIn(p, end)) {
          unitTags = true;
          cond = conditionDepth(cond, tag);
        }
        p = end;
        if (depth === 0 && blank) flush(p);
        continue;
      }
      if (c === '"' || c === "'") {
        p++;
        while (p < ce && t[p] !== c && t[p] !== '\n') {
          const ti = this.tagAt.get(p);
          if (ti !== undefined) {
            const tag = this.top[ti];
            unitTags = true;
            cond = conditionDepth(cond, tag);
            p = tag.end;
            continue;
          }
          p += t[p] === '\\' ? 2 : 1;
        }
        p++;
        blank = false;
        continue;
      }
      if (c === '{') {
        if (depth === 0) brace = p;
        else nested = true;
        depth++;
        blank = false;
      } else if (c === '}') {
        depth--;
        if (depth <= 0) {
          depth = 0;
          flush(p + 1);
          p++;
          continue;
        }
      } else if (c === ';' && depth === 0) {
        flush(p + 1);
        p++;
        continue;
      } else if (!/\s/.test(c)) {
        blank = false;
      }
      p++;
    }
    flush(ce);
    return pieces;
  }

  /** One top-level unit as pieces: kept whole, inlined whole, or (a rule with a tag in a declaration) split. */
  private unit(start: number, end: number, hasTags: boolean, condAtStart: number, brace: number, nested: boolean): Array<{ text: string; kept: boolean }> {
    if (!hasTags) return [{ text: this.emit(start, end), kept: condAtStart > 0 }];
    const t = this.t;
    const closed = t[end - 1] === '}';
    if (condAtStart > 0 || brace < 0 || nested || !closed || this.tagsIn(start, brace).length > 0) return [{ text: this.emit(start, end), kept: true }];
    // Split the declarations of `selector { … }` at top-level semicolons.
    const segments: Array<{ start: number; end: number; kept: boolean }> = [];
    let cond = 0;
    let segStart = brace + 1;
    let segTags = false;
    let segCond = 0;
    let paren = 0;
    const bodyEnd = end - 1;
    const push = (e: number): void => {
      if (e > segStart) segments.push({ start: segStart, end: e, kept: segTags || segCond > 0 });
      segStart = e;
      segTags = false;
      segCond = cond;
    };
    for (let p = segStart; p < bodyEnd; ) {
      const ti = this.tagAt.get(p);
      if (ti !== undefined) {
        const tag = this.top[ti];
        segTags = true;
        cond = conditionDepth(cond, tag);
        p = tag.end;
        continue;
      }
      const c = t[p];
      if (c === '/' && t[p + 1] === '*') {
        const e = t.indexOf('*/', p + 2);
        const commentEnd = e === -1 || e + 2 > bodyEnd ? bodyEnd : e + 2;
        for (const tag of this.tagsIn(p, commentEnd)) {
          segTags = true;
          cond = conditionDepth(cond, tag);
        }
        p = commentEnd;
        continue;
      }
      if (c === '(') paren++;
      else if (c === ')') paren = Math.max(0, paren - 1);
      else if (c === ';' && paren === 0) {
        push(p + 1);
        p++;
        continue;
      }
      p++;
    }
    push(bodyEnd);
    if (cond !== 0) return [{ text: this.emit(start, end), kept: true }];
    const plain = segments.filter((s) => !s.kept);
    const kept = segments.filter((s) => s.kept);
    if (!plain.some((s) => t.slice(s.start, s.end).trim() !== '')) return [{ text: this.emit(start, end), kept: true }];
    let selStart = start;
    while (selStart < brace && /\s/.test(t[selStart])) selStart++;
    const head = this.emit(selStart, brace + 1);
    return [
      { text: this.emit(start, selStart) + head + plain.map((s) => this.emit(s.start, s.end)).join('') + '}', kept: false },
      { text: head + kept.map((s) => this.emit(s.start, s.end)).join('') + '}', kept: true },
    ];
  }

  // ------------------------------------------------------------ restoration

  private restore(juiced: string): string | { problem: string } {
    let s = juiced;
    for (const st of this.stash) {
      const at = s.indexOf(st.marker);
      if (at === -1 || s.indexOf(st.marker, at + 1) !== -1) return { problem: `an attribute holding a tag (${st.written}) did not come through` };
      let after = at + st.marker.length;
      if (s.startsWith('=""', after)) after += 3;
      // Attributes juice added to the same element follow the marker (` name="value"`, up to `>`).
      let replacement = st.text;
      let tail = s.slice(after);
      const attrRe = /^\s*([^\s"'>/=]+)(?:="([^"]*)")?/;
      let scanned = 0;
      for (let m = attrRe.exec(tail); m; m = attrRe.exec(tail.slice(scanned))) {
        if (m[1] === st.name) {
          const added = m[2] ?? '';
          tail = tail.slice(0, scanned) + tail.slice(scanned + m[0].length);
          if (st.name === 'style' && added.trim()) replacement = mergeStyle(st.text, added);
          break;
        }
        scanned += m[0].length;
      }
      s = s.slice(0, at) + replacement + tail;
    }
    const counts = new Array<number>(this.top.length).fill(0);
    const tagRe = new RegExp(`${this.prefix}t(\\d+)x(="")?`, 'g');
    s = s.replace(tagRe, (_m, n: string, eq: string | undefined) => {
      const i = Number(n);
      const tag = this.top[i];
      if (!tag) return _m;
      counts[i]++;
      const text = this.t.slice(tag.start, tag.end);
      return eq && !this.t.startsWith('=""', tag.end) ? text : text + (eq ?? '');
    });
    const missing = counts.findIndex((c) => c !== 1);
    if (missing !== -1) {
      const tag = this.top[missing];
      return { problem: `the tag ${this.t.slice(tag.start, tag.end)} came out ${counts[missing]} times` };
    }
    return s.split(`${this.prefix}lx`).join('{{').split(`${this.prefix}px`).join('<%');
  }
}

/** The written `style` attribute with juice's inlined declarations in front (the written ones still win). */
function mergeStyle(written: string, inlined: string): string {
  const m = /^([^=]*=\s*)(["']?)([\s\S]*?)\2$/.exec(written);
  if (!m) return written;
  const quote = m[2] || '"';
  const lead = inlined.trim().replace(/;?$/, ';');
  const safeLead = quote === "'" ? lead.replace(/'/g, '&#39;') : lead.replace(/"/g, '&quot;');
  return `${m[1]}${quote}${safeLead} ${m[3]}${quote}`;
}

/** How deep inside ocx_if blocks the scan is after `tag` (an endif without its if does not go below 0). */
function conditionDepth(depth: number, tag: { type: string }): number {
  if (tag.type === 'if') return depth + 1;
  if (tag.type === 'endif') return Math.max(0, depth - 1);
  return depth;
}
