/**
 * Completion, editor-free: what to offer at an offset, with the exact text range each item replaces. Items
 * insert the closing braces only when they are missing. The extension maps these to vscode.CompletionItems.
 */
import type { DocumentKind } from './ast';
import { DATE_FORMAT_PRESETS, DATE_TOKENS, FUNCTIONS, KEYWORDS, OPERATORS, SYSTEM_FIELDS, isSystemDate } from './catalog';
import type { ListField, SampleProfile } from './fields';
import { parse, type ParseResult } from './parser';

export type CompletionKind = 'field' | 'dynamic' | 'sample' | 'system' | 'function' | 'keyword' | 'snippet' | 'operator' | 'joiner' | 'format' | 'format-token' | 'value';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Inserted in place of [start, end); VS Code snippet syntax when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  start: number;
  end: number;
  sortText: string;
  filterText?: string;
}

/** Where in the language the cursor is. */
export type CompletionPlace = 'name' | 'fallback' | 'params' | 'format' | 'condition-field' | 'condition-operator' | 'condition-value';

export interface CompletionResult {
  place: CompletionPlace;
  items: CompletionEntry[];
}

export interface CompletionContext {
  kind: DocumentKind;
  fields?: readonly ListField[];
  dynamicFields?: readonly string[];
  sample?: SampleProfile;
  parsed?: ParseResult;
}

const NAME_CHAR = /[A-Za-z0-9_.-]/;

/** Characters that should open the completion list (the extension registers them as trigger characters). */
export const TRIGGER_CHARACTERS = ['{', ':', '[', '=', ' '];

export function complete(text: string, offset: number, ctx: CompletionContext): CompletionResult | undefined {
  const open = innermostOpenTag(text, offset);
  if (open === -1) return undefined;
  const seg = text.slice(open + 2, offset);
  const after = text.slice(offset, Math.min(text.length, offset + 200));
  let nameEnd = offset;
  while (nameEnd < text.length && NAME_CHAR.test(text[nameEnd])) nameEnd++;
  const b = new Builder(text, ctx);

  let m = /^\s*([A-Za-z0-9_.-]*)$/.exec(seg);
  if (m) {
    const start = offset - m[1].length;
    const rest = text.slice(nameEnd, nameEnd + 200);
    const closed = /^\s*(\}\}|:|\[|\{)/.test(rest);
    b.names(start, nameEnd, closed ? '' : '}}', open);
    return { place: 'name', items: b.items };
  }
  m = /^\s*(ocx_(?:else)?if)\s+(.*)$/.exec(seg);
  if (m) return b.condition(m[2], offset);
  m = /^\s*([A-Za-z0-9_.-]+)\[([^\]]*)$/.exec(seg);
  if (m) return b.params(m[1], m[2], offset, after);
  m = /^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?:([^{}]*)$/.exec(seg);
  if (m) return b.fallback(m[1], m[2], offset, after);
  return undefined;
}

/** Offset of the innermost `{{` on the cursor's line that is still open at the cursor, or -1. */
export function innermostOpenTag(text: string, offset: number): number {
  let lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (lineStart < 0) lineStart = 0;
  const stack: number[] = [];
  for (let i = lineStart; i < offset - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 && text.charCodeAt(i + 1) === 123) {
      stack.push(i);
      i++;
    } else if (c === 125 && text.charCodeAt(i + 1) === 125 && stack.length) {
      stack.pop();
      i++;
    }
  }
  return stack.length ? stack[stack.length - 1] : -1;
}

function fieldDetail(f: ListField): string {
  const parts = [f.type];
  if (f.title) parts.push(f.title);
  if (f.default !== null && f.default !== undefined && f.default !== '') parts.push(`default ${f.default}`);
  return parts.join(' · ');
}

function fieldDoc(f: ListField, sample?: SampleProfile): string {
  const lines = [`**${f.name}**${f.title ? ` — ${f.title}` : ''}`, '', `List field · ${f.type}${f.type === 'date' && f.format ? ` (${f.format})` : ''}`];
  if (f.default !== null && f.default !== undefined && f.default !== '') lines.push('', `List default: \`${f.default}\``);
  const v = sample?.values[f.name];
  if (v !== undefined && v !== null) lines.push('', `Sample (${sample!.label}): \`${String(v)}\``);
  return lines.join('\n');
}

class Builder {
  readonly items: CompletionEntry[] = [];
  private readonly parsed: () => ParseResult;

  constructor(
    private readonly text: string,
    private readonly ctx: CompletionContext,
  ) {
    let cache = ctx.parsed && ctx.parsed.text === text ? ctx.parsed : undefined;
    this.parsed = () => (cache ??= parse(text, { kind: ctx.kind }));
  }

  private add(e: Omit<CompletionEntry, 'snippet'> & { snippet?: boolean }): void {
    this.items.push({ snippet: false, ...e });
  }

  private subject(): boolean {
    return this.ctx.kind === 'subject';
  }

  /** Every name the document may use, with the text to insert after it. */
  names(start: number, end: number, close: string, open: number): void {
    const { fields = [], dynamicFields = [], sample } = this.ctx;
    const seen = new Set<string>();
    for (const f of fields) {
      seen.add(f.name);
      this.add({ label: f.name, kind: 'field', detail: fieldDetail(f), documentation: fieldDoc(f, sample), insertText: f.name + close, start, end, sortText: `0${f.name}` });
    }
    for (const d of dynamicFields) {
      if (seen.has(d)) continue;
      seen.add(d);
      this.add({ label: d, kind: 'dynamic', detail: 'dynamic field', documentation: `**${d}**\n\nTransactional dynamic field (a key of \`message_dynamic_fields\`).`, insertText: d + close, start, end, sortText: `2${d}` });
    }
    for (const key of Object.keys(sample?.values ?? {})) {
      if (seen.has(key) || key.startsWith('ocx_')) continue;
      seen.add(key);
      this.add({ label: key, kind: 'sample', detail: `sample data: ${String(sample!.values[key])}`, insertText: key + close, start, end, sortText: `2${key}` });
    }
    for (const s of SYSTEM_FIELDS) {
      this.add({ label: s.name, kind: 'system', detail: `system · ${s.detail}`, documentation: `**${s.name}**\n\n${s.doc}`, insertText: s.name + close, start, end, sortText: `3${s.name}` });
    }
    for (const f of FUNCTIONS) {
      this.add({ label: f.name, kind: 'function', detail: `function · ${f.detail}`, documentation: `**${f.name}**\n\n${f.doc}`, insertText: f.snippet + close, snippet: true, start, end, sortText: `4${f.name}` });
    }
    if (innermostOpenTag(this.text, open) !== -1) return;
    // Conditions: snippets replace any "}}" already typed after the cursor, and always write their own.
    let snippetEnd = end;
    const m = /^\s*\}\}/.exec(this.text.slice(end, end + 50));
    if (m) snippetEnd = end + m[0].length;
    const sp = this.subject() ? '' : ' ';
    const cond = `\${1:field}${sp}\${2|=,!=,>,<,>=,<=,contains,begins_with,ends_with|}${sp}\${3:value}`;
    const ifDoc = `**ocx_if**\n\n${KEYWORDS[0].doc}`;
    this.add({ label: 'ocx_if', kind: 'snippet', detail: 'ocx_if … ocx_endif', documentation: ifDoc, insertText: `ocx_if ${cond}}}\$0{{ocx_endif}}`, snippet: true, start, end: snippetEnd, sortText: '1ocx_if' });
    this.add({ label: 'ocx_if … ocx_else', kind: 'snippet', detail: 'ocx_if … ocx_else … ocx_endif', documentation: ifDoc, filterText: 'ocx_if_else', insertText: `ocx_if ${cond}}}\${4}{{ocx_else}}\${5}{{ocx_endif}}`, snippet: true, start, end: snippetEnd, sortText: '1ocx_if1' });
    this.add({ label: 'ocx_if … ocx_elseif … ocx_else', kind: 'snippet', detail: 'ocx_if … ocx_elseif … ocx_else … ocx_endif', documentation: ifDoc, filterText: 'ocx_if_elseif', insertText: `ocx_if ${cond}}}\${4}{{ocx_elseif \${5:field}${sp}=${sp}\${6:value}}}\${7}{{ocx_else}}\${8}{{ocx_endif}}`, snippet: true, start, end: snippetEnd, sortText: '1ocx_if2' });
    if (this.insideBlock(open)) {
      this.add({ label: 'ocx_elseif', kind: 'keyword', detail: KEYWORDS[1].detail, documentation: `**ocx_elseif**\n\n${KEYWORDS[1].doc}`, insertText: `ocx_elseif \${1:field}${sp}=${sp}\${2:value}}}`, snippet: true, start, end: snippetEnd, sortText: '1ocx_elseif' });
      this.add({ label: 'ocx_else', kind: 'keyword', detail: KEYWORDS[2].detail, documentation: `**ocx_else**\n\n${KEYWORDS[2].doc}`, insertText: 'ocx_else}}', start, end: snippetEnd, sortText: '1ocx_else' });
      this.add({ label: 'ocx_endif', kind: 'keyword', detail: KEYWORDS[3].detail, documentation: `**ocx_endif**\n\n${KEYWORDS[3].doc}`, insertText: 'ocx_endif}}', start, end: snippetEnd, sortText: '1ocx_endif' });
    }
  }

  private insideBlock(offset: number): boolean {
    return this.parsed().blocks.some((b) => b.start < offset && (!b.endTag || b.endTag.start >= offset));
  }

  private fieldInfo(name: string): ListField | undefined {
    return this.ctx.fields?.find((f) => f.name === name);
  }

  condition(cond: string, offset: number): CompletionResult {
    const parts = cond.split(/\s(?:AND|OR)\s/);
    const clause = parts[parts.length - 1].replace(/^\s+/, '');
    const sp = this.subject() ? '' : ' ';
    let m = /^([A-Za-z0-9_.-]*)$/.exec(clause);
    if (m) {
      const start = offset - m[1].length;
      let end = offset;
      while (end < this.text.length && NAME_CHAR.test(this.text[end])) end++;
      const { fields = [], dynamicFields = [], sample } = this.ctx;
      const seen = new Set<string>();
      for (const f of fields) {
        seen.add(f.name);
        this.add({ label: f.name, kind: 'field', detail: fieldDetail(f), documentation: fieldDoc(f, sample), insertText: f.name + sp, start, end, sortText: `0${f.name}` });
      }
      for (const d of dynamicFields) if (!seen.has(d)) this.add({ label: d, kind: 'dynamic', detail: 'dynamic field', insertText: d + sp, start, end, sortText: `2${d}` });
      for (const s of SYSTEM_FIELDS) this.add({ label: s.name, kind: 'system', detail: `system · ${s.detail}`, documentation: `**${s.name}**\n\n${s.doc}`, insertText: s.name + sp, start, end, sortText: `3${s.name}` });
      return { place: 'condition-field', items: this.items };
    }
    m = /^([A-Za-z0-9_.-]+)(\s*)([!=<>]*|!?[a-z_]*|!?is(?: [a-z]*)?)$/.exec(clause);
    if (m && (m[2] || /^[!=<>]/.test(m[3]))) {
      const start = offset - m[3].length;
      for (const op of OPERATORS) {
        const noValue = op.name.includes('is ');
        this.add({ label: op.name, kind: 'operator', detail: op.detail, documentation: op.doc, insertText: noValue ? op.name : op.name + sp, start, end: offset, sortText: `0${String(OPERATORS.indexOf(op)).padStart(2, '0')}` });
      }
      return { place: 'condition-operator', items: this.items };
    }
    m = /^([A-Za-z0-9_.-]+)\s*(!?(?:>=|<=|=|>|<)|!=|!?(?:contains|begins_with|ends_with))\s*(.*)$/.exec(clause);
    if (m) {
      const field = m[1];
      const value = m[3];
      const start = offset - value.length;
      if (value.trim() !== '' && /\s$/.test(value) && !this.subject()) {
        for (const j of ['AND', 'OR']) this.add({ label: j, kind: 'joiner', detail: j === 'AND' ? 'both conditions hold' : 'either condition holds', insertText: `${j} `, start: offset, end: offset, sortText: `0${j}` });
        return { place: 'condition-value', items: this.items };
      }
      const info = this.fieldInfo(field);
      const sampleValue = this.ctx.sample?.values[field];
      if (sampleValue !== undefined && sampleValue !== null && String(sampleValue) !== '') {
        this.add({ label: String(sampleValue), kind: 'value', detail: `sample value (${this.ctx.sample!.label})`, insertText: String(sampleValue), start, end: offset, sortText: '0' });
      }
      if (info?.default !== undefined && info.default !== null && info.default !== '' && String(info.default) !== String(sampleValue)) {
        this.add({ label: String(info.default), kind: 'value', detail: 'list default', insertText: String(info.default), start, end: offset, sortText: '1' });
      }
      if (info?.type === 'date' && info.format) {
        this.add({ label: info.format, kind: 'value', detail: "the field's date format: write the date this way", insertText: info.format, start, end: offset, sortText: '2' });
      }
      return { place: 'condition-value', items: this.items };
    }
    return { place: 'condition-field', items: this.items };
  }

  params(field: string, inner: string, offset: number, after: string): CompletionResult {
    const closeBracket = after.startsWith(']') ? '' : ']';
    const restAfterBracket = closeBracket ? after : after.slice(1);
    const close = /^\s*(\}\}|:)/.test(restAfterBracket) ? '' : '}}';
    const fm = /(^|,)\s*format=([^,]*)$/.exec(inner);
    const info = this.fieldInfo(field);
    const isDate = field.startsWith('ocx_') ? isSystemDate(field) : info ? info.type === 'date' : true;
    const note = isDate ? '' : ' (this field is not a date)';
    if (fm) {
      const value = fm[2];
      const start = offset - value.length;
      for (const p of DATE_FORMAT_PRESETS) {
        this.add({ label: p.format, kind: 'format', detail: `e.g. ${p.example}${note}`, insertText: p.format + closeBracket + close, start, end: offset, sortText: `1${DATE_FORMAT_PRESETS.indexOf(p)}` });
      }
      for (const t of DATE_TOKENS) {
        this.add({ label: t.name, kind: 'format-token', detail: t.detail, documentation: t.doc, insertText: t.name, start: offset, end: offset, sortText: `2${String(DATE_TOKENS.indexOf(t)).padStart(2, '0')}`, filterText: `${value}${t.name}` });
      }
      return { place: 'format', items: this.items };
    }
    const m = /([A-Za-z_]*)$/.exec(inner)!;
    const start = offset - m[1].length;
    this.add({ label: 'format=', kind: 'format', detail: `date format (PHP date() letters)${note}`, insertText: 'format=', start, end: offset, sortText: '0' });
    for (const p of DATE_FORMAT_PRESETS) {
      this.add({ label: `format=${p.format}`, kind: 'format', detail: `e.g. ${p.example}${note}`, insertText: `format=${p.format}${closeBracket}${close}`, start, end: offset, sortText: `1${DATE_FORMAT_PRESETS.indexOf(p)}` });
    }
    return { place: 'params', items: this.items };
  }

  fallback(field: string, typed: string, offset: number, after: string): CompletionResult {
    const start = offset - typed.length;
    const close = /^\s*\}\}/.test(after) ? '' : '}}';
    const info = this.fieldInfo(field);
    if (info?.default !== undefined && info.default !== null && info.default !== '') {
      this.add({ label: String(info.default), kind: 'value', detail: 'list default of this field', insertText: String(info.default) + close, start, end: offset, sortText: '0' });
    }
    for (const f of this.ctx.fields ?? []) {
      if (f.name === field) continue;
      this.add({ label: `{{${f.name}}}`, kind: 'field', detail: `use ${f.name} when ${field} is empty`, documentation: fieldDoc(f, this.ctx.sample), insertText: `{{${f.name}}}${close}`, start, end: offset, sortText: `1${f.name}`, filterText: `${typed}${f.name}` });
    }
    return { place: 'fallback', items: this.items };
  }
}
