/** Shared checks for the renderer's tests: where each tag of an HTML text sits. */
import * as path from 'path';
import { scanHtml } from '../../../src/core/language/html';
import { parse } from '../../../src/core/language/parser';

/** The shared corpus beside the repository (../shared/corpus, possibly a symbolic link); absent in a fresh clone. */
export const CORPUS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');

/** The top-level tags of a text, as written, in order. */
export function tagTexts(text: string): string[] {
  return parse(text, { kind: 'html' })
    .tags.filter((t) => t.depth === 0)
    .map((t) => text.slice(t.start, t.end));
}

/**
 * Each top-level tag with where it sits: `text`, `comment`, `style` (inside a `<style>` element), `attr:td.style`
 * (in an attribute value), `tag:td` (in a start tag, outside values).
 */
export function tagPlaces(text: string): string[] {
  const parsed = parse(text, { kind: 'html' });
  const top = parsed.tags.filter((t) => t.depth === 0);
  const els = scanHtml(text, parsed.tags);
  const comments: Array<[number, number]> = [];
  for (let p = text.indexOf('<!--'); p !== -1; p = text.indexOf('<!--', p + 4)) {
    const inTag = top.find((t) => t.start < p && p < t.end);
    if (inTag) continue;
    const e = text.indexOf('-->', p + 4);
    comments.push([p, e === -1 ? text.length : e + 3]);
    if (e === -1) break;
    p = e;
  }
  const styles: Array<[number, number]> = [];
  els.forEach((el, i) => {
    if (el.closing || el.name !== 'style') return;
    const close = els.slice(i + 1).find((c) => c.closing && c.name === 'style');
    styles.push([el.end, close ? close.start : text.length]);
  });
  return top.map((t) => {
    const el = els.find((e) => !e.closing && e.start < t.start && t.start < e.end);
    if (el) {
      const a = el.attributes.find((x) => x.value !== undefined && x.valueStart <= t.start && t.end <= x.valueEnd);
      return a ? `attr:${el.name}.${a.name}` : `tag:${el.name}`;
    }
    if (styles.some(([s, e]) => s <= t.start && t.start < e)) return 'style';
    if (comments.some(([s, e]) => s <= t.start && t.start < e)) return 'comment';
    return 'text';
  });
}
