/**
 * Speed of the live preview's renderer on a 100 KB email (the corpus's large newsletter when present, else a
 * generated one of the same size), as it runs after a pause in typing: the text differs every run, so the
 * inlining cache never answers. Medians of 15 runs after 3 warm-up runs:
 * - render_100kb_ms: renderEmail (compose, inline CSS on the template, evaluate);
 * - render_100kb_no_inline_ms: the same with inlineCss: false;
 * - inline_css_100kb_ms: inlineCss alone;
 * - render_100kb_profile_switch_ms: renderEmail when only the sample profile changed (the inlined template is reused);
 * - inbox_line_140kb_title_ms: the inbox line of a file whose 140 KB <title> repeats "<title" (the subject taken
 *   from <title>, then evaluated as a subject); the bound is 5 ms.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Report } from './run';
import { sampleProfile } from '../src/core/fields/catalog';
import type { ListField } from '../src/core/language/fields';
import { evaluate, inlineCss, renderEmail, titleOf } from '../src/core/render';
import { typingPoint } from './typing';

const CORPUS = path.resolve(__dirname, '..', '..', 'shared', 'corpus');

function generated(): string {
  const block =
    '<tr><td class="x" style="color:{{ocx_if vip = 1}}#b8860b{{ocx_else}}#333{{ocx_endif}}">Hi {{first_name:{{company:there}}}}, since {{signup_date[format=d/m/Y]}} ' +
    '<a class="l" href="https://example.com/?c={{ocx_contact_id}}&u={{ocx_url_encode{https://x.example/}}}">read</a>{{ocx_if city = New York AND points >= 500}} NY{{ocx_endif}}</td></tr>\n';
  let s = '<html><head><style>.x{padding:8px;font:14px Arial} .l{color:#06f} @media (max-width:600px){.x{padding:4px}} {{ocx_if vip = 1}}.l{color:#b8860b}{{ocx_endif}}</style></head><body><table>\n';
  while (s.length < 100_000) s += block;
  return `${s}</table><a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></body></html>`;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function time(fn: (i: number) => void, runs = 15, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn(-1 - i);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export default async function (report: Report): Promise<void> {
  const file = path.join(CORPUS, 'large-100kb.html');
  const fromCorpus = fs.existsSync(file);
  if (!fromCorpus) process.stderr.write(`render bench: ${file} not found, timing a generated 100 KB email instead\n`);
  const html = fromCorpus ? fs.readFileSync(file, 'utf8') : generated();
  const fields: ListField[] = fromCorpus
    ? JSON.parse(fs.readFileSync(path.join(CORPUS, 'list-fields.json'), 'utf8'))
    : [{ name: 'first_name', type: 'string' }, { name: 'signup_date', type: 'date', format: 'yyyy-mm-dd' }];
  const values = sampleProfile(fields).values;
  const now = new Date();
  // A different text every run, as after a keystroke: the inlined template cannot come from the cache.
  const edited = (i: number) => html.replace(/<\/body>/i, `<!-- ${i} --></body>`);
  let run = 0;
  const unique = () => edited(run++);

  report('render_email_size', Math.round(Buffer.byteLength(html) / 1024), 'KB');
  report('render_100kb_ms', time(() => renderEmail({ html: unique(), subject: 'News for {{first_name:you}}' }, { values, fields, now })), 'ms');
  report('render_100kb_no_inline_ms', time(() => renderEmail({ html: unique(), subject: 'News for {{first_name:you}}' }, { values, fields, now, inlineCss: false })), 'ms');
  report('inline_css_100kb_ms', time(() => inlineCss(unique())), 'ms');
  const at = typingPoint(html);
  let typed = html;
  renderEmail({ html: typed }, { values, fields, now });
  report('render_100kb_text_edit_ms', time((i) => {
    typed = typed.slice(0, at) + 'abcdefghij'[Math.abs(i) % 10] + typed.slice(at);
    renderEmail({ html: typed }, { values, fields, now });
  }), 'ms');
  const same = unique();
  report('render_100kb_profile_switch_ms', time((i) => renderEmail({ html: same }, { values: { ...values, vip: i % 2 }, fields, now })), 'ms');
  const titled = `<html><head><title>${'<title'.repeat(23_400)}</title></head><body>x</body></html>`;
  report('inbox_line_140kb_title_ms', time(() => evaluate((titleOf(titled) ?? '').trim(), 'subject', { values, fields, now })), 'ms');
}
