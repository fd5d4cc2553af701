/**
 * Evaluates Ongage's personalization language for one sample contact: the text as a recipient would get it,
 * plus notes about what the preview cannot show faithfully. It walks the one parser's tree (no second parser),
 * never throws, and leaves broken syntax as written, with a note.
 *
 * Readings taken (ongage-language.md and the corpus readings where Ongage's help is explicit; otherwise the
 * lenient or the safe reading, as marked):
 * - Values: a field's value comes from `values` by exact name, else by case-insensitive name (silent; lenient).
 *   Booleans read as 1/0 (how Ongage stores them), numbers as written. A value is empty when it is missing,
 *   null, or blank (spaces only).
 * - List default (silent): a field *missing* from the sample takes the list field's `default`, as Ongage fills it
 *   in for a contact added without a value; a value that is present but empty stays empty, so the tag's fallback
 *   applies. Conditions see the same value.
 * - Fallbacks: `{{f:text}}` when f is empty; a fallback may nest fields with their own fallbacks (documented one
 *   level; deeper nesting is the corpus reading). Fallback text is template text and comes out as written.
 *   An empty field without a fallback renders nothing (the help's guess), with a note.
 * - Escaping (silent, the safe reading): in HTML, values are HTML-escaped (`& < > " '`) in text and attribute
 *   values alike; inside `<style>`/`<script>` a `</` in a value becomes `<\/`. Subjects, pre-headers and text
 *   parts get values as they are.
 * - URLs: values in the query string (after the `?`) of an `href`/`src` value are URL-encoded, as Ongage says it
 *   does in links (RFC 3986: PHP's rawurlencode). A tag before the `?` (a whole URL in a field) is not encoded, nor
 *   are `ocx_unsubscribe_link` and `ocx_unsubscribe_link_encoded` (the latter is encoded already).
 *   `ocx_url_encode{…}` encodes its argument the same way.
 * - Dates: `[format=…]` is a PHP `date()` string. It applies to any value that reads as a date: Unix seconds,
 *   the list field's format (`dd/mm/yyyy hh24:mi`, …) or ISO; otherwise the value is shown as it is, with a note.
 *   Without `[format=…]` a value is shown as stored. All in UTC. `ocx_now` is `options.now` (the send time); it is
 *   not in the consulted help pages but the project's catalog and the corpus use it.
 * - System fields: any `ocx_` name is read from `values`. Derived when missing: `ocx_unsubscribe_link_encoded`
 *   from `ocx_unsubscribe_link`, `ocx_email_hash` as the MD5 of the lower-cased email (a guess; Ongage's algorithm
 *   is not documented), `ocx_subject` from the rendered subject.
 * - Functions: `ocx_generate_hash{algo=…,data=…}` prints nothing and sets `{{ocx_custom_hash}}` for the tags after
 *   it (node's crypto: md5, sha1, sha256, …). Feeds (`ocx_feed_html`, `ocx_feed`) are fetched by Ongage at send
 *   time; the preview leaves them out, with a note. Unknown functions render nothing, with a note.
 * - Conditions: `=` `>` `<` `>=` `<=` `contains` `begins_with` `ends_with`, each negatable with `!`; `is empty`
 *   and `is null` (the help presents them together: both mean "has no value"). Dates compare as dates when the
 *   field is a date field and both sides read as dates (the condition's date in the field's format or ISO);
 *   otherwise numbers compare as numbers when both sides are numbers; otherwise text compares case-insensitively
 *   (silent; lenient), trimmed, with one pair of surrounding quotes removed from the written value. An empty
 *   field satisfies no comparison (so `!=` and `!contains` hold). Precedence (silent): AND binds tighter than OR,
 *   as in most languages; a condition mixing them gets a note. AND/OR must be upper case (the help says so):
 *   lower-case `and`/`or` and `&&`/`||` are reported by the parser and read as part of the value before them.
 *   `is empty`/`is null` with text after them make the condition false. `ocx_elseif` chains take the first true
 *   branch, else `ocx_else`.
 * - Broken syntax (unclosed tags, `{{}}`, Handlebars, misspelled keywords, text after a tag's end, an `ocx_if`
 *   never closed, `ocx_else`/`ocx_endif` with no block) comes out as written, with the parser's message.
 */
import { createHash } from 'crypto';
import type { Argument, Clause, ConditionTag, DocumentKind, FieldTag, FunctionTag, IfBlock, LiteralPart, Node, Problem, Tag } from '../language/ast';
import { isSystemDate } from '../language/catalog';
import type { ListField } from '../language/fields';
import { scanHtml } from '../language/html';
import { parse, type ParseResult } from '../language/parser';
import { formatPhpDate, parseDateValue } from './dates';
import type { RenderNote, RenderOptions, RenderValue } from './types';
import { spanIndexAt } from './spans';

export type EvaluateNote = Omit<RenderNote, 'part'>;

export interface EvaluateResult {
  output: string;
  notes: EvaluateNote[];
}

/** What one evaluation passes on to the next (the subject, then the HTML): the hash from ocx_generate_hash. */
export interface EvaluationState {
  customHash: string;
}

export interface EvaluateExtras {
  state?: EvaluationState;
  /** Values used when `values` has none (ocx_subject from the rendered subject). */
  derived?: Record<string, RenderValue>;
}

/** Evaluates `source` (an HTML body, a text part or a subject) for the sample in `options.values`. Never throws. */
export function evaluate(source: string, kind: DocumentKind, options: RenderOptions): EvaluateResult {
  let parsed: ParseResult;
  try {
    parsed = parse(String(source ?? ''), { kind });
  } catch (e) {
    return internalError(String(source ?? ''), e);
  }
  return evaluateParsed(parsed, options);
}

/** The same on an existing parse (the renderer parses once and reuses it). Never throws. */
export function evaluateParsed(parsed: ParseResult, options: RenderOptions, extras: EvaluateExtras = {}): EvaluateResult {
  try {
    if (parsed.tags.length === 0) return { output: parsed.text, notes: [] };
    return new Evaluator(parsed, options ?? { values: {} }, extras).run();
  } catch (e) {
    return internalError(parsed.text, e);
  }
}

function internalError(text: string, e: unknown): EvaluateResult {
  return {
    output: text,
    notes: [{ message: `The preview could not evaluate this text (${e instanceof Error ? e.message : String(e)}); it is shown as written.`, start: 0, end: 0 }],
  };
}

// ------------------------------------------------------------------ helpers

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return /[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]) : s;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** RFC 3986 percent-encoding (PHP's rawurlencode): everything but letters, digits and `- _ . ~`. */
export function rawUrlEncode(s: string): string {
  return encodeURIComponent(s.replace(LONE_SURROGATE, '\uFFFD')).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

function decodeBasicEntities(s: string): string {
  return s.includes('&') ? s.replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, e: string) => ENTITIES[e]) : s;
}

type Raw = RenderValue | Date;

function isEmpty(v: Raw): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function stringify(v: Raw): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (v instanceof Date) return formatPhpDate(v, 'Y-m-d H:i:s');
  return '';
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Where a top-level tag sits, which decides how its value is written. */
type Mode = 'html' | 'url' | 'raw' | 'plain';

const RAW_URL_FIELDS = new Set(['ocx_unsubscribe_link', 'ocx_unsubscribe_link_encoded']);

function joinerKind(text: string): 'AND' | 'OR' {
  return /^(and|&&)$/i.test(text) ? 'AND' : 'OR';
}

// ------------------------------------------------------------------ the evaluator

class Evaluator {
  private readonly text: string;
  private readonly kind: DocumentKind;
  private readonly values: Record<string, RenderValue>;
  private lowerValues?: Map<string, RenderValue>;
  private readonly fields = new Map<string, ListField>();
  private readonly fieldsLower = new Map<string, ListField>();
  private readonly notes: EvaluateNote[] = [];
  private readonly state: EvaluationState;
  private readonly derived: Record<string, RenderValue>;
  private now?: Date;
  private readonly top: Tag[];
  private readonly modes = new Map<Tag, Mode>();
  /** Top-level tags (and nested ones) written out as they are. */
  private readonly asWritten = new Set<Tag>();
  private readonly brokenBlocks = new Set<IfBlock>();
  private readonly problemsByTag = new Map<Tag, Problem[]>();
  private out = '';

  constructor(
    private readonly parsed: ParseResult,
    private readonly options: RenderOptions,
    extras: EvaluateExtras,
  ) {
    this.text = parsed.text;
    this.kind = parsed.kind;
    this.values = options.values && typeof options.values === 'object' ? options.values : {};
    this.state = extras.state ?? { customHash: '' };
    this.derived = extras.derived ?? {};
    for (const f of options.fields ?? []) {
      if (!f || typeof f.name !== 'string') continue;
      if (!this.fields.has(f.name)) this.fields.set(f.name, f);
      const lower = f.name.toLowerCase();
      if (!this.fieldsLower.has(lower)) this.fieldsLower.set(lower, f);
    }
    this.top = parsed.tags.filter((t) => t.depth === 0);
  }

  run(): EvaluateResult {
    this.assignProblems();
    this.findBroken(this.parsed.nodes);
    this.computeModes();
    this.problemNotes();
    this.renderNodes(this.parsed.nodes);
    this.notes.sort((a, b) => a.start - b.start || a.end - b.end);
    return { output: this.out, notes: this.notes };
  }

  // -------------------------------------------------------------- setup

  private containingTop(offset: number): Tag | undefined {
    return this.top[spanIndexAt(this.top, offset)];
  }

  private assignProblems(): void {
    for (const p of this.parsed.problems) {
      const t = this.containingTop(p.start);
      if (!t) continue;
      let list = this.problemsByTag.get(t);
      if (!list) this.problemsByTag.set(t, (list = []));
      list.push(p);
    }
  }

  /** Text between the end of a tag's known structure and its `}}` that is not blank: the tag is not Ongage's. */
  private hasJunk(tag: Tag): boolean {
    let from: number;
    if (tag.type === 'field') from = tag.fallback ? tag.fallback.end : tag.params ? tag.params.end : tag.name.end;
    else if (tag.type === 'function') from = tag.argument ? tag.argument.end + 1 : tag.name.end;
    else if (tag.type === 'else' || tag.type === 'endif') from = tag.keyword.end;
    else return false;
    const closeAt = tag.end - 2;
    return from < closeAt && this.text.slice(from, closeAt).trim() !== '';
  }

  private isBroken(tag: Tag): boolean {
    if (tag.type === 'invalid' || !tag.closed) return true;
    if (tag.type === 'function' && !tag.name.text.startsWith('ocx_')) return true;
    if (this.hasJunk(tag)) return true;
    if ((tag.type === 'if' || tag.type === 'elseif' || tag.type === 'else' || tag.type === 'endif') && tag.depth === 0) {
      const ps = this.problemsByTag.get(tag);
      if (ps && ps.some((p) => p.code === 'misspelled-keyword')) return true;
    }
    return false;
  }

  private markNested(parts: Array<LiteralPart | FieldTag | FunctionTag>): void {
    for (const p of parts) {
      if (p.type === 'literal') continue;
      if (this.isBroken(p)) this.asWritten.add(p);
      else if (p.type === 'field' && p.fallback) this.markNested(p.fallback.parts);
      else if (p.type === 'function' && p.argument) this.markNested(p.argument.parts);
    }
  }

  /** Over the whole tree without recursion (ocx_if blocks may nest to any depth). */
  private findBroken(root: Node[]): void {
    const pending: Node[][] = [root];
    for (let nodes = pending.pop(); nodes; nodes = pending.pop()) {
      for (const n of nodes) {
        if (n.type === 'text') continue;
        if (n.type === 'block') {
          const tags: Tag[] = n.branches.map((b) => b.tag);
          if (n.endTag) tags.push(n.endTag);
          const broken = !n.endTag || tags.some((t) => this.isBroken(t));
          if (broken) {
            this.brokenBlocks.add(n);
            for (const t of tags) this.asWritten.add(t);
          }
          for (const b of n.branches) pending.push(b.children);
          continue;
        }
        // A tag node. Stray ocx_elseif/ocx_else/ocx_endif (no open block) are broken too.
        if (this.isBroken(n) || n.type === 'if' || n.type === 'elseif' || n.type === 'else' || n.type === 'endif') this.asWritten.add(n);
        else if (n.type === 'field' && n.fallback) this.markNested(n.fallback.parts);
        else if (n.type === 'function' && n.argument) this.markNested(n.argument.parts);
      }
    }
  }

  private computeModes(): void {
    if (this.kind !== 'html') {
      for (const t of this.top) this.modes.set(t, 'plain');
      return;
    }
    const text = this.text;
    const tagEnd = new Map<number, number>();
    for (const t of this.top) tagEnd.set(t.start, t.end);
    const ranges: Array<{ start: number; end: number; mode: Mode }> = [];
    const els = scanHtml(text, this.parsed.tags);
    for (let i = 0; i < els.length; i++) {
      const el = els[i];
      if (el.closing) continue;
      if (el.name === 'style' || el.name === 'script') {
        let end = text.length;
        for (let j = i + 1; j < els.length; j++) {
          if (els[j].closing && els[j].name === el.name) {
            end = els[j].start;
            break;
          }
        }
        ranges.push({ start: el.end, end, mode: 'raw' });
        continue;
      }
      for (const a of el.attributes) {
        if ((a.name !== 'href' && a.name !== 'src') || a.value === undefined) continue;
        for (let p = a.valueStart; p < a.valueEnd; ) {
          const skip = tagEnd.get(p);
          if (skip !== undefined) {
            p = skip;
            continue;
          }
          if (text.charCodeAt(p) === 63) {
            ranges.push({ start: p, end: a.valueEnd, mode: 'url' });
            break;
          }
          p++;
        }
      }
    }
    ranges.sort((a, b) => a.start - b.start);
    let r = 0;
    for (const t of this.top) {
      while (r < ranges.length && ranges[r].end <= t.start) r++;
      const range = ranges[r];
      this.modes.set(t, range && range.start <= t.start && t.start < range.end ? range.mode : 'html');
    }
  }

  private problemNotes(): void {
    for (const p of this.parsed.problems) {
      const t = this.containingTop(p.start);
      let suffix = '';
      if (t && this.asWritten.has(t)) suffix = ' The preview shows it as written.';
      else if (p.code === 'condition-syntax') suffix = ' The preview takes that condition as false.';
      else if (p.code === 'lowercase-joiner') suffix = ` Ongage joins only upper-case ${joinerKind(this.text.slice(p.start, p.end))}, so the preview reads "${this.text.slice(p.start, p.end)}" as part of the value before it.`;
      else if (p.code === 'block-structure') suffix = ' The preview ignores that branch.';
      this.note(p.start, p.end, `${p.message}${suffix}`);
    }
  }

  private note(start: number, end: number, message: string): void {
    this.notes.push({ message, start, end });
  }

  // -------------------------------------------------------------- values

  private fieldDef(name: string): ListField | undefined {
    return this.fields.get(name) ?? this.fieldsLower.get(name.toLowerCase());
  }

  private lookupValue(name: string): RenderValue {
    const v = this.values;
    if (Object.prototype.hasOwnProperty.call(v, name) && v[name] !== undefined) return v[name];
    if (!this.lowerValues) {
      this.lowerValues = new Map();
      for (const k of Object.keys(v)) {
        const lower = k.toLowerCase();
        if (v[k] !== undefined && !this.lowerValues.has(lower)) this.lowerValues.set(lower, v[k]);
      }
    }
    return this.lowerValues.get(name.toLowerCase());
  }

  /** The value a recipient's tag sees: the sample's, a derived system value, or the list default when missing. */
  private valueOf(name: string): Raw {
    const given = this.lookupValue(name);
    if (given !== undefined) return given;
    const lower = name.toLowerCase();
    if (lower.startsWith('ocx_')) {
      switch (lower) {
        case 'ocx_now':
          return (this.now ??= this.options.now instanceof Date && !Number.isNaN(this.options.now.getTime()) ? this.options.now : new Date());
        case 'ocx_custom_hash':
          return this.state.customHash;
        case 'ocx_unsubscribe_link_encoded': {
          const link = this.lookupValue('ocx_unsubscribe_link');
          return isEmpty(link) ? undefined : rawUrlEncode(stringify(link));
        }
        case 'ocx_email_hash': {
          const email = this.lookupValue('email');
          return isEmpty(email) ? undefined : createHash('md5').update(stringify(email).trim().toLowerCase()).digest('hex');
        }
      }
      const derived = this.derived[name] ?? this.derived[lower];
      if (derived !== undefined) return derived;
      return undefined;
    }
    const def = this.fieldDef(name);
    if (def && def.default !== null && def.default !== undefined && String(def.default).trim() !== '') return def.default;
    return undefined;
  }

  private isDateField(name: string): boolean {
    const def = this.fieldDef(name);
    return def ? def.type === 'date' : name.toLowerCase().startsWith('ocx_') && isSystemDate(name.toLowerCase());
  }

  private listFormat(name: string): string | null {
    const def = this.fieldDef(name);
    return def && def.type === 'date' && typeof def.format === 'string' ? def.format : null;
  }

  private toDate(name: string, v: Raw): Date | null {
    if (v instanceof Date) return v;
    // A number in a list field that is not a date (points, vip) is not Unix time.
    const def = this.fieldDef(name);
    if (def && def.type !== 'date' && (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+\s*$/.test(v)))) return null;
    if (typeof v === 'number') return parseDateValue(v);
    if (typeof v !== 'string') return null;
    return parseDateValue(v, this.listFormat(name));
  }

  // -------------------------------------------------------------- output

  private write(value: string, mode: Mode, name?: string): string {
    switch (mode) {
      case 'html':
        return escapeHtml(value);
      case 'url':
        return name && RAW_URL_FIELDS.has(name.toLowerCase()) ? escapeHtml(value) : rawUrlEncode(value);
      case 'raw':
        return value.replace(/<\//g, '<\\/');
      default:
        return value;
    }
  }

  /**
   * The nodes in order, without recursion (ocx_if blocks may nest to any depth): a block's chosen branch (or,
   * for a broken block, its tags as written around every branch) is expanded in place.
   */
  private renderNodes(root: Node[]): void {
    type Item = Node | { type: 'raw'; start: number; end: number };
    const pending: Array<{ items: readonly Item[]; i: number }> = [{ items: root, i: 0 }];
    while (pending.length) {
      const top = pending[pending.length - 1];
      if (top.i >= top.items.length) {
        pending.pop();
        continue;
      }
      const n = top.items[top.i++];
      if (n.type === 'text' || n.type === 'raw') this.out += this.text.slice(n.start, n.end);
      else if (n.type === 'block') {
        const next = this.blockItems(n);
        if (next.length) pending.push({ items: next, i: 0 });
      } else this.out += this.renderTag(n, this.modes.get(n) ?? 'html');
    }
  }

  /** What a block renders to: the chosen branch's children, or a broken block's tags and all its branches. */
  private blockItems(block: IfBlock): ReadonlyArray<Node | { type: 'raw'; start: number; end: number }> {
    if (this.brokenBlocks.has(block)) {
      const items: Array<Node | { type: 'raw'; start: number; end: number }> = [];
      for (const b of block.branches) {
        items.push({ type: 'raw', start: b.tag.start, end: b.tag.end });
        for (const c of b.children) items.push(c);
      }
      if (block.endTag) items.push({ type: 'raw', start: block.endTag.start, end: block.endTag.end });
      return items;
    }
    for (const b of block.branches) {
      if (b.tag.type === 'else' || ((b.tag.type === 'if' || b.tag.type === 'elseif') && this.condition(b.tag))) return b.children;
    }
    return [];
  }

  private renderTag(tag: Tag, mode: Mode): string {
    if (this.asWritten.has(tag)) return this.text.slice(tag.start, tag.end);
    if (tag.type === 'field') return this.renderField(tag, mode);
    if (tag.type === 'function') return this.renderFunction(tag);
    return this.text.slice(tag.start, tag.end);
  }

  private renderParts(parts: Array<LiteralPart | FieldTag | FunctionTag>, mode: Mode, from = -Infinity, to = Infinity): string {
    let s = '';
    for (const p of parts) {
      if (p.type === 'literal') {
        const a = Math.max(from, p.start);
        const b = Math.min(to, p.end);
        if (b > a) s += this.text.slice(a, b);
      } else if (p.start >= from && p.end <= to) {
        s += this.renderTag(p, mode);
      }
    }
    return s;
  }

  private renderField(tag: FieldTag, mode: Mode): string {
    const name = tag.name.text;
    const value = this.valueOf(name);
    if (isEmpty(value)) {
      if (tag.fallback) return this.renderParts(tag.fallback.parts, mode);
      this.note(
        tag.start,
        tag.end,
        name === 'ocx_custom_hash'
          ? 'ocx_custom_hash is empty: no {{ocx_generate_hash{…}}} comes before it, so recipients see nothing here.'
          : name.toLowerCase().startsWith('ocx_')
            ? `${name} has no value in the sample: the preview shows nothing here (Ongage fills in its own value when sending).`
            : `${name} has no value in the sample and no fallback: recipients see nothing here.`,
      );
      return '';
    }
    let text = stringify(value);
    let format: string | undefined;
    for (const p of tag.params?.params ?? []) {
      const key = p.key.text.trim().toLowerCase();
      if (key === 'format' || key === '') format = p.value?.text ?? '';
      else this.note(p.start, p.end, `[${this.text.slice(p.start, p.end)}] is not a parameter the preview knows (only format=…); it is ignored.`);
    }
    if (format !== undefined) {
      const d = this.toDate(name, value);
      if (d) text = formatPhpDate(d, format);
      else {
        const fmt = this.listFormat(name);
        this.note(tag.start, tag.end, `${name}'s value "${text}" is not a date the preview can read (${fmt ? `${fmt}, ` : ''}yyyy-mm-dd or Unix seconds): it is shown as it is, unformatted.`);
      }
    }
    return this.write(text, mode, name);
  }

  private renderFunction(tag: FunctionTag): string {
    const name = tag.name.text;
    const arg = tag.argument;
    switch (name.toLowerCase()) {
      case 'ocx_url_encode':
        return arg ? rawUrlEncode(this.renderParts(arg.parts, 'plain')) : '';
      case 'ocx_generate_hash':
        this.generateHash(tag, arg);
        return '';
      case 'ocx_feed_html':
      case 'ocx_feed':
        this.note(tag.start, tag.end, `${name}: Ongage fetches the feed when sending; the preview leaves it out.`);
        return '';
      default:
        this.note(tag.start, tag.end, `${name}{…} is not a function the preview knows: it shows nothing here.`);
        return '';
    }
  }

  private generateHash(tag: FunctionTag, arg: Argument | undefined): void {
    if (!arg) return;
    let algo = 'md5';
    let data: string;
    if (arg.params.length) {
      const get = (k: string) => arg.params.find((p) => p.key.text.trim().toLowerCase() === k);
      const a = get('algo');
      if (a?.value) algo = a.value.text.trim().toLowerCase();
      const d = get('data');
      data = d?.value ? this.renderParts(arg.parts, 'plain', d.value.start, d.value.end) : '';
    } else {
      data = this.renderParts(arg.parts, 'plain');
    }
    try {
      this.state.customHash = createHash(algo).update(data).digest('hex');
    } catch {
      this.state.customHash = '';
      this.note(tag.start, tag.end, `"${algo}" is not a hash algorithm the preview knows (md5, sha1, sha256, sha512): {{ocx_custom_hash}} stays empty.`);
    }
  }

  // -------------------------------------------------------------- conditions

  private condition(tag: ConditionTag): boolean {
    const c = tag.condition;
    if (!c || c.clauses.length === 0) return false;
    // Ongage joins clauses only with upper-case AND / OR (ongage-language.md §5, "must be upper case"): a lower-case
    // or symbolic joiner (and, or, &&, ||) is read as part of the value before it, as Ongage would read it.
    const groups: Array<{ clause: Clause; valueEnd?: number }> = [];
    const kinds: Array<'AND' | 'OR'> = [];
    c.clauses.forEach((cl, i) => {
      const j = i > 0 ? c.joiners[i - 1] : undefined;
      if (j && !j.valid) {
        groups[groups.length - 1].valueEnd = cl.end;
        return;
      }
      if (j) kinds.push(j.text === 'AND' ? 'AND' : 'OR');
      groups.push({ clause: cl });
    });
    if (kinds.includes('AND') && kinds.includes('OR')) {
      this.note(c.start, c.end, "This condition mixes AND and OR; Ongage's help does not say which comes first. The preview reads AND first: a AND b OR c means (a AND b) OR c.");
    }
    // OR of AND-groups: AND binds tighter.
    let group = this.clause(groups[0].clause, groups[0].valueEnd);
    for (let i = 1; i < groups.length; i++) {
      if (kinds[i - 1] === 'OR') {
        if (group) return true;
        group = this.clause(groups[i].clause, groups[i].valueEnd);
      } else if (group) {
        group = this.clause(groups[i].clause, groups[i].valueEnd);
      }
    }
    return group;
  }

  private conditionValue(written: string): string {
    let v = written.trim();
    if (this.kind === 'html') v = decodeBasicEntities(v);
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1);
    return v.trim();
  }

  /** One clause; `valueEnd` extends its value over text a lower-case joiner did not split off. */
  private clause(cl: Clause, valueEnd?: number): boolean {
    const op = cl.operator;
    if (!cl.field || !op || !op.name) return false;
    const name = cl.field.text;
    const value = this.valueOf(name);
    const written = valueEnd === undefined ? cl.value?.text : this.text.slice(cl.value ? cl.value.start : op.end, valueEnd);
    let result: boolean;
    if (op.name === 'is empty' || op.name === 'is null') {
      // With text after it ("x is empty y") the condition is not Ongage's: false, as the parser's problem says.
      if (written !== undefined && written.trim() !== '') return false;
      result = isEmpty(value);
    } else if (written === undefined || written.trim() === '') {
      return false;
    } else if (isEmpty(value)) {
      result = false;
    } else {
      const left = stringify(value).trim();
      const right = this.conditionValue(written);
      let cmp: number | undefined;
      if (op.name === '=' || op.name === '>' || op.name === '<' || op.name === '>=' || op.name === '<=') {
        if (this.isDateField(name)) {
          const a = this.toDate(name, value);
          const b = parseDateValue(right, this.listFormat(name));
          if (a && b) cmp = a.getTime() - b.getTime();
        }
        if (cmp === undefined && NUMBER.test(left) && NUMBER.test(right)) cmp = Number(left) - Number(right);
        if (cmp === undefined) {
          const l = left.toLowerCase();
          const r = right.toLowerCase();
          cmp = l < r ? -1 : l > r ? 1 : 0;
        }
      }
      const l = left.toLowerCase();
      const r = right.toLowerCase();
      switch (op.name) {
        case '=': result = cmp === 0; break;
        case '>': result = cmp! > 0; break;
        case '<': result = cmp! < 0; break;
        case '>=': result = cmp! >= 0; break;
        case '<=': result = cmp! <= 0; break;
        case 'contains': result = l.includes(r); break;
        case 'begins_with': result = l.startsWith(r); break;
        case 'ends_with': result = l.endsWith(r); break;
        default: result = false;
      }
    }
    return op.negated ? !result : result;
  }
}
