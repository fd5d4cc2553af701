/**
 * The text of an HTML document's `<title>`, which stands in for the subject of a file that has none (the
 * preview's inbox line, the subject a test send proposes). One forward scan: the first `<title…>` and the
 * first `</title>` after it, in linear time on any input (a regular expression over `<title` repeated is
 * quadratic).
 */
export function titleOf(html: string): string | undefined {
  const open = /<title(?=[\s/>])/gi;
  const m = open.exec(html);
  if (!m) return undefined;
  const gt = html.indexOf('>', m.index + 6);
  if (gt === -1) return undefined;
  const close = /<\/title\s*>/gi;
  close.lastIndex = gt + 1;
  const c = close.exec(html);
  if (!c) return undefined;
  return html.slice(gt + 1, c.index);
}
