/**
 * The plain-text part of an email derived from its HTML, as Ongage's "HTML to Text" does when content_text is
 * empty: block elements become line breaks, links keep their address, entities are decoded, and
 * personalization tags (`{{…}}`) are kept exactly as written.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', hellip: '…', mdash: '—', ndash: '–', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', zwnj: '' };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

export function htmlToText(html: string): string {
  let s = html;
  s = s.replace(/<!--[\s\S]*?-->/g, '');
  s = s.replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '');
  s = s.replace(/<a\b[^>]*?\bhref\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, _q, href: string, inner: string) => {
    const text = inner.replace(/<[^>]+>/g, '').trim();
    if (!href || href.startsWith('#') || href.startsWith('mailto:') && text.includes(href.slice(7))) return text;
    return text && text !== href ? `${text} (${href})` : href;
  });
  s = s.replace(/<br\s*\/?>/gi, '\n');
  s = s.replace(/<li\b[^>]*>/gi, '\n- ');
  s = s.replace(/<\/(p|div|h[1-6]|tr|table|ul|ol|blockquote|section|article|header|footer)\s*>/gi, '\n\n');
  s = s.replace(/<(p|div|h[1-6]|tr|table|blockquote)\b[^>]*>/gi, '\n');
  s = s.replace(/<\/t[dh]\s*>/gi, ' ');
  // Remove remaining markup but never touch text inside a personalization tag.
  s = s.replace(/(\{\{[\s\S]*?\}\})|<[^>]*>/g, (m, tag: string | undefined) => tag ?? '');
  s = decode(s);
  s = s
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n');
  return s.replace(/\n{3,}/g, '\n\n').trim();
}
