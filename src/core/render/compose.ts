/**
 * Header and footer templates composed around an email, as Ongage sends it: the header's content right after
 * `<body>` (after a hidden preheader that opens the body, so inbox previews still show the preheader), the
 * footer's right before the last `</body>`. A header or footer that is a whole document gives its body's content,
 * and its `<style>` blocks move into the email's `<head>`. Without a `<body>` the header goes after `</head>` (or
 * `<html>`, or at the start) and the footer before `</html>` (or at the end).
 *
 * The composed text is made of slices of the three parts; `segments` says where each slice came from, so notes
 * about the composed email can point into the part the user edits.
 */
import { spanIndexAt } from './spans';

export type ComposedPart = 'html' | 'header' | 'footer';

/** `[start, end)` of the composed text is `[offset, offset + end - start)` of `part`. */
export interface ComposeSegment {
  start: number;
  end: number;
  part: ComposedPart;
  offset: number;
}

export interface ComposedHtml {
  html: string;
  segments: ComposeSegment[];
}

interface Range {
  start: number;
  end: number;
}

function firstMatch(re: RegExp, s: string, from = 0): RegExpExecArray | null {
  re.lastIndex = from;
  return re.exec(s);
}

function lastMatch(re: RegExp, s: string): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    last = m;
    if (m[0] === '') re.lastIndex++;
  }
  return last;
}

const BODY_OPEN = /<body\b[^>]*>/gi;
const BODY_CLOSE = /<\/body\s*>/gi;
const HEAD_CLOSE = /<\/head\s*>/gi;
const HTML_OPEN = /<html\b[^>]*>/gi;
const HTML_CLOSE = /<\/html\s*>/gi;
const STYLE = /<style\b[^>]*>[\s\S]*?<\/style\s*>/gi;
const HIDDEN_START = /<(span|div)\b([^>]*)>/iy;

function isHiddenPreheader(attrs: string): boolean {
  return (
    /\bclass\s*=\s*(["'])[^"']*\bpreheader\b[^"']*\1/i.test(attrs) ||
    /\bstyle\s*=\s*(["'])[^"']*(?:display\s*:\s*none|mso-hide\s*:\s*all)[^"']*\1/i.test(attrs)
  );
}

/** The end of the element whose start tag ends at `from` (nested elements of the same name counted), or -1. */
function elementEnd(s: string, name: string, from: number): number {
  const re = new RegExp(`<(/?)${name}\\b[^>]*>`, 'gi');
  re.lastIndex = from;
  let depth = 1;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return m.index + m[0].length;
  }
  return -1;
}

function skipSpace(s: string, p: number): number {
  while (p < s.length && /\s/.test(s[p])) p++;
  return p;
}

/** Where the header goes in the email: after `<body>` and the hidden preheader elements that open it. */
function headerPoint(body: string): number | undefined {
  const open = firstMatch(BODY_OPEN, body);
  if (!open) return undefined;
  let point = open.index + open[0].length;
  for (;;) {
    const p = skipSpace(body, point);
    HIDDEN_START.lastIndex = p;
    const m = HIDDEN_START.exec(body);
    if (!m || !isHiddenPreheader(m[2])) return point;
    const end = elementEnd(body, m[1], p + m[0].length);
    if (end === -1) return point;
    point = end;
  }
}

/** The content a header or footer template contributes, and the `<style>` blocks of its `<head>`. */
function templateParts(doc: string): { inner: Range; styles: Range[] } {
  let start = 0;
  let end = doc.length;
  const open = firstMatch(BODY_OPEN, doc);
  if (open) {
    start = open.index + open[0].length;
    const close = lastMatch(BODY_CLOSE, doc);
    if (close && close.index >= start) end = close.index;
  } else {
    const headClose = firstMatch(HEAD_CLOSE, doc);
    if (headClose) {
      start = headClose.index + headClose[0].length;
      const htmlClose = lastMatch(HTML_CLOSE, doc);
      if (htmlClose && htmlClose.index >= start) end = htmlClose.index;
    }
  }
  const styles: Range[] = [];
  if (start > 0) {
    STYLE.lastIndex = 0;
    for (let m = STYLE.exec(doc); m && m.index < start; m = STYLE.exec(doc)) styles.push({ start: m.index, end: m.index + m[0].length });
  }
  while (start < end && /\s/.test(doc[start])) start++;
  while (end > start && /\s/.test(doc[end - 1])) end--;
  return { inner: { start, end }, styles };
}

class Builder {
  html = '';
  readonly segments: ComposeSegment[] = [];

  slice(part: ComposedPart, src: string, start: number, end: number): void {
    if (end <= start) return;
    const at = this.html.length;
    const last = this.segments[this.segments.length - 1];
    if (last && last.part === part && last.end === at && last.offset + (last.end - last.start) === start) last.end += end - start;
    else this.segments.push({ start: at, end: at + (end - start), part, offset: start });
    this.html += src.slice(start, end);
  }

  literal(s: string): void {
    this.html += s;
  }
}

function present(s: string | null | undefined): s is string {
  return typeof s === 'string' && s.trim() !== '';
}

/** Composes header + body + footer and says where every slice came from. */
export function composeMapped(body: string, header?: string | null, footer?: string | null): ComposedHtml {
  const b = new Builder();
  body = typeof body === 'string' ? body : '';
  const h = present(header) ? { text: header, ...templateParts(header) } : undefined;
  const f = present(footer) ? { text: footer, ...templateParts(footer) } : undefined;
  if (!h && !f) {
    b.slice('html', body, 0, body.length);
    return { html: b.html, segments: b.segments };
  }

  const headClose = firstMatch(HEAD_CLOSE, body);
  const point = headerPoint(body);
  let hAt: number;
  if (point !== undefined) hAt = point;
  else if (headClose) hAt = headClose.index + headClose[0].length;
  else {
    const htmlOpen = firstMatch(HTML_OPEN, body);
    hAt = htmlOpen ? htmlOpen.index + htmlOpen[0].length : 0;
  }
  const bodyClose = lastMatch(BODY_CLOSE, body);
  const htmlClose = lastMatch(HTML_CLOSE, body);
  let fAt = bodyClose ? bodyClose.index : htmlClose ? htmlClose.index : body.length;
  if (fAt < hAt) fAt = body.length;
  const styleAt = headClose && headClose.index <= hAt ? headClose.index : undefined;

  const emitStyles = (): void => {
    for (const t of [h, f]) {
      if (!t) continue;
      for (const s of t.styles) {
        b.slice(t === h ? 'header' : 'footer', t.text, s.start, s.end);
        b.literal('\n');
      }
    }
  };

  let pos = 0;
  if (styleAt !== undefined) {
    b.slice('html', body, 0, styleAt);
    emitStyles();
    pos = styleAt;
  }
  b.slice('html', body, pos, hAt);
  if (styleAt === undefined) emitStyles();
  if (h) {
    if (b.html.length > 0 && !b.html.endsWith('\n')) b.literal('\n');
    b.slice('header', h.text, h.inner.start, h.inner.end);
    if (point === undefined && hAt < body.length) b.literal('\n');
  }
  b.slice('html', body, hAt, fAt);
  if (f) {
    if (fAt === body.length && b.html.length > 0 && !b.html.endsWith('\n')) b.literal('\n');
    b.slice('footer', f.text, f.inner.start, f.inner.end);
    if (fAt < body.length) b.literal('\n');
  }
  b.slice('html', body, fAt, body.length);
  return { html: b.html, segments: b.segments };
}

/** The email with its header and footer templates composed in. */
export function composeHtml(body: string, header?: string | null, footer?: string | null): string {
  return composeMapped(body, header, footer).html;
}

/** Maps an offset of the composed text to the part and offset it came from (undefined for added line breaks). */
export function sourceOf(segments: readonly ComposeSegment[], offset: number): { part: ComposedPart; offset: number } | undefined {
  const s = segments[spanIndexAt(segments, offset)];
  if (s) return { part: s.part, offset: s.offset + (offset - s.start) };
  return undefined;
}
