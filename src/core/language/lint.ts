/**
 * Diagnostics as a pure function of the text and its context, so the editor and the command line report
 * exactly the same rule ids, messages, ranges and fixes.
 */
import type { Clause, DocumentKind, Fix, FunctionTag, Span, Tag } from './ast';
import { isSystemDate, isSystemName } from './catalog';
import type * as Checks from './checks';
import type { SupportScore } from './client-support';
import { ruleSetting, type LintConfig, type RuleId } from './config';
import { formatListDate, matchesDateFormat, readOtherDate } from './dates';
import { nearest } from './distance';
import type { ListField } from './fields';
import { attribute, scanHtml, type HtmlElement } from './html';
import { MAX_PROBLEMS, parse, type ParseResult } from './parser';
import type { SourceRange } from './positions';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Diagnostic extends Span {
  rule: RuleId;
  severity: Severity;
  message: string;
  fixes?: Fix[];
  /** A page that explains the finding (caniemail's page of a client-support finding). */
  href?: string;
}

export interface LintOptions {
  kind: DocumentKind;
  /** The list's fields; when absent, unknown-field and date-format checks on list fields are skipped. */
  fields?: readonly ListField[];
  /** Transactional dynamic field keys known for this text (added to the configuration's). */
  dynamicFields?: readonly string[];
  config?: LintConfig;
  /** Whether the email uses Ongage's default unsubscribe link; only `true` silences missing-unsubscribe. */
  unsubscribeDefaultLink?: boolean;
  /**
   * The HTML of the header and footer templates Ongage composes around this email at send time: an unsubscribe
   * link in one of them counts for the email.
   */
  composedTemplates?: readonly string[];
  /** A parse of this same text, to reuse (the editor caches one per document version). */
  parsed?: ParseResult;
  /** Also compute the client-support score of an HTML body (`lintEmail`'s `support`). */
  supportScore?: boolean;
}

export interface LintResult {
  diagnostics: Diagnostic[];
  /** The client-support score of an HTML body, when asked for with `supportScore`. */
  support?: SupportScore;
}

/**
 * The email checks (client support, accessibility: parse5, culori and the caniemail data) load on the first HTML
 * body; in the extension they are a bundle of their own, dist/email-checks.js (esbuild.js), so activation skips them.
 */
let checksModule: typeof Checks | undefined;
function checks(): typeof Checks {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (checksModule ??= require('./checks') as typeof Checks);
}

/** Gmail clips a message whose HTML exceeds 102 KB (counted here as 102 × 1024 bytes of UTF-8). */
export const GMAIL_CLIP_BYTES = 102 * 1024;

export function lint(text: string, options: LintOptions): Diagnostic[] {
  return lintEmail(text, options).diagnostics;
}

/** `lint`, and for an HTML body the client-support score when `supportScore` asks for it. */
export function lintEmail(text: string, options: LintOptions): LintResult {
  const parsed = options.parsed && options.parsed.text === text ? options.parsed : parse(text, { kind: options.kind });
  const linter = new Linter(text, parsed, options);
  const diagnostics = linter.run();
  return linter.support ? { diagnostics, support: linter.support } : { diagnostics };
}

/**
 * The client-support score of an HTML body alone (no diagnostics): the preview's toolbar shows it. `clients` are the
 * target clients (the defaults when absent).
 */
export function supportScoreOf(text: string, clients?: readonly string[], parsed?: ParseResult): SupportScore {
  const p = parsed && parsed.text === text ? parsed : parse(text, { kind: 'html' });
  return checks().runEmailChecks(text, p.tags, () => false, clients, true).support!;
}

/** A diagnostic or edit whose range is filled in only if it is kept (a document keeps at most MAX_PROBLEMS). */
const LATER = undefined as unknown as SourceRange;

class Linter {
  /** The language diagnostics (at most MAX_PROBLEMS are kept, in document order). */
  private readonly out: Diagnostic[] = [];
  /** The email checks' findings (bounded by the checks themselves, not by MAX_PROBLEMS). */
  private readonly checked: Diagnostic[] = [];
  support?: SupportScore;
  private elements?: HtmlElement[];
  /** While the email checks' findings are reported. */
  private checking = false;
  /** Unknown-field suggestions by name (one distance computation per distinct name). */
  private readonly suggestions = new Map<string, string[]>();

  constructor(
    private readonly text: string,
    private readonly parsed: ParseResult,
    private readonly options: LintOptions,
  ) {}

  run(): Diagnostic[] {
    const { kind } = this.options;
    for (const p of this.parsed.problems) this.report(p.code, p, p.message, p.fixes);
    if (kind === 'subject') {
      this.subjectSpaces();
      this.emptySubject();
    }
    this.unknownFields();
    this.forgottenOpen();
    if (kind !== 'subject') this.missingUnsubscribe();
    if (kind === 'html') this.htmlRules();
    const order = (a: Diagnostic, b: Diagnostic): number => a.start - b.start || a.end - b.end || a.rule.localeCompare(b.rule);
    this.out.sort(order);
    const note = this.cap();
    const all = this.checked.length ? [...this.out, ...this.checked].sort(order) : this.out;
    if (note) all.push(note);
    return all;
  }

  /**
   * Keeps the first MAX_PROBLEMS language diagnostics, gives every diagnostic its range, and returns the
   * too-many-problems diagnostic (where the first one not shown starts) that says how many more there are (those
   * lint found and those the parser only counted), if any.
   */
  private cap(): Diagnostic | undefined {
    const out = this.out;
    let more = Math.max(0, out.length - MAX_PROBLEMS);
    for (const [code, count] of Object.entries(this.parsed.omitted)) if (this.enabled(code as RuleId)) more += count ?? 0;
    const firstHidden = out[MAX_PROBLEMS];
    if (out.length > MAX_PROBLEMS) out.length = MAX_PROBLEMS;
    const lines = this.parsed.lines;
    for (const d of out.length && this.checked.length ? [...out, ...this.checked] : out.length ? out : this.checked) {
      if (d.range === LATER) d.range = lines.rangeOf(d.start, d.end);
      for (const f of d.fixes ?? []) for (const e of f.edits) if (e.range === LATER) e.range = lines.rangeOf(e.start, e.end);
    }
    const severity = ruleSetting('too-many-problems', this.options.config);
    if (more > 0 && severity !== 'off') {
      const last = out[out.length - 1];
      const at = firstHidden ?? (last ? { start: last.end, end: last.end } : { start: this.text.length, end: this.text.length });
      return {
        rule: 'too-many-problems',
        severity,
        message: `${more.toLocaleString('en-US')} more problems not shown: only the first ${MAX_PROBLEMS.toLocaleString('en-US')} are listed. Fix the first ones.`,
        start: at.start,
        end: at.end,
        range: lines.rangeOf(at.start, at.end),
      };
    }
    return undefined;
  }

  /** The HTML elements of the text, scanned once. */
  private html(): HtmlElement[] {
    return (this.elements ??= scanHtml(this.text, this.parsed.tags));
  }

  private enabled(rule: RuleId): boolean {
    return ruleSetting(rule, this.options.config) !== 'off';
  }

  private report(rule: RuleId, span: { start: number; end: number; range?: SourceRange }, message: string, fixes?: Fix[]): void {
    const severity = ruleSetting(rule, this.options.config);
    if (severity === 'off') return;
    const d: Diagnostic = { rule, severity, message, start: span.start, end: span.end, range: span.range ?? LATER };
    if (fixes && fixes.length) d.fixes = fixes;
    (this.checking ? this.checked : this.out).push(d);
  }

  private edit(title: string, start: number, end: number, newText: string, preferred = false): Fix {
    const f: Fix = { title, edits: [{ start, end, range: LATER, newText }] };
    if (preferred) f.preferred = true;
    return f;
  }

  // ------------------------------------------------------------- subject

  private subjectSpaces(): void {
    if (!this.enabled('subject-condition-spaces')) return;
    for (const tag of this.parsed.tags) {
      if (tag.type !== 'if' && tag.type !== 'elseif' && tag.type !== 'else' && tag.type !== 'endif') continue;
      const inner = this.text.slice(tag.start, tag.end);
      // One space must separate the keyword from its condition; any other whitespace is too much.
      const kwEnd = tag.keyword.end - tag.start;
      const afterKw = inner.slice(kwEnd);
      const rest = tag.type === 'if' || tag.type === 'elseif' ? afterKw.replace(/^ /, '') : afterKw;
      const before = inner.slice(0, tag.keyword.start - tag.start);
      if (!/\s/.test(rest) && !/\s/.test(before)) continue;
      let fix: Fix[] | undefined;
      if (tag.type === 'if' || tag.type === 'elseif') {
        const c = tag.condition;
        const compactable =
          c &&
          c.joiners.length === 0 &&
          c.clauses.every((cl) => cl.field && cl.operator?.name && /^[=<>]/.test(cl.operator.name) && cl.value && !/\s/.test(cl.value.text));
        if (c && compactable) {
          const cl = c.clauses[0];
          const compact = `{{${tag.keyword.text} ${cl.field!.text}${cl.operator!.text}${cl.value!.text}}}`;
          fix = [this.edit('Remove the spaces from the condition', tag.start, tag.end, compact, true)];
        }
      } else {
        fix = [this.edit('Remove the spaces', tag.start, tag.end, `{{${tag.keyword.text}}}`, true)];
      }
      this.report(
        'subject-condition-spaces',
        tag,
        `In a subject line Ongage needs conditions without spaces (one space only after ${tag.keyword.text}): write e.g. {{ocx_if vip=1}}.`,
        fix,
      );
    }
  }

  private emptySubject(): void {
    if (this.text.trim() !== '') return;
    this.report('empty-subject', { start: 0, end: this.text.length }, 'The subject is empty: recipients see "(no subject)", which hurts opens and deliverability. Write a subject.');
  }

  // ------------------------------------------------------------- fields

  private unknownFields(): void {
    const fields = this.options.fields;
    const byName = new Map<string, ListField>();
    for (const f of fields ?? []) byName.set(f.name, f);
    const dynamic = new Set([...(this.options.dynamicFields ?? []), ...(this.options.config?.dynamicFields ?? [])]);
    const known = (name: string): boolean => isSystemName(name) || byName.has(name) || dynamic.has(name);
    const candidates = [...byName.keys(), ...dynamic];
    const checkName = (name: { text: string; start: number; end: number }): void => {
      if (!fields || known(name.text) || !name.text) return;
      let near = this.suggestions.get(name.text);
      if (!near) this.suggestions.set(name.text, (near = nearest(name.text, candidates)));
      const hint = near.length ? ` Did you mean ${near.join(' or ')}?` : '';
      this.report(
        'unknown-field',
        name,
        `Unknown field "${name.text}": not a field of this list, a system field (ocx_…) or a known dynamic field.${hint}`,
        near.map((c, i) => this.edit(`Change to ${c}`, name.start, name.end, c, i === 0)),
      );
    };
    for (const tag of this.parsed.tags) {
      if (tag.type === 'field') {
        checkName(tag.name);
        this.dateFormat(tag, byName, dynamic);
      } else if ((tag.type === 'if' || tag.type === 'elseif') && tag.condition) {
        for (const cl of tag.condition.clauses) {
          if (cl.field) checkName(cl.field);
          this.conditionDate(cl, byName);
        }
      } else if (tag.type === 'function') {
        this.feedUrl(tag);
      }
    }
  }

  /** Ongage reads a date in a condition on a date field in the field's own format (Fields Setup). */
  private conditionDate(cl: Clause, byName: Map<string, ListField>): void {
    const field = cl.field && byName.get(cl.field.text);
    const value = cl.value;
    if (!field || field.type !== 'date' || !field.format || !value || !this.enabled('condition-date-format')) return;
    const written = value.text.trim();
    if (!written || written.includes('{{') || matchesDateFormat(written, field.format)) return;
    const example = formatListDate(new Date(Date.UTC(2026, 4, 14, 9, 30)), field.format);
    const date = readOtherDate(written);
    const fixes = date ? [this.edit(`Write it as ${formatListDate(date, field.format)}`, value.start, value.start + value.text.trimEnd().length, formatListDate(date, field.format, written), true)] : undefined;
    this.report(
      'condition-date-format',
      value,
      `"${cl.field!.text}" is a date field in the format ${field.format}: write the date that way (e.g. ${example}), or Ongage compares it wrongly.`,
      fixes,
    );
  }

  /** A static HTML feed is fetched once before the launch, for every recipient: list fields in its URL cannot work. */
  private feedUrl(tag: FunctionTag): void {
    if (tag.name.text !== 'ocx_feed_html' || !tag.argument || !this.enabled('feed-url-field')) return;
    const url = tag.argument.params.find((p) => p.key.text === 'url');
    if (!url || !url.value) return;
    for (const part of tag.argument.parts) {
      if (part.type === 'literal' || part.start < url.value.start || part.end > url.value.end) continue;
      if (isSystemName(part.name.text)) continue;
      this.report(
        'feed-url-field',
        part,
        `"${part.name.text}" in the URL of a static HTML feed: Ongage fetches ocx_feed_html once before the launch and sends the same HTML to everyone, so list fields in its URL are not filled in. Use a dynamic feed for per-contact content, or remove the field.`,
      );
    }
  }

  private dateFormat(tag: Extract<Tag, { type: 'field' }>, byName: Map<string, ListField>, dynamic: Set<string>): void {
    const format = tag.params?.params.find((p) => p.key.text === 'format');
    if (!format || !this.enabled('date-format-field')) return;
    const name = tag.name.text;
    let isDate: boolean | undefined;
    if (isSystemName(name)) isDate = isSystemDate(name);
    else if (byName.has(name)) isDate = byName.get(name)!.type === 'date';
    else if (dynamic.has(name)) isDate = undefined;
    if (isDate !== false) return;
    const type = isSystemName(name) ? 'a system field that is not a date' : `a ${byName.get(name)!.type} field`;
    this.report('date-format-field', tag.params!, `[format=…] formats dates, but "${name}" is ${type}.`, [
      this.edit('Remove the date format', tag.params!.start, tag.params!.end, '', true),
    ]);
  }

  // ------------------------------------------------------------- forgotten {{

  /**
   * A `}}` that closes nothing, right after a field-like name (`Hi first_name}},`, `?id=ocx_contact_id}}`), is a
   * tag whose `{{` was forgotten. Field-like: an `ocx_` name, a name with an underscore, or a field of the list
   * or a dynamic field. Not inside `<style>` or `<script>` (minified CSS ends blocks with `}}`).
   */
  private forgottenOpen(): void {
    if (!this.enabled('tag-syntax')) return;
    const t = this.text;
    const top = this.parsed.tags.filter((tag) => tag.depth === 0);
    const raw: Array<{ start: number; end: number }> = [];
    if (this.options.kind === 'html' && /<(style|script)/i.test(t)) {
      const els = this.html();
      for (let i = 0; i < els.length; i++) {
        const el = els[i];
        if (el.closing || (el.name !== 'style' && el.name !== 'script')) continue;
        let end = t.length;
        for (let j = i + 1; j < els.length; j++) {
          if (els[j].closing && els[j].name === el.name) {
            end = els[j].start;
            break;
          }
        }
        raw.push({ start: el.end, end });
      }
    }
    const known = new Set<string>([...(this.options.fields ?? []).map((f) => f.name), ...(this.options.dynamicFields ?? []), ...(this.options.config?.dynamicFields ?? [])]);
    const nameChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;
    let ti = 0;
    let ri = 0;
    for (let i = t.indexOf('}}'); i !== -1; i = t.indexOf('}}', i + 2)) {
      while (ti < top.length && top[ti].end <= i) ti++;
      if (ti < top.length && top[ti].start <= i) {
        i = top[ti].end - 2;
        continue;
      }
      while (ri < raw.length && raw[ri].end <= i) ri++;
      if (ri < raw.length && raw[ri].start <= i) {
        i = raw[ri].end - 2;
        continue;
      }
      let s = i;
      while (s > 0 && nameChar(t.charCodeAt(s - 1))) s--;
      // Trailing dots and dashes belong to the text around, not to a name.
      while (s < i && !/[A-Za-z_]/.test(t[s])) s++;
      if (s === i) continue;
      const name = t.slice(s, i);
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) continue;
      if (!(name.includes('_') || known.has(name))) continue;
      const single = s > 0 && t.charCodeAt(s - 1) === 123;
      const at = single ? s - 1 : s;
      const missing = single ? '{' : '{{';
      this.report(
        'tag-syntax',
        { start: at, end: i + 2 },
        `"${t.slice(at, i + 2)}" closes a tag that was never opened: write {{${name}}} (the "${missing}" is missing).`,
        [this.edit(`Insert the missing "${missing}"`, at, at, missing, true)],
      );
    }
  }

  // ------------------------------------------------------------- unsubscribe

  private hasUnsubscribe(): boolean {
    if (this.parsed.tags.some((t) => (t.type === 'field' || t.type === 'function') && t.name.text.startsWith('ocx_unsubscribe'))) return true;
    if (this.options.kind === 'html') {
      return this.html().some((el) => {
        if (el.closing || el.name !== 'a') return false;
        const href = attribute(el, 'href')?.value;
        return !!href && /unsubscribe/i.test(href);
      });
    }
    return /https?:\/\/\S*unsubscribe/i.test(this.text);
  }

  private missingUnsubscribe(): void {
    if (!this.enabled('missing-unsubscribe') || this.options.unsubscribeDefaultLink === true) return;
    if (this.hasUnsubscribe()) return;
    if (this.options.kind === 'html' && this.options.composedTemplates?.some((t) => t && new Linter(t, parse(t, { kind: 'html' }), { kind: 'html' }).hasUnsubscribe())) return;
    const message =
      "No unsubscribe link: every Ongage email needs one. Add <a href=\"{{ocx_unsubscribe_link}}\">Unsubscribe</a>, or keep Ongage's default unsubscribe link on for this email.";
    if (this.options.kind === 'html') {
      const els = this.html();
      const body = els.find((e) => e.name === 'body' && !e.closing);
      const bodyEnd = [...els].reverse().find((e) => e.name === 'body' && e.closing);
      const at = body ? { start: body.start, end: body.nameEnd } : this.firstLine();
      const fixes = bodyEnd
        ? [this.edit('Add an unsubscribe link before </body>', bodyEnd.start, bodyEnd.start, '<p style="text-align:center"><a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></p>\n')]
        : undefined;
      this.report('missing-unsubscribe', at, message, fixes);
      return;
    }
    const end = this.text.length;
    this.report(
      'missing-unsubscribe',
      this.firstLine(),
      "No unsubscribe link: every Ongage email needs one. Add a line such as \"Unsubscribe: {{ocx_unsubscribe_link}}\", or keep Ongage's default unsubscribe link on for this email.",
      [this.edit('Add an unsubscribe line at the end', end, end, `${this.text.endsWith('\n') || end === 0 ? '' : '\n'}\nUnsubscribe: {{ocx_unsubscribe_link}}\n`)],
    );
  }

  private firstLine(): { start: number; end: number } {
    return { start: 0, end: this.parsed.lines.lineEnd(0) };
  }

  // ------------------------------------------------------------- html

  private htmlRules(): void {
    this.htmlSize();
    this.emailChecks();
    const wantAlt = this.enabled('img-alt');
    const wantHttp = this.enabled('http-link');
    if (!wantAlt && !wantHttp) return;
    for (const el of this.html()) {
      if (el.closing) continue;
      if (wantAlt && el.name === 'img' && !attribute(el, 'alt')) {
        this.report('img-alt', { start: el.start, end: el.nameEnd }, 'Image without alt text: screen readers and clients that block images show nothing. Add alt="…" (alt="" for a decorative image).', [
          this.edit('Add alt="" (decorative image)', el.nameEnd, el.nameEnd, ' alt=""', true),
        ]);
      }
      if (wantHttp && (el.name === 'a' || el.name === 'area')) {
        const href = attribute(el, 'href');
        if (href?.value === undefined) continue;
        const lead = href.value.length - href.value.trimStart().length;
        if (!/^http:/i.test(href.value.slice(lead))) continue;
        const s = href.valueStart + lead;
        this.report('http-link', { start: s, end: href.valueEnd }, 'Link to an insecure http: address: mail clients may warn and Gmail expects secure links. Use https: if the site supports it.', [
          this.edit('Change to https:', s, s + 5, 'https:', true),
        ]);
      }
    }
  }

  /** Client support and accessibility (checks.ts). */
  private emailChecks(): void {
    let found: Checks.EmailChecks;
    try {
      found = checks().runEmailChecks(this.text, this.parsed.tags, (r) => this.enabled(r), this.options.config?.clients, this.options.supportScore === true);
    } catch {
      // lint never throws: markup nested deeper than the checks' tree walks go (tens of thousands of levels) gets
      // the language checks only.
      return;
    }
    this.support = found.support;
    this.checking = true;
    for (const f of found.findings) {
      const before = this.checked.length;
      this.report(f.rule, f, f.message);
      if (f.href && this.checked.length > before) this.checked[this.checked.length - 1].href = f.href;
    }
    this.checking = false;
  }

  private htmlSize(): void {
    if (!this.enabled('html-size')) return;
    const t = this.text;
    let bytes = 0;
    let cut = -1;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : c >= 0xdc00 && c <= 0xdfff ? 0 : 3;
      if (cut === -1 && bytes > GMAIL_CLIP_BYTES) cut = i;
    }
    if (cut === -1) return;
    const line = this.parsed.lines.positionAt(cut).line;
    const end = Math.max(cut + 1, this.parsed.lines.lineEnd(line));
    const kb = (bytes / 1024).toFixed(1);
    this.report(
      'html-size',
      { start: cut, end: Math.min(end, t.length) },
      `The HTML is ${bytes.toLocaleString('en-US')} bytes (${kb} KB): Gmail clips messages over 102 KB, hiding everything from here on (the unsubscribe link and open tracking too). Shorten the HTML; sizes grow further with personalization and CSS inlining.`,
    );
  }
}
