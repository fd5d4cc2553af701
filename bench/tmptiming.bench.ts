import * as fs from 'fs';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import type { Report } from './run';
import { typingPoint } from './typing';
import { Workbench } from '../test/e2e/harness/workbench';
const CORPUS = path.resolve(__dirname, '..', '..', 'shared', 'corpus');
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
function lineCol(text: string, offset: number) { const b = text.slice(0, offset); return { line: b.split('\n').length, col: offset - b.lastIndexOf('\n') }; }
async function until<T>(f: () => Promise<T | undefined | false>, timeout = 60000): Promise<T> {
  const d = Date.now() + timeout;
  for (;;) { const v = await f().catch(() => undefined); if (v) return v; if (Date.now() > d) throw new Error('timeout'); await delay(5); }
}
export default async function (_report: Report): Promise<void> {
  const big = fs.readFileSync(path.join(CORPUS, process.env.TFILE ?? 'large-100kb.html'), 'utf8');
  const wb = await Workbench.launch({ name: 'bench-tmp', settings: {}, files: { 'big.html': big } });
  try {
    const page = wb.page;
    const emailFrame = async (): Promise<Frame | undefined> => {
      for (const f of page.frames()) {
        if (f.url() !== 'about:srcdoc') continue;
        const parent = f.parentFrame();
        if (parent && (await parent.evaluate(() => document.querySelector('#root .toolbar') !== null).catch(() => false))) return f;
      }
      return undefined;
    };
    await wb.openFile('big.html');
    await page.locator('.editor-group-container .monaco-editor').first().click();
    await delay(4000);
    let t0 = Date.now();
    const reqs: string[] = [];
    const ctx = page.context();
    ctx.on('request', (r) => { const st = Date.now() - t0; r.response().then(() => reqs.push(`${st}->${Date.now() - t0} ${r.url().slice(0, 110)}`)).catch(() => reqs.push(`${st} FAIL ${r.url().slice(0, 110)}`)); });
    ctx.on('serviceworker', () => reqs.push(`${Date.now() - t0} SW`));
    const lb = wb.extensionLog().length;
    await page.keyboard.press('Control+K');
    await page.keyboard.press('v');
    const f0 = await until(emailFrame);
    const tf = Date.now() - t0;
    await until(() => f0.evaluate(() => (document.body?.textContent ?? '').length > 1000));
    console.log('first', Date.now() - t0, 'frame found', tf);
    const l0 = wb.extensionLog().slice(lb);
    console.log([...l0.matchAll(/TIMING (\w+) (\d+)(.*)/g)].map((m) => `${m[1]}+${Number(m[2]) - t0}${m[3]}`).join(' '));
    console.log(reqs.join('\n'));
    const par = f0.parentFrame()!;
    console.log(await par.evaluate((t) => { const w = window as unknown as { tStart: number; timings: number[][] }; return `script+${w.tStart - t} recv+${w.timings[0][0] - t} shown+${w.timings[0][1] - t}`; }, t0));
    // Close the preview and open it again.
    for (let k = 0; k < 2; k++) {
      await page.keyboard.press('Control+2').catch(() => undefined);
      await delay(300);
      await wb.runCommand('View: Close Editor Group').catch((e) => console.log('close', e.message));
      await delay(1500);
      await page.locator('.editor-group-container .monaco-editor').first().click();
      await delay(1000);
      const lb2 = wb.extensionLog().length;
      const t1 = Date.now();
      await page.keyboard.press('Control+K');
      await page.keyboard.press('v');
      const f1 = await until(emailFrame);
      await until(() => f1.evaluate(() => (document.body?.textContent ?? '').length > 1000));
      console.log('again', Date.now() - t1, [...wb.extensionLog().slice(lb2).matchAll(/TIMING (\w+) (\d+)(.*)/g)].map((m) => `${m[1]}+${Number(m[2]) - t1}${m[3]}`).join(' '));
    }
    await page.locator('.editor-group-container .monaco-editor').first().click();
    await delay(1000);
    const { line, col } = lineCol(big, typingPoint(big));
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input.input').first().fill(`:${line}:${col}`);
    await page.keyboard.press('Enter');
    await delay(500);
    let typed = '';
    const rows: string[] = [];
    for (let i = 0; i < 15; i++) {
      const c = 'qzxjkvw'[i % 7];
      typed += c;
      const logBefore = wb.extensionLog().length;
      t0 = Date.now();
      await page.keyboard.type(c);
      const f = await until(emailFrame);
      await until(() => f.evaluate((s) => (document.body?.textContent ?? '').includes(s), typed), 15000);
      const t9 = Date.now();
      await delay(400);
      const log = wb.extensionLog().slice(logBefore);
      const ts = [...log.matchAll(/TIMING (\w+) (\d+)(.*)/g)].map((m) => `${m[1]}+${Number(m[2]) - t0}${m[3].includes('worker') ? '(w' + m[3].split('worker ')[1] + ')' : ''}`);
      const parent = f.parentFrame()!;
      const tim: number[][] = await parent.evaluate(() => (window as unknown as { timings: number[][] }).timings.slice(-3));
      const last = tim.filter((x) => x[0] >= t0).map((x) => `recv+${x[0] - t0} shown+${x[1] - t0}`);
      rows.push(`total ${t9 - t0} | ${ts.join(' ')} | ${last.join(' ')}`);
    }
    console.log(rows.join('\n'));
  } finally {
    await wb.close();
  }
}
