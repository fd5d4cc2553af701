/**
 * Speed of the template-language core on a 100 KB email (the corpus's large newsletter when present, else a
 * generated one of the same size): parse, lint, completion and hover, as run on every keystroke. Then lint on
 * hostile input (the bound is 50 ms for any 100 KB): lint_hostile_100kb_ms is the slowest of a set of 100 KB
 * texts (each a piece repeated on one line; the slowest one's piece goes to stderr), lint_nested_long_line_ms
 * 1,000 nested `{{a:` then 100 KB on the line, lint_deep_nesting_ms `{{a:b` × 20,000 then `}}`,
 * lint_deep_ocx_if_ms 5,000 nested ocx_if blocks. lint() includes the email checks (client support, accessibility;
 * their own budget, checks_100kb_ms); lint_hostile_language_100kb_ms is the same set with those rules off (the
 * language alone: parse and the language rules), and lint_hostile_language_100kb_cpu_ms its process CPU time
 * (process.cpuUsage, which counts the garbage collector's threads too), steadier than wall time on a loaded machine.
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Report } from './run';
import { complete } from '../src/core/language/completion';
import type { ListField } from '../src/core/language/fields';
import { hover } from '../src/core/language/hover';
import { lint } from '../src/core/language/lint';
import { parse } from '../src/core/language/parser';
import type * as Checks from '../src/core/language/checks';
import { EMAIL_CHECK_RULES } from '../src/core/language/checks';

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

  // Hostile input: medians of a few runs each (the slow paths here were seconds, not milliseconds).
  const median = (fn: () => void, runs = 5): number => {
    fn();
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      fn();
      ms.push(performance.now() - t0);
    }
    return ms.sort((a, b) => a - b)[runs >> 1];
  };
  const K = 100_000;
  const fill = (unit: string): string => unit.repeat(Math.ceil(K / unit.length)).slice(0, K);
  const pieces = ['{{a:x ', '{{a x ', '{{a[x ', '{{}}', '{{#x ', '\\{{a:', '{{ocx_if a', '{{ocx_if a = 1}}x', '{{ocx_iff a = 1}}', '{{ocx_endif}}', '{{first_name}}', '<a href="x?{{a}}', '<a ', '<title', '{{a:\n', 'hi first_name}} ', '{{ocx_if a = b and c}}'];
  let worst = { ms: 0, piece: '' };
  for (const piece of pieces) {
    const hostile = fill(piece);
    const ms = median(() => lint(hostile, { kind: 'html', fields }));
    if (ms > worst.ms) worst = { ms, piece };
  }
  process.stderr.write(`language bench: slowest hostile 100 KB text repeats ${JSON.stringify(worst.piece)}\n`);
  report('lint_hostile_100kb_ms', worst.ms, 'ms');
  const languageOnly = { rules: Object.fromEntries(EMAIL_CHECK_RULES.map((r) => [r, 'off' as const])) };
  const cpuMedian = (fn: () => void, runs = 5): number => {
    fn();
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      ms.push((c.user + c.system) / 1000);
    }
    return ms.sort((a, b) => a - b)[runs >> 1];
  };
  let worstLanguage = { ms: 0, cpu: 0, piece: '' };
  for (const piece of pieces) {
    const hostile = fill(piece);
    const run = (): void => void lint(hostile, { kind: 'html', fields, config: languageOnly });
    const ms = median(run);
    if (ms > worstLanguage.ms) worstLanguage = { ms, cpu: cpuMedian(run), piece };
  }
  process.stderr.write(`language bench: slowest hostile 100 KB text for the language alone repeats ${JSON.stringify(worstLanguage.piece)}\n`);
  report('lint_hostile_language_100kb_ms', worstLanguage.ms, 'ms');
  report('lint_hostile_language_100kb_cpu_ms', worstLanguage.cpu, 'ms');
  const nestedLong = '{{a:'.repeat(1000) + 'x'.repeat(K);
  report('lint_nested_long_line_ms', median(() => lint(nestedLong, { kind: 'html', fields })), 'ms');
  const deep = '{{a:b'.repeat(20_000) + '}}';
  report('lint_deep_nesting_ms', median(() => lint(deep, { kind: 'html', fields })), 'ms');
  const deepIf = '{{ocx_if plan = pro}}'.repeat(5000) + 'x' + '{{ocx_endif}}'.repeat(5000);
  report('lint_deep_ocx_if_ms', median(() => lint(deepIf, { kind: 'html', fields })), 'ms');

  // The email checks (client support, accessibility) as the editor runs them: the bundle esbuild.js builds
  // (dist/email-checks.js: parse5, culori, the caniemail data), on the parse the editor caches, for the default
  // target clients, with the support score the preview shows.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-checks-bench-'));
  try {
    const bundle = path.join(dir, 'email-checks.js');
    await esbuild.build({ absWorkingDir: path.resolve(__dirname, '..'), entryPoints: ['src/core/language/checks.ts'], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, logLevel: 'silent' });
    const t0 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const checks = require(bundle) as typeof Checks;
    const tags = parse(text).tags;
    checks.runEmailChecks(text, tags, () => true, undefined, true);
    report('checks_first_run_ms', performance.now() - t0, 'ms');
    // Every run a changed text, as after a keystroke (the checks keep the last reading of an unchanged text).
    const edited = [0, 1].map((k) => `${text.slice(0, mid)}${k ? 'x' : ''}${text.slice(mid)}`);
    const editedTags = edited.map((t) => parse(t).tags);
    let n = 0;
    report('checks_100kb_ms', time(() => {
      const k = n++ % 2;
      checks.runEmailChecks(edited[k], editedTags[k], () => true, undefined, true);
    }, 1000), 'ms');
    report('checks_bundle_kb', Math.round(fs.statSync(bundle).size / 1024), 'KB');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
