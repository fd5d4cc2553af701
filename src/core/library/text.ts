/**
 * The plain-text part of an email derived from its HTML with html-to-text: block elements become line breaks,
 * links keep their address in brackets after the text, lists get "- ", images and the head are left out, entities
 * are decoded, and personalization tags (`{{…}}`) come out byte for byte as written (they are set aside before
 * the conversion and put back after it, so no whitespace folding, entity decoding or markup parsing touches them).
 *
 * html-to-text is loaded on first use: in the extension it is a bundle of its own (dist/html-to-text.js), so
 * activation does not pay for it.
 */
import type * as HtmlToText from 'html-to-text';

let lib: typeof HtmlToText | undefined;
function load(): typeof HtmlToText {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (lib ??= require('html-to-text') as typeof HtmlToText);
}

const OPTIONS: HtmlToText.HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { linkBrackets: ['(', ')'], hideLinkHrefIfSameAsText: true, noAnchorUrl: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'th', options: { uppercase: false } },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'inline' },
    { selector: 'th', format: 'inline' },
  ],
};

/** A tag on one line; a nested fallback's outer `}}` stays as text and so comes back unchanged too. */
const TAG = /\{\{[^\n]*?\}\}/g;
const MARK = (i: number) => `\uE000${i}\uE001`;

export function htmlToText(html: string): string {
  const tags: string[] = [];
  const guarded = html.replace(TAG, (m) => {
    tags.push(m);
    return MARK(tags.length - 1);
  });
  // Comments go first: a tag inside one was set aside too and must not come back from it.
  const text = load().convert(guarded.replace(/<!--[\s\S]*?-->/g, ''), OPTIONS);
  return text
    .replace(/\uE000(\d+)\uE001/g, (_m, i: string) => tags[Number(i)] ?? '')
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
