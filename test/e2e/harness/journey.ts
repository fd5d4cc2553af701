// Small helpers the journeys share: waiting for a condition, reading the sandbox's own state over HTTP, and the
// palette and input-box steps of commands that ask questions.
import * as env from './env';
import type { Workbench } from './workbench';

/** The sandbox's default credentials, as the three Ongage headers. */
export const SANDBOX_AUTH = { X_USERNAME: 'sandbox@example.com', X_PASSWORD: 'sandbox', X_ACCOUNT_CODE: 'sandbox' };

/** A library item as the sandbox sends it (strings, as Ongage's). */
export interface WireEmail {
  id: string;
  name: string;
  subject: string;
  parent_id: string;
  favorite: string;
  content_html: string;
}

/** Polls `f` until it returns something truthy; fails with `what` after `timeout` ms. */
export async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeout = 20000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await env.delay(200);
  }
}

/** One library item read straight from the sandbox (status 404 when it is gone). */
export async function sandboxEmail(url: string, listId: number, id: number): Promise<{ status: number; email?: WireEmail }> {
  const res = await fetch(`${url}/${listId}/api/emails/${id}`, { headers: SANDBOX_AUTH });
  const body = (await res.json()) as { payload: WireEmail };
  return { status: res.status, email: res.ok ? body.payload : undefined };
}

/** A folder's items read straight from the sandbox. */
export async function sandboxFolder(url: string, listId: number, parentId: number): Promise<WireEmail[]> {
  const res = await fetch(`${url}/${listId}/api/emails?parent_id=${parentId}&page_size=200`, { headers: SANDBOX_AUTH });
  return ((await res.json()) as { payload: WireEmail[] }).payload;
}

/** Runs a palette command that goes on to ask for input (an input box or a pick of its own). */
export async function startCommand(w: Workbench, title: string): Promise<void> {
  await w.runCommand(title, { opensInput: true });
}

/** Answers the input box whose title or prompt matches `prompt`. */
export async function answer(w: Workbench, prompt: string | RegExp, value: string): Promise<void> {
  const widget = w.page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title, .quick-input-message, .quick-input-description', { hasText: prompt }).first().waitFor({ state: 'visible' });
  await widget.locator('input.input').first().fill(value);
  await w.page.keyboard.press('Enter');
}

/** What the quick input shows as its step: title, prompt and placeholder (to see the next step replace it). */
async function quickInputStep(w: Workbench): Promise<string> {
  const widget = w.page.locator('.quick-input-widget');
  if (!(await widget.isVisible())) return '';
  const parts = await Promise.all([
    widget.locator('.quick-input-title').first().innerText().catch(() => ''),
    widget.locator('.quick-input-message').first().innerText().catch(() => ''),
    widget.locator('input.input').first().getAttribute('placeholder').catch(() => ''),
  ]);
  return parts.join('\u0000');
}

/** Types `value` into the open input step and presses Enter; resolves once that step has given way to the next. */
export async function answerStep(w: Workbench, value: string): Promise<void> {
  const before = await quickInputStep(w);
  await w.page.locator('.quick-input-widget input.input').first().fill(value);
  await w.page.keyboard.press('Enter');
  await until(`the input step after "${value}"`, async () => (await quickInputStep(w)) !== before);
}

/** Waits until the rendered tree rows stop changing (pages streaming in move rows around). */
export async function settled(w: Workbench): Promise<void> {
  let last = '';
  let stableSince = Date.now();
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    const now = JSON.stringify(await w.treeRows());
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 600) {
      return;
    }
    await env.delay(100);
  }
}

/** Drags one tree row onto another the way a person does: press, move in steps, hover, release. */
export async function dragRow(w: Workbench, from: string, to: string): Promise<void> {
  await settled(w);
  const src = await w.treeItem(from).boundingBox();
  const dst = await w.treeItem(to).boundingBox();
  if (!src || !dst) throw new Error(`rows "${from}" or "${to}" are not on screen`);
  await w.page.mouse.move(src.x + src.width / 3, src.y + src.height / 2);
  await w.page.mouse.down();
  await w.page.mouse.move(src.x + src.width / 3, src.y + src.height / 2 + 8, { steps: 4 });
  await w.page.mouse.move(dst.x + dst.width / 3, dst.y + dst.height / 2, { steps: 12 });
  await env.delay(300);
  const again = await w.treeItem(to).boundingBox();
  if (!again || Math.abs(again.y - dst.y) > 2) throw new Error(`row "${to}" moved during the drag`);
  await w.page.mouse.up();
}
