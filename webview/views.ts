/**
 * The dark view: the email as a client in dark mode that honours the email's own dark styles shows it. Rules under
 * `prefers-color-scheme: dark` apply (their media condition made always true, `light` ones made never true), and
 * the page's colour scheme is dark (default canvas and text colours). Outlook.com's `[data-ogsc]`/`[data-ogsb]`
 * rules count as dark styles too, though only Outlook applies them.
 */
const DARK = /prefers-color-scheme\s*:\s*dark/gi;
const LIGHT = /prefers-color-scheme\s*:\s*light/gi;

export function declaresDarkStyles(html: string): boolean {
  return /prefers-color-scheme\s*:\s*dark/i.test(html) || /\[data-og(sc|sb)\]/i.test(html);
}

export function darkHtml(html: string): string {
  const scheme = '<style data-ongage-dark>:root { color-scheme: dark; }</style>';
  const out = html.replace(DARK, 'min-width: 0px').replace(LIGHT, 'max-width: 0px');
  const head = /<head\b[^>]*>/i.exec(out);
  if (head) return out.slice(0, head.index + head[0].length) + scheme + out.slice(head.index + head[0].length);
  return scheme + out;
}
