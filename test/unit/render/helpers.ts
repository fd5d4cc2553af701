/** Shared checks for the renderer's tests: where each tag of an HTML text sits. */
import fc from 'fast-check';
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

/** A keystroke (or a few): where, what it removes and what it inserts. */
export interface Edit {
  /** Where, as a fraction of the candidate positions (text positions, or anywhere). */
  at: number;
  anywhere: boolean;
  remove: number;
  insert: string;
}

const TEXT_CHARS = ['a', 'Z', ' ', 'é', '€', '😀', '\n', '.', ',', '"', "'", ';', ':', '=', '-', '/', '!', '?', '0', '9'];
const MARKUP_CHARS = ['<', '>', '{', '}', '{{', '}}', '&', '[', ']', '<b>', '</p>', '{{first_name}}', '&amp;'];

/** Keystrokes mostly in text, some with markup or tag characters, some anywhere. */
export const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  anywhere: fc.nat({ max: 9 }).map((n) => n === 0),
  remove: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.nat({ max: 2 }) }),
  insert: fc.oneof(
    { weight: 8, arbitrary: fc.array(fc.constantFrom(...TEXT_CHARS), { maxLength: 4 }).map((a) => a.join('')) },
    { weight: 1, arbitrary: fc.constantFrom(...MARKUP_CHARS) },
  ),
});

/**
 * Offsets of characters in text runs (between a `>` and a `<`, not blank, outside comments, `<style>`/`<script>`/
 * `<title>` and Ongage tags), where typing usually happens.
 */
export function textPositions(html: string): number[] {
  const tags = parse(html, { kind: 'html' }).tags.filter((t) => t.depth === 0);
  const out: number[] = [];
  let inText = false;
  let raw = false;
  let ti = 0;
  for (let i = 0; i < html.length; i++) {
    while (ti < tags.length && tags[ti].end <= i) ti++;
    if (ti < tags.length && tags[ti].start <= i) continue;
    const c = html[i];
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end < 0 ? html.length : end + 2;
      inText = true;
      continue;
    }
    if (c === '<') {
      inText = false;
      const name = /^<(\/?)(style|script|title)\b/i.exec(html.slice(i, i + 8));
      if (name) raw = !name[1];
    } else if (c === '>') inText = !raw;
    else if (inText && /\S/.test(c)) out.push(i);
  }
  return out;
}

/** `html` with the keystroke applied (at a text position unless it goes anywhere). */
export function apply(html: string, e: Edit, positions: number[]): string {
  const at = e.anywhere || positions.length === 0 ? Math.floor(e.at * (html.length + 1)) : positions[Math.floor(e.at * positions.length)];
  return html.slice(0, at) + e.insert + html.slice(Math.min(html.length, at + e.remove));
}
