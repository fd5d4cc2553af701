// Shared by the preview benches (not a bench itself: run.ts loads *.bench.ts only).
/** Where typing happens in an email: the middle of the longest run of text in its body. */
export function typingPoint(html: string): number {
  const body = Math.max(0, html.search(/<body[\s>]/i));
  let best = { at: -1, len: 0 };
  const re = />([^<>{}]{20,})</g;
  re.lastIndex = body;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[1].trim().length > best.len) best = { at: m.index + 1 + Math.floor(m[1].length / 2), len: m[1].trim().length };
  }
  return best.at > 0 ? best.at : html.length;
}
