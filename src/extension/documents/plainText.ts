/**
 * The plain-text part from an email's HTML, for the extension host: the converter (html-to-text) is loaded on
 * first use, not at activation (it is a separate bundle, dist/html-to-text.js).
 */
export async function textOfHtml(html: string): Promise<string> {
  const { htmlToText } = await import('../../core/library/text');
  return htmlToText(html);
}
