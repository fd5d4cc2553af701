/**
 * A small, self-contained resolver for Ongage's personalization language, used by the sandbox to produce the
 * subject and HTML each recipient would receive. It covers what a delivered message needs:
 *   {{field}}, {{field:fallback}}, nested fallbacks {{a:{{b:text}}}}, {{date_field[format=d/m/Y]}},
 *   {{ocx_if …}} / {{ocx_elseif …}} / {{ocx_else}} / {{ocx_endif}} (nestable) with = != > < >= <= contains
 *   begins_with ends_with (any of them negated with a leading !), is empty, is null, joined by upper-case AND / OR,
 *   ocx_ system fields, and the functions ocx_url_encode{…}, ocx_generate_hash{…} / ocx_custom_hash.
 * Anything it cannot read is left as text; it never throws.
 *
 * It takes the project's readings where Ongage's help is silent (ARCHITECTURE.md, "Template language"), so a
 * delivered message is what the editor's preview showed (test/integration/delivery-agreement.test.ts checks it):
 * - In HTML, values are HTML-escaped (`& < > " '`); inside `<style>`/`<script>` a `</` becomes `<\/`. Values in
 *   the query string (after the `?`) of an `href`/`src` attribute are percent-encoded as PHP's rawurlencode does
 *   (RFC 3986), except `ocx_unsubscribe_link` and `ocx_unsubscribe_link_encoded`. Subjects, pre-headers and text
 *   parts get values as they are. `ocx_url_encode{…}` encodes like rawurlencode.
 * - Booleans read as 1/0. `is empty` and `is null` both mean "has no value"; an empty field satisfies no other
 *   comparison (so `!=` and `!contains` hold). A condition's value is trimmed, one pair of quotes is removed and,
 *   in HTML, basic entities are decoded. AND/OR join only in upper case (lower-case ones are part of the value).
 * - Dates are read in the field's format (four-digit year, a real day and month), else ISO or Unix time.
 * - Broken syntax comes out as written and the rest of the message as usual: a tag with no `}}` on its line, a
 *   block never closed or with a misspelled, aliased or upper-case keyword (its tags as written, every branch's
 *   content shown), a function whose name does not start with `ocx_`. `{{{` starts with a literal brace.
 */
import { createHash } from 'crypto';

export interface FieldDef {
  name: string;
  type: string;
  format: string | null;
  /** The list-level default (Fields Setup), filled in for a contact that has no value for the field. */
  default?: string | null;
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
  /** What is being personalized: an HTML body (values escaped and URL-encoded by where they sit, the default) or
   * plain text (a subject, a pre-header, a text part: values as they are). */
  kind?: 'html' | 'text';
}

/** How a tag's value is written where the tag sits. */
type Mode = 'html' | 'url' | 'raw' | 'plain';

type Node =
  | { t: 'text'; v: string }
  | { t: 'field'; name: string; format: string | null; fallback: Node[] | null; mode: Mode }
  | { t: 'func'; name: string; arg: string }
  | { t: 'if'; branches: { cond: string | null; body: Node[]; raw: string }[]; endRaw: string | null; broken: boolean };

interface Token {
  kind: 'text' | 'tag';
  v: string;
  start: number;
  /** Written `\{{…}}`: the backslash shows only if the tag comes out as written. */
  escaped?: boolean;
}

/** Index just past the `}}` closing the tag that opens at `i` (s[i..i+1] === '{{'), or -1 when unclosed. */
function tagEnd(s: string, i: number): number {
  let j = i + 2;
  let braces = 0;
  // A tag nests another only in a fallback (after its colon) or a function's argument; elsewhere a `{{` before
  // the `}}` means this one is not closed.
  let fallback = false;
  while (j < s.length) {
    if (s.startsWith('\\{{', j) || s.startsWith('{{', j)) {
      if (!fallback && braces === 0) return -1;
      const e = tagEnd(s, s[j] === '\\' ? j + 1 : j);
      if (e < 0) return -1;
      j = e;
    } else if (s[j] === ':' && braces === 0) {
      fallback = true;
      j++;
    } else if (s[j] === '\n' || s[j] === '\r') {
      // A tag does not span lines: with no `}}` on its line it is not closed (and comes out as written).
      return -1;
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
    // `{{{`: the first brace is text and the tag starts at the second.
    if (s[k + 2] === '{') {
      i = k + 1;
      continue;
    }
    const e = tagEnd(s, k);
    if (e < 0) {
      i = k + 2;
      continue;
    }
    // `\{{tag}}` is the tag, written escaped (as in a function argument); the backslash does not show.
    const escaped = k > textStart && s[k - 1] === '\\';
    const textEnd = escaped ? k - 1 : k;
    if (textEnd > textStart) out.push({ kind: 'text', v: s.slice(textStart, textEnd), start: textStart });
    out.push({ kind: 'tag', v: s.slice(k + 2, e - 2), start: k, escaped });
    i = e;
    textStart = e;
  }
  if (textStart < s.length) out.push({ kind: 'text', v: s.slice(textStart), start: textStart });
  return out;
}

const KEYWORDS = ['ocx_if', 'ocx_elseif', 'ocx_else', 'ocx_endif'] as const;
type Keyword = (typeof KEYWORDS)[number];
const KEYWORD_ALIASES: Record<string, Keyword> = {
  if: 'ocx_if', elseif: 'ocx_elseif', elsif: 'ocx_elseif', elif: 'ocx_elseif', else_if: 'ocx_elseif', ocx_else_if: 'ocx_elseif',
  ocx_elsif: 'ocx_elseif', ocx_elif: 'ocx_elseif', else: 'ocx_else', endif: 'ocx_endif', end_if: 'ocx_endif', end: 'ocx_endif',
  ocx_end_if: 'ocx_endif', ocx_end: 'ocx_endif', fi: 'ocx_endif',
};

/** Edit distance with transpositions, stopping early above `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The block keyword a tag stands for. `mistaken` when it is written otherwise (another case, an alias such as
 * `endif`, a near miss such as `ocx_endiff`, or text after ocx_else/ocx_endif): the block it belongs to is then
 * not one Ongage reads, and comes out as written. A near miss counts only where its shape fits: a condition after
 * an if/elseif, a bare tag inside an open block for else/endif.
 */
function keywordOf(raw: string, inBlock: boolean): { keyword: Keyword; cond: string; mistaken: boolean } | undefined {
  const m = /^\s*([A-Za-z0-9_][\w.-]*)/.exec(raw);
  if (!m) return undefined;
  const name = m[1];
  const rest = raw.slice(m[0].length);
  const restTrim = rest.trim();
  const hasCondition = /^\s/.test(rest) && restTrim !== '';
  const lower = name.toLowerCase();
  if ((KEYWORDS as readonly string[]).includes(name)) {
    const keyword = name as Keyword;
    const conditional = keyword === 'ocx_if' || keyword === 'ocx_elseif';
    if (conditional && restTrim !== '' && !hasCondition) return undefined;
    return { keyword, cond: conditional ? restTrim : '', mistaken: !conditional && restTrim !== '' };
  }
  let guess: Keyword | undefined;
  if ((KEYWORDS as readonly string[]).includes(lower)) guess = lower as Keyword;
  else if (KEYWORD_ALIASES[lower]) guess = KEYWORD_ALIASES[lower];
  else if (lower.startsWith('ocx')) {
    const pool: Keyword[] = hasCondition ? ['ocx_if', 'ocx_elseif'] : ['ocx_else', 'ocx_endif'];
    let best = 3;
    for (const k of pool) {
      const d = distance(lower, k, 2);
      if (d < best) {
        best = d;
        guess = k;
      }
    }
    if (guess && !hasCondition && best > 1) guess = undefined;
  }
  if (!guess) return undefined;
  const conditional = guess === 'ocx_if' || guess === 'ocx_elseif';
  if (conditional && !hasCondition) return undefined;
  if (!conditional && (restTrim !== '' || !inBlock) && !(KEYWORDS as readonly string[]).includes(lower)) return undefined;
  return { keyword: guess, cond: conditional ? restTrim : '', mistaken: true };
}

/** `[format=d/m/Y, …]`: the format; a comma separates parameters only before `key=`; other keys are ignored. */
function formatParam(params: string): string | null {
  let format: string | null = null;
  for (const part of params.split(/,(?=\s*[A-Za-z_][\w-]*\s*=)/)) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    const key = eq < 0 ? '' : p.slice(0, eq).trim().toLowerCase();
    if (key === 'format' || key === '') format = eq < 0 ? p : p.slice(eq + 1);
  }
  return format;
}

interface ModeRange {
  from: number;
  to: number;
  mode: Mode;
}

/**
 * Where values need more than HTML escaping: the query strings of `href`/`src` attribute values (from the `?`,
 * found outside tags, to the end of the value) and the contents of `<style>`/`<script>`. Ongage tags are skipped
 * whole (their `<`/`>` operators are not markup), ordinary comments are skipped, and the HTML inside Outlook
 * conditional comments (`<!--[if mso]>…`) is read.
 */
function htmlRanges(s: string): ModeRange[] {
  const ranges: ModeRange[] = [];
  const n = s.length;
  const skipTag = (j: number): number => {
    if (!s.startsWith('{{', j)) return -1;
    return tagEnd(s, j);
  };
  let p = 0;
  while (p < n) {
    const lt = s.indexOf('<', p);
    const br = s.indexOf('{{', p);
    if (lt < 0) break;
    if (br >= 0 && br < lt) {
      const e = tagEnd(s, br);
      p = e < 0 ? br + 2 : e;
      continue;
    }
    if (s.startsWith('<!--', lt)) {
      const close = s.startsWith('<!--[if', lt) ? s.indexOf('>', lt) : s.indexOf('-->', lt + 4);
      p = close < 0 ? n : close + (s[close] === '>' ? 1 : 3);
      continue;
    }
    const m = /^<(\/?)([A-Za-z][\w:-]*)/.exec(s.slice(lt, lt + 64));
    if (!m) {
      p = lt + 1;
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2].toLowerCase();
    let j = lt + m[0].length;
    // Attributes, to the `>` that ends the start tag.
    while (j < n && s[j] !== '>') {
      const t = skipTag(j);
      if (t > 0) {
        j = t;
        continue;
      }
      if (/\s|\//.test(s[j])) {
        j++;
        continue;
      }
      const a = /^[^\s=>\/{]+/.exec(s.slice(j, j + 256));
      if (!a) {
        j++;
        continue;
      }
      const attr = a[0].toLowerCase();
      j += a[0].length;
      let k = j;
      while (k < n && /\s/.test(s[k])) k++;
      if (s[k] !== '=') continue;
      k++;
      while (k < n && /\s/.test(s[k])) k++;
      const quote = s[k] === '"' || s[k] === "'" ? s[k] : '';
      const valueStart = quote ? k + 1 : k;
      let v = valueStart;
      let q = -1;
      while (v < n && (quote ? s[v] !== quote : !/[\s>]/.test(s[v]))) {
        const t = skipTag(v);
        if (t > 0) {
          v = t;
          continue;
        }
        if (s[v] === '?' && q < 0) q = v;
        v++;
      }
      if (!closing && (attr === 'href' || attr === 'src') && q >= 0) ranges.push({ from: q, to: v, mode: 'url' });
      j = quote && v < n ? v + 1 : v;
    }
    p = j < n ? j + 1 : n;
    if (!closing && (name === 'style' || name === 'script')) {
      const close = s.slice(p).search(new RegExp(`</${name}\\b`, 'i'));
      const to = close < 0 ? n : p + close;
      ranges.push({ from: p, to, mode: 'raw' });
      p = to;
    }
  }
  return ranges.sort((x, y) => x.from - y.from);
}

// Names: letters, digits and _, then also . and - (as the editor's parser reads them).
const FIELD_RE = /^([A-Za-z0-9_][\w.-]*)(?:\[([^\]]*)\])?(?:\s*$|:([\s\S]*)$)/;
// A function's argument ends at its first `}` outside nested tags (which may nest one more level).
const FUNC_RE = /^([A-Za-z0-9_][\w.-]*)\{((?:[^{}]|\\?\{\{(?:[^{}]|\{\{[^{}]*\}\})*\}\})*)\}\s*$/;

function parse(s: string, modeAt: (pos: number) => Mode, offset = 0): Node[] {
  const root: Node[] = [];
  const stack: { node: Extract<Node, { t: 'if' }>; parent: Node[] }[] = [];
  let target = root;
  const current = (): Node[] => target;
  for (const tok of tokenize(s)) {
    if (tok.kind === 'text') {
      current().push({ t: 'text', v: tok.v });
      continue;
    }
    const raw = `${tok.escaped ? '\\' : ''}{{${tok.v}}}`;
    // Blanks after the opening braces do not count; a fallback keeps its own trailing blanks.
    const inner = tok.v.replace(/^\s+/, '');
    const mode = modeAt(offset + tok.start);
    const kw = keywordOf(tok.v, stack.length > 0);
    const top = stack.length ? stack[stack.length - 1].node : undefined;
    let m: RegExpMatchArray | null;
    if (kw && kw.keyword === 'ocx_if') {
      const node: Extract<Node, { t: 'if' }> = { t: 'if', branches: [{ cond: kw.cond, body: [], raw }], endRaw: null, broken: kw.mistaken };
      current().push(node);
      stack.push({ node, parent: target });
      target = node.branches[0].body;
    } else if (kw && top) {
      top.broken ||= kw.mistaken;
      if (kw.keyword === 'ocx_endif') {
        top.endRaw = raw;
        target = stack.pop()!.parent;
      } else {
        top.branches.push({ cond: kw.keyword === 'ocx_else' ? null : kw.cond, body: [], raw });
        target = top.branches[top.branches.length - 1].body;
      }
    } else if (kw || /^ocx_(?:endif|else|elseif)\b/.test(inner.trim())) {
      // A closer or branch with no open ocx_if: shown as written, so the mistake is visible.
      current().push({ t: 'text', v: raw });
    } else if ((m = inner.match(FUNC_RE)) && m[1].startsWith('ocx_')) {
      current().push({ t: 'func', name: m[1], arg: m[2] });
    } else if ((m = inner.match(FIELD_RE))) {
      // A fallback's nested fields are written the way the outer tag is.
      const fallback = m[3] !== undefined ? parse(m[3], () => mode) : null;
      current().push({ t: 'field', name: m[1], format: m[2] !== undefined ? formatParam(m[2]) : null, fallback, mode });
    } else {
      current().push({ t: 'text', v: raw });
    }
  }
  // A block never closed is not one Ongage reads: its tags come out as written, its content as usual.
  for (const { node } of stack) node.broken = true;
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

function daysIn(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

/** A real UTC date from its parts, or null for an impossible one (31/02, month 13, 25:00). */
function utcDate(y: number, mo: number, d: number, h = 0, mi = 0, sec = 0): Date | null {
  if (!(mo >= 1 && mo <= 12) || !(d >= 1 && d <= daysIn(y, mo)) || h > 23 || mi > 59 || sec > 59) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  date.setUTCFullYear(y);
  return date;
}

const ISO_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a stored date: Unix seconds (9–10 digits; 12–13 are milliseconds), the list field's format (dd/mm/yyyy,
 * yyyy-mm-dd hh24:mi …: the numbers in the order the format names them, a four-digit year) or ISO. Null for
 * anything else or an impossible date, so `2000-01-01` against a dd/mm/yyyy field is read as ISO, not as day 2000.
 */
export function parseDate(value: unknown, fieldFormat: string | null): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    const d = new Date(Math.abs(value) >= 1e11 ? value : value * 1000);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const s = String(value).trim();
  if (!s) return null;
  if (/^\d{9,10}$/.test(s)) return new Date(Number(s) * 1000);
  if (/^\d{12,13}$/.test(s)) return new Date(Number(s));
  if (fieldFormat) {
    const order: string[] = fieldFormat.toLowerCase().match(/yyyy|hh24|dd|mm|mi|ss/g) ?? [];
    const nums: string[] = s.match(/\d+/g) ?? [];
    if (order.length >= 3 && nums.length >= 3 && nums.length <= order.length && /^\d[\d\s/.:T-]*$/i.test(s)) {
      const part: Record<string, number> = {};
      order.forEach((k, idx) => {
        if (nums[idx] !== undefined) part[k] = Number(nums[idx]);
      });
      if ((nums[order.indexOf('yyyy')]?.length ?? 0) === 4 && part.mm !== undefined && part.dd !== undefined) {
        const d = utcDate(part.yyyy, part.mm, part.dd, part.hh24 ?? 0, part.mi ?? 0, part.ss ?? 0);
        if (d) return d;
      }
    }
  }
  const iso = ISO_DATE.exec(s);
  if (!iso) return null;
  const d = utcDate(+iso[1], +iso[2], +iso[3], +(iso[4] ?? 0), +(iso[5] ?? 0), +(iso[6] ?? 0));
  if (!d || !iso[7] || /^z$/i.test(iso[7])) return d;
  const sign = iso[7][0] === '-' ? -1 : 1;
  const digits = iso[7].slice(1).replace(':', '');
  return new Date(d.getTime() - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000);
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** ISO-8601 week number and week-based year. */
function isoWeek(d: Date): { week: number; year: number } {
  const day = d.getUTCDay() || 7;
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 4 - day));
  const start = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return { week: Math.ceil(((thursday.getTime() - start) / 86400000 + 1) / 7), year: thursday.getUTCFullYear() };
}

/** PHP date() formatting in UTC, every format character; a backslash makes the next character literal. */
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
      case 'W': out += pad(isoWeek(d).week); break;
      case 'o': out += String(isoWeek(d).year); break;
      case 'X': case 'x': out += (year >= 10000 || c === 'X' ? '+' : '') + pad(year, 4); break;
      case 'B': out += pad(Math.floor(((h * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds() + 3600) % 86400) / 86.4), 3); break;
      case 'u': out += pad(d.getUTCMilliseconds() * 1000, 6); break;
      case 'v': out += pad(d.getUTCMilliseconds(), 3); break;
      case 'e': case 'T': out += 'UTC'; break;
      case 'I': case 'Z': out += '0'; break;
      case 'O': out += '+0000'; break;
      case 'P': out += '+00:00'; break;
      case 'p': out += 'Z'; break;
      case 'c': out += formatPhpDate(d, 'Y-m-d\\TH:i:sP'); break;
      case 'r': out += formatPhpDate(d, 'D, d M Y H:i:s O'); break;
      default: out += c;
    }
  }
  return out;
}

const NUM_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const CLAUSE_RE = /^([A-Za-z0-9_][\w.-]*)\s*(!?)\s*(>=|<=|=|>|<|(?:contains|begins_with|ends_with|is\s+empty|is\s+null)(?![\w]))\s*([\s\S]*)$/;

/** The list format of a date field, null for a system date (ocx_now, ocx_*_date), undefined when not a date. */
function fieldFormatOf(name: string, ctx: ResolveContext): string | null | undefined {
  const def = fieldDef(name, ctx);
  if (def) return def.type === 'date' ? def.format : undefined;
  if (/^ocx_(?:now|\w*date)$/i.test(name)) return null;
  return undefined;
}

function fieldDef(name: string, ctx: ResolveContext): FieldDef | undefined {
  if (!ctx.fields) return undefined;
  const exact = ctx.fields.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const f of ctx.fields.values()) if (f.name.toLowerCase() === lower) return f;
  return undefined;
}

/** A value as a date, for [format=…] and date comparisons; a number in a list field that is not a date (points) is not Unix time. */
function asDate(name: string, v: unknown, ctx: ResolveContext): Date | null {
  const def = fieldDef(name, ctx);
  if (def && def.type !== 'date' && (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+\s*$/.test(v)))) return null;
  if (v instanceof Date || typeof v === 'number') return parseDate(v, null);
  if (typeof v !== 'string') return null;
  return parseDate(v, fieldFormatOf(name, ctx) ?? null);
}

function evalClause(clause: string, ctx: ResolveContext): boolean {
  const m = clause.trim().match(CLAUSE_RE);
  if (!m) return false;
  const [, name, bang, rawOp, rawValue] = m;
  const op = rawOp.replace(/\s+/g, ' ');
  const v = lookup(name, ctx);
  const target = conditionValue(rawValue, ctx);
  // Not a condition Ongage reads (a value after is empty, none after =, a symbol run such as <> or ==): false.
  const written = rawValue.trim();
  if (op === 'is empty' || op === 'is null' ? written !== '' : written === '' || /^[!=<>]/.test(written)) return false;
  let result: boolean;
  // Both mean "has no value" (Ongage's help presents `is null` as another way to write `is empty`).
  if (op === 'is empty' || op === 'is null') result = isEmpty(v);
  // An empty field satisfies no comparison: no value is not less than 5, nor does it begin with anything.
  else if (isEmpty(v)) result = false;
  else {
    const sv = stringify(v).trim();
    let cmp: number | null = null;
    if (op === '=' || op === '>' || op === '<' || op === '>=' || op === '<=') {
      const fmt = fieldFormatOf(name, ctx);
      if (fmt !== undefined) {
        const a = asDate(name, v, ctx);
        const b = parseDate(target, fmt);
        if (a && b) cmp = a.getTime() - b.getTime();
      }
      if (cmp === null && NUM_RE.test(sv) && NUM_RE.test(target)) cmp = Number(sv) - Number(target);
    }
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

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

/** The value a condition compares with: trimmed, basic entities decoded in HTML (editors write `&amp;`), one pair of quotes removed. */
function conditionValue(raw: string, ctx: ResolveContext): string {
  let v = raw.trim();
  if (ctx.kind !== 'text') v = v.replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, e: string) => ENTITIES[e]);
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1);
  return v.trim();
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
  if (v instanceof Date) return formatPhpDate(v, 'Y-m-d H:i:s');
  // Ongage stores booleans as 1/0.
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
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
    const d = asDate(n.name, v, ctx);
    if (d) s = formatPhpDate(d, n.format);
  }
  return write(s, n.mode, n.name);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** PHP's rawurlencode (RFC 3986): everything but letters, digits and `- _ . ~` is percent-encoded. */
export function rawUrlEncode(s: string): string {
  const wellFormed = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return encodeURIComponent(wellFormed).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A value as it goes where its tag sits. The unsubscribe links are whole URLs (the encoded one is encoded already). */
function write(s: string, mode: Mode, name: string): string {
  switch (mode) {
    case 'html':
      return escapeHtml(s);
    case 'url':
      return /^ocx_unsubscribe_link(?:_encoded)?$/i.test(name) ? escapeHtml(s) : rawUrlEncode(s);
    case 'raw':
      return s.replace(/<\//g, '<\\/');
    default:
      return s;
  }
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
  const sub = (text: string): string => render(parse(text.replace(/\\\{\{/g, '{{'), () => 'plain'), ctx, st);
  switch (n.name.toLowerCase()) {
    case 'ocx_url_encode':
      return rawUrlEncode(sub(n.arg));
    case 'ocx_generate_hash': {
      const a = funcArgs(n.arg);
      const algo = (a.algo || 'md5').toLowerCase();
      const data = sub(a.data ?? '');
      try {
        st.customHash = createHash(algo).update(data).digest('hex');
      } catch {
        // Not a hash algorithm: {{ocx_custom_hash}} stays empty (the preview says so).
        st.customHash = '';
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
    else if (n.broken) {
      for (const b of n.branches) out += b.raw + render(b.body, ctx, st);
      out += n.endRaw ?? '';
    } else {
      const branch = n.branches.find((b) => b.cond === null || evaluateCondition(b.cond, ctx));
      if (branch) out += render(branch.body, ctx, st);
    }
  }
  return out;
}

/** Resolves every tag in `template` for one recipient. */
export function personalize(template: string, ctx: ResolveContext): string {
  if (!template || !template.includes('{{')) return template ?? '';
  const ranges = ctx.kind === 'text' ? [] : htmlRanges(template);
  const modeAt = (pos: number): Mode => (ctx.kind === 'text' ? 'plain' : ranges.find((r) => pos >= r.from && pos < r.to)?.mode ?? 'html');
  return render(parse(template, modeAt), ctx, { customHash: '' });
}

/** Hex MD5 of the lower-cased address, the sandbox's value for {{ocx_email_hash}}. */
export function emailHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}
