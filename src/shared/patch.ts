/**
 * A rendering sent to the preview as the change from the one before: while typing, a 100 KB email's HTML changes
 * by a few characters, and posting all of it again through the workbench (extension host → webview, in a browser
 * over the network) costs more than rendering it. Plain string operations, used by both sides.
 */

/** The rendering `base`'s HTML with `[start, end)` replaced by `text`. */
export interface HtmlPatch {
  base: number;
  start: number;
  end: number;
  text: string;
}

/** The smallest single replacement that turns `from` into `to` (common prefix and suffix kept). */
export function diffText(from: string, to: string): { start: number; end: number; text: string } {
  const max = Math.min(from.length, to.length);
  let start = 0;
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && from.charCodeAt(from.length - 1 - tail) === to.charCodeAt(to.length - 1 - tail)) tail++;
  return { start, end: from.length - tail, text: to.slice(start, to.length - tail) };
}

/** `html` with the patch's replacement applied (the caller checked that `html` is the patch's base). */
export function applyPatch(html: string, patch: Pick<HtmlPatch, 'start' | 'end' | 'text'>): string {
  return html.slice(0, patch.start) + patch.text + html.slice(patch.end);
}
