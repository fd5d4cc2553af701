/**
 * A small, forgiving HTML tag scanner for the lint rules (images, links, body). It reads start and end tags with
 * their attributes, skips ordinary comments, `<style>` and `<script>` contents and Ongage tags (whose `<`/`>`
 * operators are not markup), and reads the HTML inside Outlook conditional comments (`<!--[if mso]>…`).
 */
import type { Tag } from './ast';

export interface HtmlAttribute {
  name: string;
  start: number;
  end: number;
  /** The value without quotes; undefined for a bare attribute (`<td nowrap>`). */
  value?: string;
  valueStart: number;
  valueEnd: number;
}

export interface HtmlElement {
  /** Lower-case tag name. */
  name: string;
  /** Offset of the `<`. */
  start: number;
  /** Offset after the `>` (or where scanning stopped for a malformed tag). */
  end: number;
  nameStart: number;
  nameEnd: number;
  closing: boolean;
  attributes: HtmlAttribute[];
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

export function scanHtml(text: string, tags: readonly Tag[]): HtmlElement[] {
  const top = tags.filter((t) => t.depth === 0);
  const tagEnd = new Map<number, number>();
  for (const t of top) tagEnd.set(t.start, t.end);
  const n = text.length;
  const out: HtmlElement[] = [];
  let ti = 0;
  let p = 0;
  while (p < n) {
    const lt = text.indexOf('<', p);
    if (lt === -1) break;
    while (ti < top.length && top[ti].end <= lt) ti++;
    if (ti < top.length && top[ti].start < lt) {
      p = top[ti].end;
      continue;
    }
    if (text.startsWith('<!--', lt)) {
      if (text.startsWith('<!--[if', lt)) {
        const gt = text.indexOf('>', lt);
        p = gt === -1 ? n : gt + 1;
      } else {
        const close = text.indexOf('-->', lt + 4);
        p = close === -1 ? n : close + 3;
      }
      continue;
    }
    const next = text.charCodeAt(lt + 1);
    if (next === 33 || next === 63) {
      const gt = text.indexOf('>', lt);
      p = gt === -1 ? n : gt + 1;
      continue;
    }
    const closing = next === 47;
    const nameStart = lt + 1 + (closing ? 1 : 0);
    let q = nameStart;
    const c0 = text.charCodeAt(q);
    if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) {
      p = lt + 1;
      continue;
    }
    while (q < n && /[A-Za-z0-9:-]/.test(text[q])) q++;
    const el: HtmlElement = { name: text.slice(nameStart, q).toLowerCase(), start: lt, end: q, nameStart, nameEnd: q, closing, attributes: [] };
    // Attributes
    while (q < n) {
      const c = text.charCodeAt(q);
      if (isWs(c) || c === 47) {
        q++;
        continue;
      }
      if (c === 62) {
        q++;
        break;
      }
      if (c === 60 && !tagEnd.has(q)) break;
      const skip = tagEnd.get(q);
      if (skip !== undefined) {
        q = skip;
        continue;
      }
      const as = q;
      while (q < n) {
        const d = text.charCodeAt(q);
        if (isWs(d) || d === 61 || d === 62 || d === 47 || d === 60 || tagEnd.has(q)) break;
        q++;
      }
      if (q === as) {
        q++;
        continue;
      }
      const attr: HtmlAttribute = { name: text.slice(as, q).toLowerCase(), start: as, end: q, valueStart: q, valueEnd: q };
      let r = q;
      while (r < n && isWs(text.charCodeAt(r))) r++;
      if (text.charCodeAt(r) === 61) {
        r++;
        while (r < n && isWs(text.charCodeAt(r))) r++;
        const quote = text.charCodeAt(r);
        if (quote === 34 || quote === 39) {
          const vs = r + 1;
          let ve = vs;
          while (ve < n && text.charCodeAt(ve) !== quote) ve = tagEnd.get(ve) ?? ve + 1;
          attr.value = text.slice(vs, Math.min(ve, n));
          attr.valueStart = vs;
          attr.valueEnd = Math.min(ve, n);
          q = Math.min(ve + 1, n);
        } else {
          const vs = r;
          let ve = vs;
          while (ve < n) {
            const skipTag = tagEnd.get(ve);
            if (skipTag !== undefined) {
              ve = skipTag;
              continue;
            }
            const d = text.charCodeAt(ve);
            if (isWs(d) || d === 62) break;
            ve++;
          }
          attr.value = text.slice(vs, ve);
          attr.valueStart = vs;
          attr.valueEnd = ve;
          q = ve;
        }
        attr.end = q;
      }
      el.attributes.push(attr);
    }
    el.end = q;
    out.push(el);
    p = q > lt ? q : lt + 1;
    if (!closing && (el.name === 'style' || el.name === 'script')) {
      const re = new RegExp(`</${el.name}`, 'ig');
      re.lastIndex = p;
      const m = re.exec(text);
      p = m ? m.index : n;
    }
  }
  return out;
}

export function attribute(el: HtmlElement, name: string): HtmlAttribute | undefined {
  return el.attributes.find((a) => a.name === name);
}
