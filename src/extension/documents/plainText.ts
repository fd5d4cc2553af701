import { htmlToText } from '../../core/library/text';

/**
 * The plain-text part from an email's HTML. html-to-text itself is required on first use (dist/html-to-text.js,
 * see esbuild.js), so activation does not load it.
 */
export async function textOfHtml(html: string): Promise<string> {
  return htmlToText(html);
}
