/**
 * The live preview as the extension runs it: the renderer in its worker thread, driven by the host's
 * RenderClient, on the corpus's 100 KB newsletter (or a generated one). The extension host only posts a message
 * and waits, so typing is never blocked; these figures say how soon the preview catches up after a pause.
 * - preview_first_render_ms: the first render after the preview opens (worker start and module load included);
 * - preview_render_100kb_ms: median round trip of later renders, each on a changed text (no inlining cache hit);
 * - preview_keystroke_to_html_ms: that round trip plus the 150 ms pause the preview waits for after typing;
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

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const TYPING_DELAY_MS = 150;

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
  const big = path.join(CORPUS, 'large-100kb.html');
  const fieldsFile = path.join(CORPUS, 'list-fields.json');
  const html = fs.existsSync(big)
    ? fs.readFileSync(big, 'utf8')
    : `<html><head><style>.x{color:#333}</style></head><body>${'<p class="x">Hi {{first_name:there}}</p>\n'.repeat(3000)}<a href="{{ocx_unsubscribe_link}}">x</a></body></html>`;
  const fields: ListField[] = fs.existsSync(fieldsFile) ? (JSON.parse(fs.readFileSync(fieldsFile, 'utf8')) as ListField[]) : [];
  const values = sampleProfile(fields).values;
  const client = new RenderClient({ script });
  try {
    let t0 = performance.now();
    await client.render({ html }, { values, fields });
    report('preview_first_render_ms', performance.now() - t0, 'ms');
    const ms: number[] = [];
    for (let i = 0; i < 12; i++) {
      const text = html.replace('</body>', `<p>edit ${i}</p></body>`);
      t0 = performance.now();
      const r = await client.render({ html: text }, { values, fields });
      if (!r) throw new Error('a render was dropped');
      ms.push(performance.now() - t0);
    }
    const median = ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)];
    report('preview_render_100kb_ms', median, 'ms');
    report('preview_keystroke_to_html_ms', median + TYPING_DELAY_MS, 'ms');
  } finally {
    client.dispose();
  }
}
