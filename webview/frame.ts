/**
 * How the preview's frame takes a new rendering. While the head and the style sheets stay the same (typing in
 * text, changing an attribute), the frame's document is morphed into the new one with morphdom: only changed
 * nodes are touched, so the scroll position, loaded images and the selection stay. When the head or any
 * `<style>` changed (or the frame has not loaded yet), the whole document is replaced through `srcdoc`, and the
 * scroll position is restored once it has loaded.
 */
import morphdom from 'morphdom';

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

export type FrameUpdate = 'swap' | 'morph';

export class EmailFrame {
  private key: string | undefined;
  /** The frame's document is the last srcdoc, loaded (morphing before the load would touch about:blank). */
  private loaded = false;
  /** A rendering that came while a swap was loading: applied when it has. */
  private pending: string | undefined;
  private swaps = 0;
  private morphs = 0;

  constructor(
    private readonly frame: HTMLIFrameElement,
    private readonly onLoad: (doc: Document) => void,
    private readonly onUpdate: (how: FrameUpdate, counts: { swaps: number; morphs: number }) => void = () => undefined,
  ) {}

  show(html: string): void {
    if (!this.loaded && this.key !== undefined) {
      this.pending = html;
      return;
    }
    const key = frameKey(html);
    const doc = this.frame.contentDocument;
    if (key === this.key && doc?.body && this.morph(doc, html)) {
      this.morphs++;
      this.onUpdate('morph', { swaps: this.swaps, morphs: this.morphs });
      return;
    }
    this.swap(html, key);
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
    this.onUpdate('swap', { swaps: this.swaps, morphs: this.morphs });
  }
}
