// Drives the real extension in a real VS Code workbench (code-server) through Chromium, for the journeys in
// test/e2e/*.e2e.ts. Start with useWorkbench() inside a describe(); see test/e2e/README.md for the helper list.
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import * as env from './env';

export interface TreeRow {
  label: string;
  description: string;
  /** 1 for top-level rows. */
  level: number;
  /** undefined for leaves. */
  expanded: boolean | undefined;
  ariaLabel: string;
}

export interface LaunchOptions {
  /** Names the artifacts folder: .test-artifacts/e2e/<name>/. */
  name: string;
  /** User settings on top of the harness's base settings (written to the throwaway profile). */
  settings?: Record<string, unknown>;
  /** Files to create in the opened (temporary) workspace folder, by relative path. */
  files?: Record<string, string>;
}

const DEFAULT_TIMEOUT = 20000;
const processStarted = Date.now();

/** The journey's artifacts folder, emptied of what earlier runs left (files of this run, e.g. sandbox.log, stay). */
function artifactsDir(name: string): string {
  const dir = path.join(env.artifactsRoot, 'e2e', slug(name));
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (fs.statSync(p).mtimeMs < processStarted) fs.rmSync(p, { recursive: true, force: true });
  }
  return dir;
}

/** The extension's VSIX installed once per test process into a shared extensions folder. */
let sharedExtensions: { dir: string; profile: string } | undefined;
function extensionsDir(): string {
  if (!sharedExtensions) {
    if (!fs.existsSync(env.vsixPath)) throw new Error(`${env.vsixPath} is missing: run \`node test/e2e/setup.js\` (npm run test:e2e does) first.`);
    if (!env.harnessReady()) throw new Error('The harness (Node 24 + code-server) is not installed: run `node test/e2e/setup.js` first.');
    const dir = env.mkTemp('ongage-e2e-ext-');
    const profile = env.mkTemp('ongage-e2e-install-');
    sharedExtensions = { dir, profile }; // both removed when the process exits (env.mkTemp)
    env.installExtension(env.vsixPath, dir, profile);
  }
  return sharedExtensions.dir;
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

export class Workbench {
  private shot = 0;
  private constructor(
    readonly page: Page,
    readonly artifacts: string,
    readonly folder: string,
    private readonly browser: Browser,
    private readonly server: env.CodeServer,
  ) {}

  /** Starts code-server with the extension installed and a throwaway profile, and opens it in Chromium. */
  static async launch(opts: LaunchOptions): Promise<Workbench> {
    const artifacts = artifactsDir(opts.name);
    const folder = env.mkTemp('ongage-e2e-folder-');
    for (const [rel, text] of Object.entries(opts.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(folder, rel)), { recursive: true });
      fs.writeFileSync(path.join(folder, rel), text);
    }
    const server = await env.startCodeServer({
      folder,
      settings: opts.settings,
      extensionsDir: extensionsDir(),
      logFile: path.join(artifacts, 'code-server.log'),
    });
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: env.chromiumPath, args: env.chromiumArgs, headless: true });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(DEFAULT_TIMEOUT);
      const consoleLog = fs.createWriteStream(path.join(artifacts, 'browser-console.log'));
      page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
      page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));
      await page.goto(server.url);
      const wb = new Workbench(page, artifacts, folder, browser, server);
      await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60000 });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
      return wb;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      await server.close();
      env.rmTemp(folder);
      throw e;
    }
  }

  /** Stops Chromium and code-server (the whole process group) and removes the temporary folders. */
  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    this.keepExtensionLog();
    await this.server.close();
    env.rmTemp(this.folder);
  }

  /** The extension's Ongage log files in the throwaway profile (one per window session), oldest first. */
  extensionLogFiles(): string[] {
    const found: string[] = [];
    const walk = (dir: string, depth: number): void => {
      if (depth > 8) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p, depth + 1);
        else if (/Ongage\.log$/.test(e.name)) found.push(p);
      }
    };
    try {
      walk(path.join(this.server.userDataDir, 'logs'), 0);
    } catch {
      // No logs folder yet: the extension never activated.
    }
    return found.sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
  }

  /** Everything the extension wrote to its Ongage log on disk (not only the lines the Output view has rendered). */
  extensionLog(): string {
    return this.extensionLogFiles()
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
  }

  /** Copies the extension's Ongage log out of the throwaway profile into the artifacts, for failures to read. */
  private keepExtensionLog(): void {
    try {
      this.extensionLogFiles().forEach((f, i) => fs.copyFileSync(f, path.join(this.artifacts, `ongage-extension${i ? `-${i}` : ''}.log`)));
    } catch {
      // No log written (the extension never activated): nothing to keep.
    }
  }

  /** Saves a numbered PNG of the whole page into the journey's artifacts folder; returns its path. */
  async screenshot(step: string): Promise<string> {
    this.shot += 1;
    const file = path.join(this.artifacts, `${String(this.shot).padStart(2, '0')}-${slug(step)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  // ---- activity bar, views ------------------------------------------------------------------------------------

  /** The activity bar entry whose aria-label starts with `title` (e.g. "Ongage"). */
  activityItem(title: string): Locator {
    return this.page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${cssString(title)}"]`).first();
  }

  /** Opens the view container `container` from the activity bar (no-op when it is already shown). */
  async openView(container: string): Promise<void> {
    const item = this.activityItem(container);
    await item.waitFor({ state: 'visible' });
    const li = item.locator('xpath=..');
    const sidebar = this.page.locator('.part.sidebar');
    // Right after a reload the container can be the selected one while the side bar is still hidden: a click then
    // shows it. A click on the selected container of a visible side bar would hide it, so that one is never made.
    const deadline = Date.now() + 20000;
    for (;;) {
      const checked = (await li.getAttribute('aria-selected')) === 'true' || /\bchecked\b/.test((await li.getAttribute('class')) ?? '');
      const shown = await sidebar.isVisible();
      if (checked && shown) return;
      if (Date.now() > deadline) throw new Error(`The ${container} view did not show within 20 s (selected: ${checked}, side bar visible: ${shown})`);
      await item.click();
      await sidebar.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
    }
  }

  /** The side bar's title (e.g. "ONGAGE: LIBRARY" when the container holds one view). */
  async sideBarTitle(): Promise<string> {
    return (await this.page.locator('.part.sidebar .composite.title .title-label').first().innerText()).trim();
  }

  /** Titles of the view panes shown in the side bar (pane headers, or the side bar title for a single view). */
  async viewTitles(): Promise<string[]> {
    const headers = await this.page.locator('.part.sidebar .pane-header .title').allInnerTexts();
    return headers.map((t) => t.trim()).filter(Boolean);
  }

  /** The body of the visible view pane (the first one, or the one whose header title is `view`). */
  paneBody(view?: string): Locator {
    const sidebar = this.page.locator('.part.sidebar');
    if (!view) return sidebar.locator('.pane-body').first();
    return sidebar
      .locator('.pane')
      .filter({ has: this.page.locator('.pane-header .title', { hasText: new RegExp(`^${escapeRegExp(view)}$`, 'i') }) })
      .locator('.pane-body')
      .first();
  }

  // ---- welcome content -----------------------------------------------------------------------------------------

  /** The welcome content of the visible view ('' when none is shown). */
  async welcomeText(view?: string): Promise<string> {
    const w = this.paneBody(view).locator('.welcome-view-content');
    if ((await w.count()) === 0 || !(await w.first().isVisible())) return '';
    return (await w.first().innerText()).trim();
  }

  /** Waits until the visible view shows welcome content containing `text`; returns the whole welcome text. */
  async waitForWelcome(text: string | RegExp = /\S/, opts: { view?: string; timeout?: number } = {}): Promise<string> {
    const timeout = opts.timeout ?? DEFAULT_TIMEOUT;
    const deadline = Date.now() + timeout;
    for (;;) {
      const shown = await this.welcomeText(opts.view);
      if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
      if (Date.now() > deadline) throw new Error(`No welcome content ${text} within ${timeout / 1000} s; shown: ${JSON.stringify(shown)}`);
      await env.delay(200);
    }
  }

  /** Labels of the buttons in the visible welcome content. */
  async welcomeButtons(view?: string): Promise<string[]> {
    const b = this.paneBody(view).locator('.welcome-view-content .monaco-button');
    return (await b.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  }

  /** Clicks the welcome-content button labelled `label`. */
  async clickWelcomeButton(label: string, view?: string): Promise<void> {
    await this.paneBody(view).locator('.welcome-view-content .monaco-button', { hasText: label }).first().click();
  }

  // ---- trees ----------------------------------------------------------------------------------------------------

  /** The rows of the tree in the visible view, top to bottom (only rendered rows, as a user sees them). */
  async treeRows(view?: string): Promise<TreeRow[]> {
    const rows = this.paneBody(view).locator('.monaco-list-row');
    return rows.evaluateAll((els) =>
      els
        .map((el) => ({
          top: parseFloat((el as HTMLElement).style.top || '0'),
          label: (el.querySelector('.label-name')?.textContent ?? el.textContent ?? '').trim(),
          description: (el.querySelector('.label-description')?.textContent ?? '').trim(),
          level: Number(el.getAttribute('aria-level') ?? '1'),
          expanded: el.hasAttribute('aria-expanded') ? el.getAttribute('aria-expanded') === 'true' : undefined,
          ariaLabel: el.getAttribute('aria-label') ?? '',
        }))
        .sort((a, b) => a.top - b.top)
        .map(({ top: _top, ...row }) => row),
    );
  }

  /** The tree row whose label is `label` (exact string, or a RegExp). */
  treeItem(label: string | RegExp, view?: string): Locator {
    const re = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
    return this.paneBody(view)
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: re }) })
      .first();
  }

  /** Waits until a row labelled `label` is in the tree and returns its details. */
  async waitForTreeItem(label: string | RegExp, opts: { view?: string; timeout?: number } = {}): Promise<TreeRow> {
    const timeout = opts.timeout ?? DEFAULT_TIMEOUT;
    const deadline = Date.now() + timeout;
    for (;;) {
      const rows = await this.treeRows(opts.view);
      const hit = rows.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(`No tree item ${label} within ${timeout / 1000} s; rows shown: ${JSON.stringify(rows.map((r) => r.label))}`);
      }
      await env.delay(200);
    }
  }

  /**
   * Expands the tree row labelled `label` (waits for it first) and waits until it stays expanded. Works on the
   * row by label each time, since the tree re-renders (and reuses) row elements while data streams in.
   */
  async expand(label: string | RegExp, view?: string): Promise<void> {
    await this.waitForTreeItem(label, { view });
    const deadline = Date.now() + DEFAULT_TIMEOUT;
    let expandedSince = 0;
    let lastClick = 0;
    for (;;) {
      const row = this.treeItem(label, view);
      const state = await row.getAttribute('aria-expanded', { timeout: 2000 }).catch(() => null);
      if (state === 'true') {
        if (!expandedSince) expandedSince = Date.now();
        if (Date.now() - expandedSince >= 400) return;
      } else {
        expandedSince = 0;
        if (state === 'false' && Date.now() - lastClick > 1500) {
          await row.locator('.monaco-tl-twistie').click({ timeout: 2000 }).catch(() => undefined);
          lastClick = Date.now();
        }
      }
      if (Date.now() > deadline) throw new Error(`Tree item ${label} did not stay expanded within ${DEFAULT_TIMEOUT / 1000} s (aria-expanded=${state})`);
      await env.delay(100);
    }
  }

  /** Clicks (selects / opens) the tree row labelled `label`. */
  async clickTreeItem(label: string | RegExp, view?: string): Promise<void> {
    await this.waitForTreeItem(label, { view });
    await this.treeItem(label, view).click();
  }

  // ---- commands, notifications --------------------------------------------------------------------------------

  /**
   * Runs a command from the palette by its full title, e.g. "Ongage: Use the Local Sandbox", and waits for the
   * palette to close — unless `opensInput`: for a command that goes on to ask (an input box or a pick).
   */
  async runCommand(title: string, opts: { opensInput?: boolean } = {}): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input').first();
    // A quick input still open or closing (Quick Open, an earlier prompt) would swallow the typing: close it and
    // let it go before opening the palette afresh.
    const widget = this.page.locator('.quick-input-widget').first();
    if (await widget.isVisible()) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    }
    await this.openQuickInput('F1');
    await input.fill(`>${title}`);
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const exact = rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) }).first();
    try {
      await exact.waitFor({ state: 'visible', timeout: 10000 });
    } catch {
      const shown = (await rows.allInnerTexts()).map((t) => t.split('\n')[0]);
      await this.page.keyboard.press('Escape');
      throw new Error(`Command "${title}" is not in the palette; shown: ${JSON.stringify(shown.slice(0, 10))}`);
    }
    await exact.click();
    if (!opts.opensInput) await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /**
   * Presses `key` to open a quick input (the palette, Quick Open) and returns its input once visible. A key pressed
   * while the focus is inside a webview (the preview after a click in it, or just after Ctrl+1 moved it out) reaches
   * the workbench only through the webview's forwarding, which can drop it while the focus moves: the key is pressed
   * again, at most twice more, only while no quick input is shown (a second press would close it again).
   */
  async openQuickInput(key: string): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget input.input').first();
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press(key);
      try {
        await input.waitFor({ state: 'visible', timeout: attempt < 3 ? 4000 : DEFAULT_TIMEOUT });
        return input;
      } catch (e) {
        if (attempt >= 3) throw e;
        // Take the focus out of any webview before trying again, so the key reaches the workbench itself.
        if (!(await input.isVisible())) await this.blurWebview();
      }
    }
  }

  /** Moves the focus out of a webview frame (to the workbench's document), if one holds it. */
  async blurWebview(): Promise<void> {
    await this.page.evaluate(() => {
      const a = document.activeElement;
      if (a instanceof HTMLIFrameElement) a.blur();
    });
  }

  /**
   * Focuses the first editor group (Ctrl+1), the editor's group beside a preview, and waits until it is the active
   * one; the key is pressed again from the workbench's focus if a webview swallowed it.
   */
  async focusFirstEditorGroup(): Promise<void> {
    const first = this.page.locator('.editor-group-container').first();
    const isActive = async () => ((await first.getAttribute('class')) ?? '').split(/\s+/).includes('active');
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+1');
      const deadline = Date.now() + 3000;
      while (!(await isActive()) && Date.now() < deadline) await env.delay(100);
      if (await isActive()) return;
      if (attempt >= 3) throw new Error('Ctrl+1 did not make the first editor group the active one');
      await this.blurWebview();
    }
  }

  /** Messages of the notification toasts shown now. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map((t) => t.trim());
  }

  /** Waits for a notification toast whose message matches `text` (substring or RegExp) and returns it. */
  async waitForNotification(text: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const shown = await this.notifications();
      const hit = shown.find((m) => (typeof text === 'string' ? m.includes(text) : text.test(m)));
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`No notification ${text} within ${timeout / 1000} s; shown: ${JSON.stringify(shown)}`);
      await env.delay(200);
    }
  }

  // ---- editors, panels -----------------------------------------------------------------------------------------

  /** Titles of the open editor tabs. */
  async editorTabs(): Promise<string[]> {
    return this.page.locator('.tabs-container .tab').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  }

  /** Opens a file of the workspace folder by relative path (Quick Open) and waits for its tab. */
  async openFile(relPath: string): Promise<void> {
    const name = path.basename(relPath);
    const input = await this.openQuickInput('Control+P');
    await input.fill(relPath);
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: name }) })
      .first();
    await row.click();
    await this.page.locator(`.tabs-container .tab.active[data-resource-name="${cssString(name)}"]`).waitFor({ state: 'visible' });
  }

  /** Types into the active text editor at the cursor. */
  async typeInEditor(text: string): Promise<void> {
    // Focus without a click, so the cursor stays where it is (the start of a freshly opened file).
    const input = this.page.locator('.editor-group-container.active .monaco-editor').first().locator('.native-edit-context, textarea.inputarea').first();
    await input.focus();
    await this.page.keyboard.type(text);
  }

  /** The visible text of the active text editor (rendered lines only). */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
    return lines.evaluateAll((els) =>
      els
        .map((el) => ({ top: parseFloat((el as HTMLElement).style.top || '0'), text: (el.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text)
        .join('\n'),
    );
  }

  /** Rows of the Problems panel, one line each (file rows and marker rows; opens the panel). */
  async problems(): Promise<string[]> {
    if (!(await this.page.locator('.markers-panel').first().isVisible())) await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    return (await this.page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map((t) => t.trim().replace(/\s*\n\s*/g, ' '));
  }

  /** The channel the Output panel shows and its visible text (waits for the panel and some text). */
  async activeOutput(timeout = DEFAULT_TIMEOUT): Promise<{ channel: string; text: string }> {
    const select = this.page.locator('.part.panel select.monaco-select-box[aria-label="Switch Output"]').filter({ visible: true }).first();
    await select.waitFor({ state: 'visible', timeout });
    const lines = this.page.locator('.part.panel .monaco-editor .view-lines').first();
    await lines.waitFor({ state: 'visible', timeout });
    const deadline = Date.now() + timeout;
    let text = '';
    while (!(text = (await lines.innerText()).replace(/\u00a0/g, " ").trim()) && Date.now() < deadline) await env.delay(200);
    return { channel: await select.inputValue(), text };
  }

  /** Shows Output channel `channel` through the palette (Output: Show Output Channels...) and returns its text. */
  async showOutput(channel: string): Promise<{ channel: string; text: string }> {
    await this.runCommand('Output: Show Output Channels...', { opensInput: true });
    const input = this.page.locator('.quick-input-widget input.input').first();
    await input.waitFor({ state: 'visible' });
    await input.fill(channel);
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(channel)}$`) }) })
      .first();
    await row.click();
    return this.activeOutput();
  }

  // ---- webviews ------------------------------------------------------------------------------------------------

  /**
   * The frames holding webview content (the inner `active-frame` of each webview), skipping the frame that hosts
   * the web worker extension host.
   */
  async webviewFrames(): Promise<Frame[]> {
    const out: Frame[] = [];
    for (const f of this.page.frames()) {
      if (f === this.page.mainFrame()) continue;
      if (!/^(active|pending)-frame$/.test(f.name()) && !/fake\.html|index\.html\?.*purpose=webviewView|\/webview\//.test(f.url())) continue;
      if (f.childFrames().length > 0) continue;
      const body = await f
        .evaluate(() => document.body?.innerText ?? '')
        .catch(() => '');
      if (body.trimStart().startsWith('(function')) continue;
      out.push(f);
    }
    return out;
  }

  /**
   * Waits for a frame (at any depth: webviews nest frames, and a webview may hold frames of its own) in which
   * `selector` matches, and returns it.
   */
  /** The preview's own page (toolbar, inbox line, notes, views). */
  previewPage(): Promise<Frame> {
    return this.waitForFrame('#root .toolbar');
  }

  /** The preview's frame with the rendered email (an about:srcdoc document inside the preview's page). */
  async previewEmailFrame(): Promise<Frame> {
    const p = await this.previewPage();
    const deadline = Date.now() + DEFAULT_TIMEOUT;
    for (;;) {
      const f = p.childFrames().find((c) => c.url() === 'about:srcdoc');
      if (f) return f;
      if (Date.now() > deadline) throw new Error(`No email frame in the preview within ${DEFAULT_TIMEOUT / 1000} s`);
      await env.delay(100);
    }
  }

  /** The text the preview's email frame shows ('' while there is none). */
  async previewEmailText(): Promise<string> {
    return (await this.previewEmailFrame()).evaluate(() => document.body?.innerText ?? '').catch(() => '');
  }

  /**
   * With the sandbox connected on start-up (useConnectedWorkbench): opens the Ongage view, waits for the sandbox's
   * Newsletter list, then opens `file` of the workspace when given.
   */
  async connected(file?: string): Promise<void> {
    await this.openView('Ongage');
    await this.waitForTreeItem('Newsletter', { timeout: 30000 });
    if (file) await this.openFile(file);
  }

  async waitForFrame(selector: string, timeout = DEFAULT_TIMEOUT): Promise<Frame> {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const f of this.page.frames()) {
        if (f === this.page.mainFrame()) continue;
        const hit = await f.evaluate((sel) => document.querySelector(sel) !== null, selector).catch(() => false);
        if (hit) return f;
      }
      if (Date.now() > deadline) throw new Error(`No frame with ${selector} within ${timeout / 1000} s`);
      await env.delay(250);
    }
  }

  /** Waits for a webview whose text contains `text` and returns its frame. */
  async waitForWebview(text: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<Frame> {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const f of await this.webviewFrames()) {
        const body = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (typeof text === 'string' ? body.includes(text) : text.test(body)) return f;
      }
      if (Date.now() > deadline) throw new Error(`No webview showing ${text} within ${timeout / 1000} s`);
      await env.delay(250);
    }
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

// ---- mocha wiring ------------------------------------------------------------------------------------------------

/**
 * Registers before/after hooks in the current describe() that launch a workbench and close it (also when tests
 * fail), and take a `failure-<test>` screenshot after each failed test. Returns a getter for the workbench.
 * `opts` may be a function, evaluated in the before hook (after earlier hooks, such as useSandbox(), have run).
 */
export function useWorkbench(opts: LaunchOptions | (() => LaunchOptions)): () => Workbench {
  let wb: Workbench | undefined;
  before(async function () {
    this.timeout(180000);
    wb = await Workbench.launch(typeof opts === 'function' ? opts() : opts);
  });
  afterEach(async function () {
    if (wb && this.currentTest?.state === 'failed') await wb.screenshot(`failure-${this.currentTest.title}`).catch(() => undefined);
  });
  after(async function () {
    this.timeout(30000);
    await wb?.close();
    wb = undefined;
  });
  return () => {
    if (!wb) throw new Error('The workbench did not start; see the before hook error.');
    return wb;
  };
}

/**
 * Registers before/after hooks that start the project's sandbox server on a free loopback port (a child process,
 * `npm run sandbox -- --port N`) and stop it. Returns a getter for { url, port }.
 */
export function useSandbox(name: string): () => env.Sandbox {
  let sb: env.Sandbox | undefined;
  before(async function () {
    this.timeout(90000);
    const dir = artifactsDir(name);
    sb = await env.startSandbox({ logFile: path.join(dir, 'sandbox.log') });
  });
  after(async function () {
    await sb?.close();
    sb = undefined;
  });
  return () => {
    if (!sb) throw new Error('The sandbox did not start; see the before hook error.');
    return sb;
  };
}

/**
 * A journey's sandbox and a workbench that connects to it on start-up (`ongage.sandbox.autoConnect`), with the
 * journey's files and settings; `Workbench.connected()` then waits for the connection.
 */
export function useConnectedWorkbench(
  name: string,
  opts: { files: Record<string, string>; settings?: Record<string, unknown> },
): { sandbox: () => env.Sandbox; wb: () => Workbench } {
  const sandbox = useSandbox(name);
  const wb = useWorkbench(() => ({
    name,
    settings: { 'ongage.sandbox.url': sandbox().url, 'ongage.sandbox.autoConnect': true, ...opts.settings },
    files: opts.files,
  }));
  return { sandbox, wb };
}

/** The extension's package.json. */
export function manifest(): {
  contributes: { commands?: Array<{ command: string; title: string; category?: string }>; [k: string]: unknown };
  [k: string]: unknown;
} {
  return JSON.parse(fs.readFileSync(path.join(env.root, 'package.json'), 'utf8'));
}

/** The palette title of a contributed command ("Category: Title"), or undefined when package.json lacks it. */
export function commandTitle(id: string): string | undefined {
  const c = manifest().contributes.commands?.find((x) => x.command === id);
  return c ? (c.category ? `${c.category}: ${c.title}` : c.title) : undefined;
}
