/**
 * A small, self-contained resolver for Ongage's personalization language, used by the sandbox to produce the
 * subject and HTML each recipient would receive. It covers what a delivered message needs:
 *   {{field}}, {{field:fallback}}, nested fallbacks {{a:{{b:text}}}}, {{date_field[format=d/m/Y]}},
 *   {{ocx_if …}} / {{ocx_elseif …}} / {{ocx_else}} / {{ocx_endif}} (nestable) with = != > < >= <= contains
 *   begins_with ends_with (any of them negated with a leading !), is empty, is null, joined by upper-case AND / OR,
 *   ocx_ system fields, and the functions ocx_url_encode{…}, ocx_generate_hash{…} / ocx_custom_hash.
 * Values placed in the query string of an href/src attribute are URL-encoded, as Ongage does.
 * Anything it cannot read is left as text; it never throws.
 */
import { createHash } from 'crypto';

export interface FieldDef {
  name: string;
  type: string;
  format: string | null;
}

export interface ResolveContext {
  /** Contact fields overlaid with dynamic fields (per-recipient ones last). */
  values: Record<string, unknown>;
  /** ocx_ system values for this recipient and message. */
  system: Record<string, unknown>;
  /** The list's field definitions, by name, so dates can be read and formatted. */
  fields?: Map<string, FieldDef>;
  /** False for a test send to an address that is not a contact of the list: fallbacks then do not apply. */
  applyFallbacks?: boolean;
}

type Node =
  | { t: 'text'; v: string }
  | { t: 'field'; name: string; format: string | null; fallback: Node[] | null; encode: boolean }
  | { t: 'func'; name: string; arg: string; encode: boolean }
  | { t: 'if'; branches: { cond: string | null; body: Node[] }[] };

interface Token {
  kind: 'text' | 'tag';
  v: string;
  start: number;
}

/** Index just past the `}}` closing the tag that opens at `i` (s[i..i+1] === '{{'), or -1 when unclosed. */
function tagEnd(s: string, i: number): number {
  let j = i + 2;
  let braces = 0;
  while (j < s.length) {
    if (s.startsWith('\\{{', j)) {
      const e = tagEnd(s, j + 1);
      if (e < 0) return -1;
      j = e;
    } else if (s.startsWith('{{', j)) {
      const e = tagEnd(s, j);
      if (e < 0) return -1;
      j = e;
    } else if (s[j] === '{') {
      braces++;
      j++;
    } else if (s[j] === '}') {
      if (braces > 0) {
        braces--;
        j++;
      } else if (s[j + 1] === '}') {
        return j + 2;
      } else {
        j++;
      }
    } else {
      j++;
    }
  }
  return -1;
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let textStart = 0;
  while (i < s.length) {
    const k = s.indexOf('{{', i);
    if (k < 0) break;
    const e = tagEnd(s, k);
    if (e < 0) {
      i = k + 2;
      continue;
    }
    if (k > textStart) out.push({ kind: 'text', v: s.slice(textStart, k), start: textStart });
    out.push({ kind: 'tag', v: s.slice(k + 2, e - 2), start: k });
    i = e;
    textStart = e;
  }
  if (textStart < s.length) out.push({ kind: 'text', v: s.slice(textStart), start: textStart });
  return out;
}

/** Ranges [from, to) of the query strings of href/src attribute values, where values get URL-encoded. */
function urlRanges(s: string): [number, number][] {
  const ranges: [number, number][] = [];
  const re = /\b(?:href|src)\s*=\s*(["'])/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const valueStart = m.index + m[0].length;
    let j = valueStart;
    // Skip over whole tags so a quote inside a tag does not end the value.
    while (j < s.length && s[j] !== m[1]) {
      if (s.startsWith('{{', j)) {
        const e = tagEnd(s, j);
        j = e < 0 ? j + 2 : e;
      } else j++;
    }
    const q = s.indexOf('?', valueStart);
    if (q >= 0 && q < j) ranges.push([q, j]);
    re.lastIndex = j;
  }
  return ranges;
}

const FIELD_RE = /^([A-Za-z_][\w-]*)\s*(?:\[\s*format\s*=\s*([^\]]*)\])?\s*(?::([\s\S]*))?$/;
const FUNC_RE = /^([A-Za-z_][\w-]*)\{([\s\S]*)\}$/;

function parse(s: string, inUrl: (pos: number) => boolean, offset = 0): Node[] {
  const root: Node[] = [];
  const stack: { node: Extract<Node, { t: 'if' }>; parent: Node[] }[] = [];
  let target = root;
  const current = (): Node[] => target;
  for (const tok of tokenize(s)) {
    if (tok.kind === 'text') {
      current().push({ t: 'text', v: tok.v });
      continue;
    }
    const inner = tok.v.trim();
    const encode = inUrl(offset + tok.start);
    let m: RegExpMatchArray | null;
    if ((m = inner.match(/^ocx_if\s+([\s\S]+)$/))) {
      const node: Extract<Node, { t: 'if' }> = { t: 'if', branches: [{ cond: m[1].trim(), body: [] }] };
      current().push(node);
      stack.push({ node, parent: target });
      target = node.branches[0].body;
    } else if ((m = inner.match(/^ocx_elseif\s+([\s\S]+)$/)) && stack.length) {
      const top = stack[stack.length - 1].node;
      top.branches.push({ cond: m[1].trim(), body: [] });
      target = top.branches[top.branches.length - 1].body;
    } else if (inner === 'ocx_else' && stack.length) {
      const top = stack[stack.length - 1].node;
      top.branches.push({ cond: null, body: [] });
      target = top.branches[top.branches.length - 1].body;
    } else if (inner === 'ocx_endif' && stack.length) {
      target = stack.pop()!.parent;
    } else if (/^ocx_(?:endif|else|elseif)\b/.test(inner)) {
      // A closer or branch with no open ocx_if: shown as written, so the mistake is visible.
      current().push({ t: 'text', v: `{{${tok.v}}}` });
    } else if ((m = inner.match(FUNC_RE))) {
      current().push({ t: 'func', name: m[1], arg: m[2], encode });
    } else if ((m = inner.match(FIELD_RE))) {
      const fallback = m[3] !== undefined ? parse(m[3], () => encode) : null;
      current().push({ t: 'field', name: m[1], format: m[2] !== undefined ? m[2].trim() : null, fallback, encode });
    } else {
      current().push({ t: 'text', v: `{{${tok.v}}}` });
    }
  }
  return root;
}

// ---------- values, dates, conditions ----------

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function lookup(name: string, ctx: ResolveContext): unknown {
  const pools = name.startsWith('ocx_') ? [ctx.system, ctx.values] : [ctx.values, ctx.system];
  for (const pool of pools) {
    if (Object.prototype.hasOwnProperty.call(pool, name)) return pool[name];
  }
  const lower = name.toLowerCase();
  for (const pool of pools) {
    for (const k of Object.keys(pool)) if (k.toLowerCase() === lower) return pool[k];
  }
  return undefined;
}

/** Reads a date written in a list field's format (dd/mm/yyyy, yyyy-mm-dd hh24:mi …) or as Unix seconds. */
export function parseDate(value: unknown, fieldFormat: string | null): Date | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  if (!s) return null;
  if (/^\d{9,11}$/.test(s)) return new Date(Number(s) * 1000);
  if (fieldFormat) {
    const order = fieldFormat.toLowerCase().match(/yyyy|dd|mm|hh24|mi|ss/g) ?? [];
    const nums = s.match(/\d+/g) ?? [];
    if (nums.length >= 3 && order.length >= 3) {
      const part: Record<string, number> = {};
      order.forEach((k, idx) => {
        if (nums[idx] !== undefined) part[k] = Number(nums[idx]);
      });
      if (part.yyyy && part.mm && part.dd) {
        return new Date(Date.UTC(part.yyyy, part.mm - 1, part.dd, part.hh24 ?? 0, part.mi ?? 0, part.ss ?? 0));
      }
    }
  }
  const iso = s.match(/^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/);
  if (iso) {
    return new Date(Date.UTC(+iso[1], +iso[2] - 1, +iso[3], +(iso[4] ?? 0), +(iso[5] ?? 0), +(iso[6] ?? 0)));
  }
  return null;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** PHP date() formatting (UTC) for the common tokens; a backslash escapes the next character. */
export function formatPhpDate(d: Date, fmt: string): string {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === '\\' && i + 1 < fmt.length) {
      out += fmt[++i];
      continue;
    }
    const day = d.getUTCDate();
    const wd = d.getUTCDay();
    const mon = d.getUTCMonth();
    const year = d.getUTCFullYear();
    const h = d.getUTCHours();
    switch (c) {
      case 'd': out += pad(day); break;
      case 'D': out += DAYS[wd].slice(0, 3); break;
      case 'j': out += String(day); break;
      case 'l': out += DAYS[wd]; break;
      case 'N': out += String(wd === 0 ? 7 : wd); break;
      case 'w': out += String(wd); break;
      case 'S': out += day % 10 === 1 && day !== 11 ? 'st' : day % 10 === 2 && day !== 12 ? 'nd' : day % 10 === 3 && day !== 13 ? 'rd' : 'th'; break;
      case 'z': out += String(Math.floor((Date.UTC(year, mon, day) - Date.UTC(year, 0, 1)) / 86400000)); break;
      case 'F': out += MONTHS[mon]; break;
      case 'M': out += MONTHS[mon].slice(0, 3); break;
      case 'm': out += pad(mon + 1); break;
      case 'n': out += String(mon + 1); break;
      case 't': out += String(new Date(Date.UTC(year, mon + 1, 0)).getUTCDate()); break;
      case 'L': out += (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? '1' : '0'; break;
      case 'Y': out += String(year); break;
      case 'y': out += pad(year % 100); break;
      case 'a': out += h < 12 ? 'am' : 'pm'; break;
      case 'A': out += h < 12 ? 'AM' : 'PM'; break;
      case 'g': out += String(h % 12 === 0 ? 12 : h % 12); break;
      case 'G': out += String(h); break;
      case 'h': out += pad(h % 12 === 0 ? 12 : h % 12); break;
      case 'H': out += pad(h); break;
      case 'i': out += pad(d.getUTCMinutes()); break;
      case 's': out += pad(d.getUTCSeconds()); break;
      case 'U': out += String(Math.floor(d.getTime() / 1000)); break;
      default: out += c;
    }
  }
  return out;
}

const NUM_RE = /^-?\d+(?:\.\d+)?$/;
const CLAUSE_RE = /^([A-Za-z_][\w-]*)\s*(!?)\s*(>=|<=|=|>|<|(?:contains|begins_with|ends_with|is\s+empty|is\s+null)(?![\w]))\s*([\s\S]*)$/;

function fieldFormatOf(name: string, ctx: ResolveContext): string | null | undefined {
  const def = ctx.fields?.get(name);
  if (def && def.type === 'date') return def.format;
  if (/^ocx_.*_date$/.test(name)) return null;
  return undefined;
}

function evalClause(clause: string, ctx: ResolveContext): boolean {
  const m = clause.trim().match(CLAUSE_RE);
  if (!m) return false;
  const [, name, bang, rawOp, rawValue] = m;
  const op = rawOp.replace(/\s+/g, ' ');
  const v = lookup(name, ctx);
  const target = rawValue.trim();
  let result: boolean;
  if (op === 'is empty') result = isEmpty(v);
  else if (op === 'is null') result = v === undefined || v === null;
  else {
    const sv = v === undefined || v === null ? '' : String(v).trim();
    let cmp: number | null = null;
    const fmt = fieldFormatOf(name, ctx);
    if (fmt !== undefined) {
      const a = parseDate(sv, fmt);
      const b = parseDate(target, fmt);
      if (a && b) cmp = a.getTime() - b.getTime();
    }
    if (cmp === null && NUM_RE.test(sv) && NUM_RE.test(target)) cmp = Number(sv) - Number(target);
    const ls = sv.toLowerCase();
    const lt = target.toLowerCase();
    if (cmp === null) cmp = ls < lt ? -1 : ls > lt ? 1 : 0;
    switch (op) {
      case '=': result = cmp === 0; break;
      case '>': result = cmp > 0; break;
      case '<': result = cmp < 0; break;
      case '>=': result = cmp >= 0; break;
      case '<=': result = cmp <= 0; break;
      case 'contains': result = ls.includes(lt); break;
      case 'begins_with': result = ls.startsWith(lt); break;
      case 'ends_with': result = ls.endsWith(lt); break;
      default: result = false;
    }
  }
  return bang ? !result : result;
}

/** A condition: clauses joined by upper-case AND / OR; AND binds tighter than OR. */
export function evaluateCondition(cond: string, ctx: ResolveContext): boolean {
  return cond.split(/\s+OR\s+/).some((part) => part.split(/\s+AND\s+/).every((c) => evalClause(c, ctx)));
}

// ---------- rendering ----------

interface RenderState {
  customHash: string;
}

function stringify(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function renderField(n: Extract<Node, { t: 'field' }>, ctx: ResolveContext, st: RenderState): string {
  if (n.name === 'ocx_custom_hash') return st.customHash;
  const v = lookup(n.name, ctx);
  if (isEmpty(v)) {
    if (n.fallback && ctx.applyFallbacks !== false) return render(n.fallback, ctx, st);
    return '';
  }
  let s = stringify(v);
  if (n.format) {
    const fmt = fieldFormatOf(n.name, ctx);
    const d = parseDate(s, fmt ?? null);
    if (d) s = formatPhpDate(d, n.format);
  }
  const raw = n.name === 'ocx_unsubscribe_link' || n.name === 'ocx_unsubscribe_link_encoded';
  return n.encode && !raw ? encodeURIComponent(s) : s;
}

function funcArgs(arg: string): Record<string, string> {
  const out: Record<string, string> = {};
  // Split on commas that are not inside a nested tag.
  let depth = 0;
  let cur = '';
  const parts: string[] = [];
  for (let i = 0; i < arg.length; i++) {
    if (arg.startsWith('{{', i)) depth++;
    if (arg.startsWith('}}', i) && depth > 0) depth--;
    if (arg[i] === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += arg[i];
  }
  parts.push(cur);
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq > 0) out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

function renderFunc(n: Extract<Node, { t: 'func' }>, ctx: ResolveContext, st: RenderState): string {
  const sub = (text: string): string => render(parse(text.replace(/\\\{\{/g, '{{'), () => false), ctx, st);
  switch (n.name) {
    case 'ocx_url_encode':
      return encodeURIComponent(sub(n.arg));
    case 'ocx_generate_hash': {
      const a = funcArgs(n.arg);
      const algo = (a.algo || 'md5').toLowerCase();
      const data = sub(a.data ?? '');
      try {
        st.customHash = createHash(algo).update(data).digest('hex');
      } catch {
        st.customHash = createHash('md5').update(data).digest('hex');
      }
      return '';
    }
    default:
      // Feeds (ocx_feed_html, ocx_feed) need network access the sandbox does not have; unknown functions
      // render nothing, as an unknown field does.
      return '';
  }
}

function render(nodes: Node[], ctx: ResolveContext, st: RenderState): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.v;
    else if (n.t === 'field') out += renderField(n, ctx, st);
    else if (n.t === 'func') out += renderFunc(n, ctx, st);
    else {
      const branch = n.branches.find((b) => b.cond === null || evaluateCondition(b.cond, ctx));
      if (branch) out += render(branch.body, ctx, st);
    }
  }
  return out;
}

/** Resolves every tag in `template` for one recipient. */
export function personalize(template: string, ctx: ResolveContext): string {
  if (!template || !template.includes('{{')) return template ?? '';
  const ranges = urlRanges(template);
  const inUrl = (pos: number): boolean => ranges.some(([a, b]) => pos >= a && pos < b);
  return render(parse(template, inUrl), ctx, { customHash: '' });
}

/** Hex MD5 of the lower-cased address, the sandbox's value for {{ocx_email_hash}}. */
export function emailHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}
