/**
 * How the preview's frame takes a new rendering. While the head and the style sheets stay the same (typing in
 * text, changing an attribute), the frame's document is morphed into the new one with morphdom: only changed
 * nodes are touched, so the scroll position, loaded images and the selection stay. When the head or any
 * `<style>` changed (or the frame has not loaded yet), the whole document is replaced through `srcdoc`, and the
 * scroll position is restored once it has loaded.
 */
import morphdom from 'morphdom';
import { diffText } from '../src/shared/patch';

/** Elements whose content is not text nodes of the body as written (or not shown). */
const RAW_CONTAINER = /^<(?:!|\/?(?:script|style|title|textarea|pre|template|noscript|xmp|iframe|noembed|noframes|plaintext)\b)/i;

/**
 * When `after` differs from `before` only inside one run of text between two tags (typing in text), the run's raw
 * text before and after, and which of the runs written exactly so it is (`occurrence` of `count`, in document
 * order: a newsletter repeats its paragraphs); undefined for any other change. The run must be non-blank on both
 * sides and not follow a comment, a doctype or a raw-text element's tag, so its text node can be found by its text.
 */
export function textRunEdit(before: string, after: string): { from: string; to: string; occurrence: number; count: number } | undefined {
  const d = diffText(before, after);
  if (d.start === d.end && !d.text) return undefined;
  const changed = before.slice(d.start, d.end) + d.text;
  if (/[<>]/.test(changed)) return undefined;
  const open = before.lastIndexOf('>', d.start - 1);
  if (open < 0 || before.lastIndexOf('<', d.start - 1) > open) return undefined;
  const close = before.indexOf('<', d.end);
  if (close < 0) return undefined;
  const gt = before.indexOf('>', d.end);
  if (gt >= 0 && gt < close) return undefined;
  const tag = before.slice(before.lastIndexOf('<', open), open + 1);
  if (RAW_CONTAINER.test(tag)) return undefined;
  const from = before.slice(open + 1, close);
  const to = after.slice(open + 1, close + after.length - before.length);
  if (!from.trim() || !to.trim()) return undefined;
  // Every run written exactly so (between a `>` and a `<`), and where the edited one is among them.
  let count = 0;
  let occurrence = -1;
  for (let i = before.indexOf(from); i !== -1; i = before.indexOf(from, i + 1)) {
    if (before.charCodeAt(i - 1) !== 62 || before.charCodeAt(i + from.length) !== 60) continue;
    if (i === open + 1) occurrence = count;
    count++;
  }
  return occurrence < 0 ? undefined : { from, to, occurrence, count };
}

/**
 * What decides whether a rendering can be morphed into the frame: everything before `<body` (doctype, `<html>`
 * attributes, the head) and every `<style>` element after it. Equal keys → morph; different → full swap.
 */
export function frameKey(html: string): string {
  const body = /<body[\s>/]/i.exec(html);
  const head = body ? html.slice(0, body.index) : html;
  const rest = body ? html.slice(body.index) : '';
  const styles = rest.match(/<style\b[\s\S]*?<\/style\s*>/gi) ?? [];
  return `${head}\u0000${styles.join('\u0000')}`;
}

/** How a rendering reached the frame: a new document, a morph, or one text node's text set (typing in text). */
export type FrameUpdate = 'swap' | 'morph' | 'text';

export class EmailFrame {
  private key: string | undefined;
  /** The frame's document is the last srcdoc, loaded (morphing before the load would touch about:blank). */
  private loaded = false;
  /** A rendering that came while a swap was loading: applied when it has. */
  private pending: string | undefined;
  /** The HTML the frame's document holds now. */
  private html: string | undefined;
  private swaps = 0;
  private morphs = 0;
  private texts = 0;

  constructor(
    private readonly frame: HTMLIFrameElement,
    private readonly onLoad: (doc: Document) => void,
    private readonly onUpdate: (how: FrameUpdate, counts: { swaps: number; morphs: number; texts: number }) => void = () => undefined,
  ) {}

  show(html: string): void {
    if (!this.loaded && this.key !== undefined) {
      this.pending = html;
      return;
    }
    if (html === this.html && this.loaded) return;
    const key = frameKey(html);
    const doc = this.frame.contentDocument;
    const previous = this.html;
    this.html = html;
    if (key === this.key && doc?.body) {
      if (previous !== undefined && this.setText(doc, previous, html)) {
        this.texts++;
        this.onUpdate('text', this.counts());
        return;
      }
      if (this.morph(doc, html)) {
        this.morphs++;
        this.onUpdate('morph', this.counts());
        return;
      }
    }
    this.swap(html, key);
  }

  private counts(): { swaps: number; morphs: number; texts: number } {
    return { swaps: this.swaps, morphs: this.morphs, texts: this.texts };
  }

  /**
   * Typing in text: sets the text of the one text node that holds the edited run, without parsing the document
   * (a 100 KB email's parse and morph take tens of milliseconds on the workbench's own thread). False when the
   * change is anything else, or the body's text nodes of the run's text are not the runs written so.
   */
  private setText(doc: Document, before: string, after: string): boolean {
    const edit = textRunEdit(before, after);
    if (!edit) return false;
    const from = decodeText(edit.from);
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    const hits: Text[] = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if ((n as Text).data === from) hits.push(n as Text);
    // The body's text nodes of that text are the runs written so, in the same order; anything else (one in the
    // head, one made by character references) and the text node is not known for sure.
    if (hits.length !== edit.count) return false;
    hits[edit.occurrence].data = decodeText(edit.to);
    return true;
  }

  private morph(doc: Document, html: string): boolean {
    try {
      const next = new DOMParser().parseFromString(html, 'text/html');
      morphdom(doc.body, next.body);
      return true;
    } catch {
      return false;
    }
  }

  private swap(html: string, key: string): void {
    const doc = this.frame.contentDocument;
    const x = doc?.scrollingElement?.scrollLeft ?? 0;
    const y = doc?.scrollingElement?.scrollTop ?? 0;
    this.key = key;
    this.loaded = false;
    this.frame.addEventListener(
      'load',
      () => {
        this.loaded = true;
        const d = this.frame.contentDocument;
        if (d) {
          d.scrollingElement?.scrollTo(x, y);
          this.onLoad(d);
        }
        const p = this.pending;
        this.pending = undefined;
        if (p !== undefined) this.show(p);
      },
      { once: true },
    );
    this.frame.srcdoc = html;
    this.swaps++;
    this.onUpdate('swap', this.counts());
  }
}

/** Text as the HTML parser reads it in body text (character references decoded). */
function decodeText(raw: string): string {
  if (!raw.includes('&')) return raw;
  const t = document.createElement('textarea');
  t.innerHTML = raw;
  return t.value;
}
