/**
 * Which files `lint` checks and as what, following the editor: `.html`/`.htm` are HTML bodies, `.ongage.txt` and
 * `.txt` plain-text bodies, `.ongage-subject` and `*.subject.txt` subject lines. Like the editor, a plain `.txt`
 * file (any `.txt` but `.ongage.txt`) is checked only once it uses a tag (`{{`), so a README or a log file
 * matched by a broad glob is not reported as an email without an unsubscribe link; `--kind` checks it anyway.
 */
import type { DocumentKind } from '../core/language/ast';

export const LINTABLE_EXTENSIONS = ['.html', '.htm', '.txt', '.ongage-subject'] as const;

/** True for a file name `lint` knows how to read. */
export function isLintable(file: string): boolean {
  const f = file.toLowerCase();
  return LINTABLE_EXTENSIONS.some((e) => f.endsWith(e));
}

/** The editor's language id for a file name (as VS Code assigns it with the extension's contributions). */
function languageId(file: string): 'html' | 'ongage-text' | 'ongage-subject' | 'plaintext' {
  const f = file.toLowerCase();
  if (f.endsWith('.html') || f.endsWith('.htm')) return 'html';
  if (f.endsWith('.ongage.txt')) return 'ongage-text';
  if (f.endsWith('.ongage-subject')) return 'ongage-subject';
  return 'plaintext';
}

/** The same choice as the editor's `documentKind` (src/extension/language), from the path alone. */
export function kindOf(file: string): DocumentKind {
  const p = file.replace(/\\/g, '/');
  if (languageId(p) === 'ongage-subject' || /\.subject(\.txt)?$|\/subject$/i.test(p)) return 'subject';
  if (languageId(p) === 'html' || /\.html?$/i.test(p)) return 'html';
  return 'text';
}

/** The same choice as the editor's `wantsLint` for a file on disk: plain text only once it uses a tag. */
export function wantsLint(file: string, text: string): boolean {
  const id = languageId(file);
  return id !== 'plaintext' || text.includes('{{');
}
