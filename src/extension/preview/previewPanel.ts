import { monitorEventLoopDelay, type IntervalHistogram } from 'perf_hooks';
import * as vscode from 'vscode';
import { RenderClient } from '../../preview/client';
import { webviewNonce } from './nonce';
import { writeFileAtomic } from '../../core/files';
import { overlaySample, parseSamplesText, SAMPLES_PATH, samplesTemplate } from '../../core/fields/samples';
import type { SampleProfile } from '../../core/language/fields';
import { sampleProfile } from '../../core/fields/catalog';
import { titleOf } from '../../core/render/title';
import type { CheckClient } from '../../check-worker/client';
import { diffText } from '../../shared/patch';
import { parseFromWebview, type FromWebview, type PreviewContent, type PreviewNote, type PreviewView, type ToWebview } from '../../shared/messages';
import { PART_SUFFIX } from '../../core/library/parts';
import { setWalkthroughContext } from '../send/walkthrough';
import type { ConnectionManager } from '../accounts/connectionManager';
import { DOCUMENT_SCHEME, itemUri, parseItemUri, type ItemFileSystem } from '../documents/itemDocuments';
import type { ExtensionFieldSource } from '../fields/fieldSource';

/** The client-support score is computed this long after the last rendering (a pause in typing). */
const SUPPORT_PAUSE_MS = 300;

export const PREVIEW_VIEW_TYPE = 'ongage.preview';

export interface PreviewDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  fields: ExtensionFieldSource;
  documents: ItemFileSystem;
  connections: ConnectionManager;
  /** Scores the email's client support off the extension host's thread. */
  checker: CheckClient;
}

/**
 * Documents the preview can show: library items' HTML and HTML files (a text part or an item's settings has
 * nothing to lay out; with one of those active, the preview stays on the item's HTML).
 */
export function isPreviewable(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme === DOCUMENT_SCHEME) return parseItemUri(doc.uri)?.part === 'html';
  return doc.languageId === 'html' && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled' || doc.uri.scheme === 'vscode-remote');
}

/**
 * The live preview: one panel beside the editor that follows the active email. It renders in the extension
 * host with the editor-free renderer (header + body + footer, Ongage's language, CSS inlined) and posts the
 * result to the webview, on open, on every pause in typing, when the list's fields arrive and when the
 * sample profiles change.
 */
export class PreviewManager implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private document: vscode.TextDocument | undefined;
  private profileIndex = 0;
  private version = 0;
  /** A render is wanted (something changed since the last one started). */
  private dirty = false;
  /** The render loop runs: one render at a time, each with the latest text. */
  private pumping = false;
  private ready = false;
  private profiles: SampleProfile[] = [];
  /** The profile of the rendering on screen (what a test sent from the preview fills in). */
  private shownProfile: SampleProfile | undefined;
  private sampleErrors: string[] = [];
  /** Where each note shown in the webview points in the document (same order as the notes). */
  private noteTargets: Array<{ start: number; end: number; fix?: { at: number; text: string } } | undefined> = [];
  /** The text of the document the notes were rendered from (a fix applies only to that text). */
  private notesText = '';
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderer: RenderClient;
  private readonly loopDelay: TypingBurstMonitor | undefined;
  /** The view the webview shows; the plain-text part is read and rendered only for the text view. */
  private view: PreviewView = 'email';
  /** The URI of the plain-text part last rendered (its edits re-render the text view). */
  private textUri: string | undefined;
  /** The final HTML on screen (what Copy and Export… write). */
  private shownHtml = '';
  /** A contact read from Ongage with Contact… (the last choice of the Sample list while set). */
  private contact: SampleProfile | undefined;

  constructor(private readonly deps: PreviewDeps) {
    const w = vscode.workspace;
    // Not a contributed setting: the journey that shows a render stopped by the time limit lowers it (15 s otherwise).
    const limit = w.getConfiguration('ongage').get<number>('debug.renderTimeoutMs');
    this.renderer = new RenderClient({
      script: vscode.Uri.joinPath(deps.context.extensionUri, 'dist', 'render-worker.js').fsPath,
      timeoutMs: typeof limit === 'number' && limit > 0 ? limit : undefined,
    });
    const samples = w.createFileSystemWatcher(`**/${SAMPLES_PATH}`);
    this.disposables.push(
      samples,
      samples.onDidChange(() => void this.loadSamples()),
      samples.onDidCreate(() => void this.loadSamples()),
      samples.onDidDelete(() => void this.loadSamples()),
      w.onDidChangeTextDocument((e) => {
        if (this.panel && e.document === this.document) {
          this.loopDelay?.change();
          this.schedule();
        } else if (this.panel && this.view === 'text' && e.document.uri.toString() === this.textUri) this.schedule();
        else if (this.panel && e.document.uri.path.endsWith(`/${SAMPLES_PATH}`)) void this.loadSamples(e.document.getText());
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (!editor || !isPreviewable(editor.document)) return;
        if (this.panel && editor.document !== this.document) this.follow(editor.document);
        else if (!this.panel) this.warm(editor.document);
      }),
      // An email shown in another group while the preview's group is active (a click in the Library view, say)
      // does not change the active editor: follow the tab that became active instead.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        if (!this.panel) return;
        const tab = [...e.opened, ...e.changed].reverse().find((t) => t.isActive && t.input instanceof vscode.TabInputText);
        const uri = tab && (tab.input as vscode.TabInputText).uri;
        if (!uri || uri.toString() === this.document?.uri.toString()) return;
        this.deps.log.debug(`Preview: tab ${uri.toString()} became active in group ${tab.group.viewColumn}`);
        void vscode.workspace.openTextDocument(uri).then(
          (doc) => {
            if (this.panel && doc !== this.document && isPreviewable(doc)) this.follow(doc);
          },
          () => undefined,
        );
      }),
      w.onDidCloseTextDocument((doc) => {
        if (doc === this.document && this.panel) this.post({ type: 'idle', message: `${this.title(doc)} was closed. Open an email to preview it.` });
      }),
      deps.fields.onDidChange(() => this.schedule()),
      w.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ongage.preview') || e.affectsConfiguration('ongage.checks')) this.schedule();
      }),
      deps.connections.onDidChange(() => this.schedule()),
    );
    const active = vscode.window.activeTextEditor?.document;
    if (active && isPreviewable(active)) this.warm(active);
    // Not a contributed setting: the workbench benchmark (bench/workbench.bench.ts) turns it on to read how long
    // the extension host's event loop waited while typing with the preview open.
    if (w.getConfiguration('ongage').get<boolean>('debug.eventLoopDelay', false)) {
      this.loopDelay = new TypingBurstMonitor((line) => deps.log.info(line));
      this.disposables.push(this.loopDelay);
    }
  }

  /**
   * An email editor became active with no preview open: start the render worker (loading the renderer and juice
   * takes most of a first preview) and have it inline the email, so Open Preview answers at once.
   */
  private warm(doc: vscode.TextDocument): void {
    if (this.renderer.started) return;
    this.deps.log.debug(`Preview: warming the renderer for ${this.title(doc)}`);
    this.renderer.warm({ html: doc.getText() });
  }

  /** Opens the preview beside the editor for `uri` (or the active editor), or brings it forward. */
  async show(uri?: vscode.Uri): Promise<void> {
    let doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    const ref = doc && doc.uri.scheme === DOCUMENT_SCHEME ? parseItemUri(doc.uri) : undefined;
    if (doc && ref && ref.part !== 'html') {
      // From the item's plain text or settings: preview its HTML.
      const name = decodeURIComponent(doc.uri.path.split('/').pop() ?? '').replace(/(\.ongage\.txt|\.ongage\.json)$/i, '');
      doc = this.deps.documents.openDocument(ref.profileId, ref.listId, ref.itemId, 'html') ?? (await vscode.workspace.openTextDocument(itemUri(ref.profileId, ref.listId, { id: ref.itemId, name }, 'html')));
    }
    if (!doc || !isPreviewable(doc)) {
      throw new Error('Open an email (an HTML file or a library item) first, then run "Ongage: Open Preview to the Side".');
    }
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        PREVIEW_VIEW_TYPE,
        'Preview',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(this.deps.context.extensionUri, 'dist')] },
      );
      this.adopt(panel);
    } else {
      this.panel.reveal(undefined, true);
    }
    this.follow(doc);
  }

  /** Takes over a panel restored by VS Code after a reload. */
  restore(panel: vscode.WebviewPanel): void {
    this.adopt(panel);
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && isPreviewable(doc)) this.follow(doc);
    else this.post({ type: 'idle', message: 'Open an email to preview it.' });
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    setWalkthroughContext('ongage.walkthrough.previewOpened', true);
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.deps.context.extensionUri, 'media', 'ongage.svg');
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.deps.context.extensionUri, 'dist')] };
    panel.webview.html = this.html(panel.webview);
    const subs = [
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const m = parseFromWebview(raw);
        if (m) void this.receive(m);
        else this.deps.log.warn(`Preview: ignored a message that is not one the preview sends: ${JSON.stringify(raw)?.slice(0, 200)}`);
      }),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible) this.schedule();
      }),
    ];
    panel.onDidDispose(() => {
      subs.forEach((s) => s.dispose());
      if (this.panel === panel) {
        this.panel = undefined;
        this.document = undefined;
        this.dirty = false;
        // The worker holds the renderer and juice: let it go until the next preview, unless an email is still
        // in the editor (it stays warm for the preview opened again, as it was warmed before the first).
        const active = vscode.window.activeTextEditor?.document;
        if (!active || !isPreviewable(active)) this.renderer.stop();
      }
    });
  }

  private follow(doc: vscode.TextDocument): void {
    const first = !this.document;
    this.document = doc;
    // The samples file is found from the followed document's workspace folder.
    if (first) void this.loadSamples();
    if (this.panel) this.panel.title = `Preview ${this.title(doc)}`;
    this.schedule();
  }

  private title(doc: vscode.TextDocument): string {
    return doc.uri.path.split('/').pop() || doc.uri.toString();
  }

  /**
   * Asks for a render. There is no typing pause: an idle preview renders at once (after the events of this turn,
   * so a burst of changes makes one render), and a busy one renders again as soon as the running render is done,
   * with the text as it is then. Renders never queue up behind each other.
   */
  private schedule(): void {
    if (!this.panel || !this.document) return;
    this.dirty = true;
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => void this.pump());
  }

  private async pump(): Promise<void> {
    try {
      while (this.dirty && this.panel) {
        this.dirty = false;
        await this.render();
      }
    } finally {
      this.pumping = false;
      this.dirty = false;
    }
  }

  private post(message: ToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  /** The rendering the webview holds (the base of the next patch); none after a (re)load of the webview. */
  private posted: { version: number; html: string } | undefined;

  /**
   * Posts a rendering: as the change from the one the webview holds when that is small (typing changes a few
   * characters of a 100 KB email), in full otherwise.
   */
  private postContent(content: PreviewContent): void {
    const base = this.posted;
    this.posted = { version: content.version, html: content.html };
    if (base) {
      const d = diffText(base.html, content.html);
      if (d.text.length + 64 < content.html.length / 2) {
        const { html: _html, ...rest } = content;
        this.post({ type: 'patch', content: rest, patch: { base: base.version, ...d } });
        return;
      }
    }
    this.post({ type: 'content', content });
  }

  private async receive(m: FromWebview): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          this.ready = true;
          this.posted = undefined;
          this.schedule();
          break;
        case 'resync':
          this.deps.log.debug('Preview: the webview asked for the next rendering in full');
          this.posted = undefined;
          this.schedule();
          break;
        case 'selectProfile':
          if (m.index >= 0 && m.index !== this.profileIndex) {
            this.profileIndex = m.index;
            this.schedule();
          }
          break;
        case 'openLink':
          await this.openLink(m.href);
          break;
        case 'revealNote':
          await this.reveal(m.index);
          break;
        case 'fixNote':
          await this.fixNote(m.index);
          break;
        case 'editSamples':
          await this.editSamples();
          break;
        case 'sendTest':
          await this.sendTest();
          break;
        case 'setView':
          if (m.view !== this.view) {
            this.view = m.view;
            this.schedule();
          }
          break;
        case 'copyHtml':
          await vscode.env.clipboard.writeText(this.shownHtml);
          void vscode.window.showInformationMessage(`Copied the final HTML (${Math.round(Buffer.byteLength(this.shownHtml) / 102.4) / 10} KB): CSS inlined, filled in for ${this.shownProfile?.label ?? 'the sample contact'}.`);
          break;
        case 'exportHtml':
          await this.exportHtml();
          break;
        case 'previewContact':
          await this.previewContact();
          break;
      }
    } catch (e) {
      this.deps.log.error(`Preview: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage(`Ongage preview: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** A test of the followed email; content sent by embed carries the values the preview rendered with. */
  private async sendTest(): Promise<void> {
    const doc = this.document;
    if (!doc) throw new Error('Open an email to preview first; the preview sends a test of the email it shows.');
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.shownProfile?.values ?? {})) values[k] = v === null || v === undefined ? '' : String(v);
    await vscode.commands.executeCommand('ongage.sendTest', { uri: doc.uri.toString(), values, profileLabel: this.shownProfile?.label });
  }

  /**
   * Opens a link clicked in the email outside VS Code, without a question of its own: web and mailto links go to
   * `env.openExternal`, where VS Code's link protection asks about a domain the user has not trusted; anything
   * else is refused with the reason.
   */
  /**
   * Asks for an email, reads that contact of the document's list from Ongage and previews with their real fields;
   * then offers to keep them as a sample profile (their values only; nothing about the connection).
   */
  private async previewContact(): Promise<void> {
    const doc = this.document;
    if (!doc) throw new Error('Open an email to preview first.');
    const email = (
      await vscode.window.showInputBox({
        title: 'Preview as a Contact',
        prompt: 'The email address of a contact of the list (read from Ongage)',
        placeHolder: 'jane.doe@example.com',
        validateInput: (v) => (/^[^@\s]+@[^@\s]+$/.test(v.trim()) ? undefined : 'Type an email address.'),
      })
    )?.trim();
    if (!email) return;
    const { profile, own } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading ${email} from Ongage` }, () =>
      this.deps.fields.contactSample(doc.uri.toString(), email),
    );
    this.contact = profile;
    this.profileIndex = 1 + this.profiles.length;
    this.schedule();
    const save = await vscode.window.showInformationMessage(`Previewing as ${email}, with their fields from Ongage.`, 'Save as Sample Profile');
    if (save) await this.saveContactProfile(email, own);
  }

  /** Adds the contact's values to .ongage/samples.json as a profile labelled with their email. */
  private async saveContactProfile(email: string, own: SampleProfile['values']): Promise<void> {
    const uri = this.samplesUri();
    if (!uri) throw new Error(`Open a folder to keep sample profiles in ${SAMPLES_PATH}.`);
    let data: { profiles: Array<{ label: string; values: Record<string, unknown> }> } = { profiles: [] };
    let text: string | undefined;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      text = undefined; // not there yet: created below
    }
    const exists = text !== undefined;
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch (e) {
        throw new Error(`${SAMPLES_PATH} is not valid JSON (${e instanceof Error ? e.message : String(e)}): fix it first, then save the contact again.`);
      }
      if (Array.isArray(parsed)) data = { profiles: parsed };
      else if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { profiles?: unknown }).profiles)) data = parsed as typeof data;
      else throw new Error(`${SAMPLES_PATH} is not { "profiles": [ … ] }: fix it first, then save the contact again.`);
    }
    const values: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(own)) if (v !== undefined) values[k] = v;
    data.profiles = data.profiles.filter((p) => p && p.label !== email);
    data.profiles.push({ label: email, values });
    const out = `${JSON.stringify(data, null, 2)}\n`;
    if (uri.scheme === 'file') await writeFileAtomic(uri.fsPath, out);
    else await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(out));
    void vscode.window.showInformationMessage(`Saved ${email} as a sample profile in ${SAMPLES_PATH}${exists ? '' : ' (created)'}.`);
    this.contact = undefined;
    await this.loadSamples();
    const i = this.profiles.findIndex((p) => p.label === email);
    if (i >= 0) this.profileIndex = i + 1;
    this.schedule();
  }

  /** Saves the final HTML on screen to a file the user picks (beside the email by default). */
  private async exportHtml(): Promise<void> {
    const doc = this.document;
    if (!doc || !this.shownHtml) throw new Error('Nothing rendered yet: open an email to preview first.');
    const name = this.title(doc).replace(/\.html?$/i, '');
    const dir = doc.uri.scheme === 'file' ? vscode.Uri.joinPath(doc.uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: dir && vscode.Uri.joinPath(dir, `${name}.final.html`),
      filters: { HTML: ['html'] },
      title: 'Export the final HTML',
    });
    if (!target) return;
    if (target.toString() === doc.uri.toString()) throw new Error('Choose another file: exporting over the email itself would replace its template with this rendering.');
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(this.shownHtml));
    void vscode.window.showInformationMessage(`Exported the final HTML to ${target.fsPath || target.toString()}.`);
  }

  /**
   * The plain-text part of the previewed email: a library item's text part (as edited, when it is open), or for
   * a workspace file the text file beside it (`<name>.ongage.txt`, else `<name>.txt`).
   */
  private async textPart(doc: vscode.TextDocument): Promise<{ text: string; source: string } | { missing: string }> {
    const candidates: vscode.Uri[] = [];
    const ref = doc.uri.scheme === DOCUMENT_SCHEME ? parseItemUri(doc.uri) : undefined;
    if (ref) {
      const open = this.deps.documents.openDocument(ref.profileId, ref.listId, ref.itemId, 'text');
      if (open) {
        this.textUri = open.uri.toString();
        return { text: open.getText(), source: 'the library item\'s plain text' };
      }
      const name = decodeURIComponent(doc.uri.path.split('/').pop() ?? '').replace(/\.html$/i, '');
      candidates.push(itemUri(ref.profileId, ref.listId, { id: ref.itemId, name }, 'text'));
    } else {
      const base = doc.uri.path.replace(/\.html?$/i, '');
      candidates.push(doc.uri.with({ path: `${base}${PART_SUFFIX.text}` }), doc.uri.with({ path: `${base}.txt` }));
    }
    for (const uri of candidates) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      try {
        const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        this.textUri = uri.toString();
        return { text, source: ref ? 'the library item\'s plain text' : uri.path.split('/').pop() ?? '' };
      } catch {
        // Not there: try the next name.
      }
    }
    this.textUri = candidates[0]?.toString();
    return {
      missing: ref
        ? 'This library email has no plain-text part.'
        : `No plain-text part beside this file: create ${candidates[0].path.split('/').pop()} (or a .txt of the same name) to preview it.`,
    };
  }

  private async openLink(href: string): Promise<void> {
    let uri: vscode.Uri | undefined;
    try {
      uri = /^(https?|mailto):/i.test(href) ? vscode.Uri.parse(href, true) : undefined;
    } catch {
      uri = undefined;
    }
    if (!uri) {
      void vscode.window.showInformationMessage(`The preview does not open "${href}": only web and mailto links open from it.`);
      return;
    }
    await vscode.env.openExternal(uri);
  }

  /** Applies a note's fix (` !important` after a declaration) to the document, if it has not changed since. */
  private async fixNote(index: number): Promise<void> {
    const fix = this.noteTargets[index]?.fix;
    const doc = this.document;
    if (!fix || !doc) return;
    if (doc.getText() !== this.notesText) {
      void vscode.window.showInformationMessage('The email changed since this note was made; try the fix again on the updated note.');
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(fix.at), fix.text);
    await vscode.workspace.applyEdit(edit);
  }

  private async reveal(index: number): Promise<void> {
    const note = this.noteTargets[index];
    const doc = this.document;
    if (!note || !doc) return;
    const range = new vscode.Range(doc.positionAt(note.start), doc.positionAt(note.end));
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: range });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private samplesUri(): vscode.Uri | undefined {
    const doc = this.document;
    const folder = (doc && vscode.workspace.getWorkspaceFolder(doc.uri)) ?? vscode.workspace.workspaceFolders?.[0];
    return folder && vscode.Uri.joinPath(folder.uri, ...SAMPLES_PATH.split('/'));
  }

  private async editSamples(): Promise<void> {
    const uri = this.samplesUri();
    if (!uri) throw new Error(`Open a folder to keep sample profiles in ${SAMPLES_PATH}.`);
    const base = this.document && this.deps.fields.sample(this.document.uri.toString());
    const template = samplesTemplate(base);
    // Created only if it is not there (a file that appears meanwhile is opened, never overwritten).
    if (uri.scheme === 'file') {
      try {
        await writeFileAtomic(uri.fsPath, template, { exclusive: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    } else {
      const edit = new vscode.WorkspaceEdit();
      edit.createFile(uri, { ignoreIfExists: true, contents: new TextEncoder().encode(template) });
      await vscode.workspace.applyEdit(edit);
    }
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One });
  }

  /** Reads the sample profiles (nothing before a preview opens: activation does no file I/O for it). */
  private async loadSamples(text?: string): Promise<void> {
    if (!this.panel) return;
    const uri = this.samplesUri();
    let content = text;
    if (content === undefined && uri) {
      try {
        content = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        content = undefined;
      }
    }
    const parsed = content === undefined ? { profiles: [], errors: [] } : parseSamplesText(content);
    this.profiles = parsed.profiles;
    this.sampleErrors = parsed.errors;
    for (const e of parsed.errors) this.deps.log.warn(e);
    this.schedule();
  }

  private async render(): Promise<void> {
    const doc = this.document;
    if (!this.panel || !doc || !this.ready || !this.panel.visible) return;
    const version = ++this.version;
    const uri = doc.uri.toString();
    const text = doc.getText();
    const notes: PreviewNote[] = this.sampleErrors.map((message) => ({ message, part: 'html' as const }));
    let header: string | null = null;
    let footer: string | null = null;
    const composed: string[] = [];
    let subject = '';
    let preheader = '';
    if (doc.uri.scheme === DOCUMENT_SCHEME) {
      const meta = this.deps.documents.meta(uri);
      subject = meta?.subject ?? '';
      preheader = meta?.preheader ?? '';
      if (meta && (meta.headerTemplateId != null || meta.footerTemplateId != null)) {
        this.post({ type: 'rendering' });
        const t = await this.deps.documents.composed(uri);
        if (version !== this.version) return;
        header = t.header?.html ?? null;
        footer = t.footer?.html ?? null;
        if (t.header) composed.push(`header template "${t.header.name}"`);
        if (t.footer) composed.push(`footer template "${t.footer.name}"`);
        for (const e of t.errors) {
          notes.push({ message: `The ${e.which} template ${e.id} could not be read (${e.message}); the preview shows the email without it.`, part: e.which });
        }
      }
    } else {
      // A file carries no subject of its own; its <title> is what authors put there.
      subject = titleOf(text)?.trim() ?? '';
    }

    const textPart = this.view === 'text' ? await this.textPart(doc) : undefined;
    if (version !== this.version) return;
    const base = this.deps.fields.sample(uri) ?? sampleProfile([], undefined, 'sample contact');
    const choices = [base, ...this.profiles.map((p) => overlaySample(base, p)), ...(this.contact ? [this.contact] : [])];
    if (this.profileIndex >= choices.length) this.profileIndex = 0;
    const chosen = choices[this.profileIndex];
    try {
      const rendered = await this.renderer.render(
        { html: text, header, footer, subject, preheader, text: textPart && 'text' in textPart ? textPart.text : undefined },
        { values: chosen.values, fields: this.deps.fields.fields(uri) ?? undefined, inlineCss: vscode.workspace.getConfiguration('ongage').get<boolean>('preview.inlineCss', true) },
      );
      // Overtaken by a newer render (the user kept typing), or the panel closed meanwhile.
      if (!rendered || version !== this.version || !this.panel) return;
      const { result, ms } = rendered;
      const targets: Array<{ start: number; end: number; fix?: { at: number; text: string } } | undefined> = notes.map(() => undefined);
      for (const n of result.notes) {
        targets.push(n.part === 'html' ? { start: n.start, end: n.end, fix: n.fix && { at: n.fix.at, text: n.fix.text } } : undefined);
        const pos = n.part === 'html' ? doc.positionAt(n.start) : undefined;
        notes.push({ message: n.message, part: n.part, line: pos?.line, character: pos?.character, fix: n.part === 'html' ? n.fix?.title : undefined });
      }
      const content: PreviewContent = {
        title: this.title(doc),
        subject: result.subject,
        preheader: result.preheader,
        html: result.html,
        profile: this.profileIndex,
        profiles: choices.map((c, i) => (i === 0 ? `${c.label} (from the list's fields)` : c.label)),
        composed,
        notes,
        bytes: Buffer.byteLength(result.html, 'utf8'),
        support: this.knownSupport(text),
        version,
        text: !textPart ? undefined : 'missing' in textPart ? { missing: textPart.missing } : { body: result.text ?? textPart.text, source: textPart.source },
      };
      this.shownHtml = result.html;
      this.noteTargets = targets;
      this.notesText = text;
      this.shownProfile = chosen;
      this.deps.log.debug(`Preview of ${content.title} rendered in ${Math.round(ms)} ms (${content.bytes} bytes, ${notes.length} notes)`);
      this.postContent(content);
      if (!content.support) this.scoreSupport(uri, text);
    } catch (e) {
      this.deps.log.error(`Preview of ${this.title(doc)} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      this.post({ type: 'failed', title: `Could not render ${this.title(doc)}`, message: `${e instanceof Error ? e.message : String(e)}. The Ongage log (Ongage: Show Log) has the details.` });
    }
  }

  private lastSupport?: { text: string; clients: string; support: PreviewContent['support'] };
  private supportTimer: ReturnType<typeof setTimeout> | undefined;

  /** The target clients of the client-support score (the defaults when none are set). */
  private supportClients(): string[] {
    return vscode.workspace.getConfiguration('ongage.checks').get<string[]>('clients') ?? [];
  }

  /** The score already known for this text and these clients (the toolbar shows it with the rendering). */
  private knownSupport(text: string): PreviewContent['support'] {
    const s = this.lastSupport;
    return s && s.text === text && s.clients === this.supportClients().join(',') ? s.support : undefined;
  }

  /**
   * Scores the email's client support in the check worker once typing pauses (the score rarely changes with a
   * keystroke, and it never delays the rendering), then sends it to the toolbar if that text is still shown.
   */
  private scoreSupport(uri: string, text: string): void {
    clearTimeout(this.supportTimer);
    if (this.knownSupport(text)) return;
    this.supportTimer = setTimeout(() => void this.scoreNow(uri, text), SUPPORT_PAUSE_MS);
  }

  private async scoreNow(uri: string, text: string): Promise<void> {
    const clients = this.supportClients();
    let support: PreviewContent['support'];
    try {
      const s = await this.deps.checker.support(uri, text, clients.length ? clients : undefined);
      if (!s) return;
      support = {
        text: `Client support ${s.score}%`,
        detail: `${s.fullSupport} of ${s.clients} target client versions get every feature in full${s.costliest.length ? `; costs most: ${s.costliest.map((c) => `${c.title} (${c.clients})`).join(', ')}` : ''}`,
      };
    } catch (e) {
      this.deps.log.warn(`Client-support score failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.lastSupport = { text, clients: clients.join(','), support };
    if (this.panel && this.notesText === text && this.document?.uri.toString() === uri) this.post({ type: 'support', support });
  }

  private html(webview: vscode.Webview): string {
    const dist = vscode.Uri.joinPath(this.deps.context.extensionUri, 'dist');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css'));
    const nonce = webviewNonce();
    // Emails load their images and fonts from the web and style themselves inline; nothing else runs. The email's
    // frame is an about:srcdoc document written by the page (no data: or web frames).
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} https: http: data:`,
      `font-src ${webview.cspSource} https: data:`,
      `style-src ${webview.cspSource} 'unsafe-inline' https:`,
      `script-src 'nonce-${nonce}'`,
      'frame-src about:',
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Ongage preview</title>
</head>
<body>
<div id="root"></div>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.dirty = false;
    clearTimeout(this.supportTimer);
    this.renderer.dispose();
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * Event-loop delay of the extension host during a typing burst (changes to the previewed document less than 2 s
 * apart), logged when the burst ends: `Preview event-loop delay while typing: p50 … ms, p99 … ms, max … ms over
 * … s (… changes)`.
 */
class TypingBurstMonitor implements vscode.Disposable {
  private histogram: IntervalHistogram | undefined;
  private started = 0;
  private changes = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly write: (line: string) => void) {}

  change(): void {
    if (!this.histogram) {
      this.histogram = monitorEventLoopDelay({ resolution: 5 });
      this.histogram.enable();
      this.started = performance.now();
      this.changes = 0;
    }
    this.changes++;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.end(), 2000);
  }

  private end(): void {
    const h = this.histogram;
    if (!h) return;
    h.disable();
    this.histogram = undefined;
    // The histogram holds the time between ticks of a 5 ms timer: the delay is what exceeds those 5 ms.
    const ms = (ns: number) => Math.max(0, ns / 1e6 - 5).toFixed(1);
    const seconds = ((performance.now() - this.started - 2000) / 1000).toFixed(1);
    this.write(`Preview event-loop delay while typing: p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, max ${ms(h.max)} ms over ${seconds} s (${this.changes} changes)`);
  }

  dispose(): void {
    clearTimeout(this.idle);
    this.histogram?.disable();
  }
}
