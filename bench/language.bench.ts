/**
 * Speed of the template-language core on a 100 KB email (the corpus's large newsletter when present, else a
 * generated one of the same size): parse, lint, completion and hover, as run on every keystroke.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Report } from './run';
import { complete } from '../src/core/language/completion';
import type { ListField } from '../src/core/language/fields';
import { hover } from '../src/core/language/hover';
import { lint } from '../src/core/language/lint';
import { parse } from '../src/core/language/parser';

const CORPUS = path.resolve(__dirname, '..', '..', 'shared', 'corpus');

function generated(): string {
  const block = '<tr><td class="x" style="color:{{ocx_if vip = 1}}#b8860b{{ocx_else}}#333{{ocx_endif}}">Hi {{first_name:{{company:there}}}}, since {{signup_date[format=d/m/Y]}} <a href="https://example.com/?c={{ocx_contact_id}}&u={{ocx_url_encode{https://x.example/}}}">read</a>{{ocx_if city = New York AND points >= 500}} NY{{ocx_endif}}</td></tr>\n';
  let s = '<html><body><table>\n';
  while (s.length < 100_000) s += block;
  return `${s}</table><a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></body></html>`;
}

function time(fn: () => void, minMs = 400): number {
  for (let i = 0; i < 5; i++) fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    n++;
  }
  return (performance.now() - start) / n;
}

export default async function (report: Report): Promise<void> {
  const file = path.join(CORPUS, 'large-100kb.html');
  const fromCorpus = fs.existsSync(file);
  if (!fromCorpus) process.stderr.write(`language bench: ${file} not found, timing a generated 100 KB email instead\n`);
  const text = fromCorpus ? fs.readFileSync(file, 'utf8') : generated();
  const fields: ListField[] = fromCorpus ? JSON.parse(fs.readFileSync(path.join(CORPUS, 'list-fields.json'), 'utf8')) : [{ name: 'first_name', type: 'string' }];
    report('language_email_size', Math.round(Buffer.byteLength(text) / 1024), 'KB');
  report('language_parse_100kb', time(() => parse(text)), 'ms');
  report('language_lint_100kb', time(() => lint(text, { kind: 'html', fields })), 'ms');
  const parsed = parse(text);
  const mid = text.indexOf('{{', text.length >> 1) + 2;
  report('language_completion', time(() => complete(text, mid, { kind: 'html', fields, parsed })), 'ms');
  report('language_hover', time(() => hover(text, mid + 1, { kind: 'html', fields, parsed })), 'ms');
  // A keystroke: the text changes, so the editor parses and lints once more.
  let i = 0;
  report('language_keystroke_100kb', time(() => {
    const edited = `${text.slice(0, mid)}${i++ % 2 ? 'x' : ''}${text.slice(mid)}`;
    lint(edited, { kind: 'html', fields });
  }), 'ms');
}
