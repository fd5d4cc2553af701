/**
 * The live preview as the extension runs it: the renderer in its worker thread, driven by the host's
 * RenderClient, on the corpus's 100 KB newsletter (or a generated one). The extension host only posts a message
 * and waits, so typing is never blocked; these figures say how soon the preview catches up after a pause.
 * - preview_first_render_ms: the first render in a cold worker (worker start and module load included);
 * - preview_first_render_warmed_ms: the same after the worker was warmed with the email (as when its editor became
 *   active before the preview opened);
 * - preview_keystroke_to_html_ms (and _p95_ms, _20kb_ms): round trip of a render after one character typed in
 *   body text (the preview renders at once, no pause; the inlined template is patched);
 * - preview_render_100kb_ms / preview_render_20kb_ms: median round trip after a markup change (juice runs again);
 * - preview_worker_bundle_kb / extension_bundle_kb: what loads when the preview opens, and at activation.
 * The worker and the extension are built here as `node esbuild.js --production` builds them, into a temporary
 * folder, so the figures are those of what ships.
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Report } from './run';
import { sampleProfile } from '../src/core/fields/catalog';
import type { ListField } from '../src/core/language/fields';
import { RenderClient } from '../src/preview/client';
import { typingPoint } from './typing';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');

async function build(entry: string, outfile: string): Promise<number> {
  await esbuild.build({ entryPoints: [path.join(ROOT, entry)], outfile, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'silent' });
  return fs.statSync(outfile).size;
}

export default async function (report: Report): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-bench-preview-'));
  try {
    const worker = path.join(tmp, 'render-worker.js');
    report('preview_worker_bundle_kb', Math.round((await build('src/preview/worker.ts', worker)) / 1024), 'KB');
    report('extension_bundle_kb', Math.round((await build('src/extension/extension.ts', path.join(tmp, 'extension.js'))) / 1024), 'KB');
    await measure(report, worker);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function measure(report: Report, script: string): Promise<void> {
  const fieldsFile = path.join(CORPUS, 'list-fields.json');
  const fields: ListField[] = fs.existsSync(fieldsFile) ? (JSON.parse(fs.readFileSync(fieldsFile, 'utf8')) as ListField[]) : [];
  const values = sampleProfile(fields).values;
  for (const [file, size] of [
    ['large-100kb.html', '100kb'],
    ['large-20kb.html', '20kb'],
  ] as const) {
    const big = path.join(CORPUS, file);
    const html = fs.existsSync(big)
      ? fs.readFileSync(big, 'utf8')
      : `<html><head><style>.x{color:#333}</style></head><body>${'<p class="x">Hi {{first_name:there}}</p>\n'.repeat(size === '100kb' ? 3000 : 600)}<a href="{{ocx_unsubscribe_link}}">x</a></body></html>`;
    const client = new RenderClient({ script });
    try {
      let t0 = performance.now();
      await client.render({ html }, { values, fields });
      if (size === '100kb') report('preview_first_render_ms', performance.now() - t0, 'ms');
      // Typing in text: each keystroke's text patched into the inlined template (no juice run).
      const at = typingPoint(html);
      let text = html;
      const typed: number[] = [];
      for (let i = 0; i < 30; i++) {
        text = text.slice(0, at + i) + 'abcdefghij'[i % 10] + text.slice(at + i);
        t0 = performance.now();
        const r = await client.render({ html: text }, { values, fields });
        if (!r) throw new Error('a render was dropped');
        typed.push(performance.now() - t0);
      }
      // Markup changes (an element added): inlined again by juice.
      const markup: number[] = [];
      for (let i = 0; i < 12; i++) {
        const edited = text.replace('</body>', `<p>edit ${i}</p></body>`);
        t0 = performance.now();
        const r = await client.render({ html: edited }, { values, fields });
        if (!r) throw new Error('a render was dropped');
        markup.push(performance.now() - t0);
      }
      if (size === '100kb') {
        // No typing pause: a keystroke's text goes to the worker at once, so keystroke → HTML is the round trip.
        report('preview_keystroke_to_html_ms', median(typed), 'ms');
        report('preview_keystroke_to_html_p95_ms', p95(typed), 'ms');
        report('preview_render_100kb_ms', median(markup), 'ms');
      } else {
        report('preview_keystroke_to_html_20kb_ms', median(typed), 'ms');
        report('preview_render_20kb_ms', median(markup), 'ms');
      }
    } finally {
      client.dispose();
    }
  }
  // The first preview when the worker was warmed as the email editor became active (what the extension does).
  const html = fs.existsSync(path.join(CORPUS, 'large-100kb.html')) ? fs.readFileSync(path.join(CORPUS, 'large-100kb.html'), 'utf8') : '<p>x</p>';
  const client = new RenderClient({ script });
  try {
    client.warm({ html });
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = performance.now();
    await client.render({ html }, { values, fields });
    report('preview_first_render_warmed_ms', performance.now() - t0, 'ms');
  } finally {
    client.dispose();
  }
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}
