/**
 * The live preview's webview. It shows what the extension host rendered: a toolbar (sample profile, desktop or
 * mobile width), the inbox line (subject and preheader), notes on the rendering, and the email in a sandboxed
 * frame that runs no script. Links never navigate the frame: a click goes to the host, which opens web and mailto
 * links outside through VS Code (whose link protection asks about domains the user has not trusted) and says why
 * any other link does not open.
 * The frame is morphed into each new rendering (webview/frame.ts), so scroll position and images stay while the
 * user types; a changed head or style sheet replaces the document and restores the scroll position.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import './preview.css';
import { EmailFrame } from './frame';
import { darkHtml, declaresDarkStyles } from './views';
import { applyPatch } from '../src/shared/patch';
import type { FromWebview, PreviewContent, PreviewView, PreviewWidth, ToWebview, WebviewState } from '../src/shared/messages';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const state: WebviewState = vscode.getState() ?? { width: 'desktop' };
const post = (m: FromWebview) => vscode.postMessage(m);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, text?: string): HTMLElementTagNameMap[K];
function el(tag: string, attrs?: Record<string, string>, text?: string): HTMLElement;
function el(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const root = document.getElementById('root')!;
const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Preview' });
const title = el('span', { class: 'title' });
const busy = el('vscode-progress-ring', { class: 'busy', 'aria-label': 'Rendering' });
const profileLabel = el('label', { class: 'profile-label', for: 'profile' }, 'Sample');
const profile = el('vscode-single-select', { id: 'profile', 'aria-label': 'Sample profile' }) as HTMLElement & { selectedIndex: number };
const contact = el('vscode-button', { id: 'preview-contact', secondary: '', title: 'Preview as a contact of the list, looked up in Ongage by email' }, 'Contact…');
const editSamples = el('vscode-button', { secondary: '', title: 'Edit the sample profiles (.ongage/samples.json)' }, 'Edit samples…');
const desktop = el('vscode-button', { 'data-width': 'desktop', title: 'Desktop width (600 px and wider)' }, 'Desktop');
const mobile = el('vscode-button', { 'data-width': 'mobile', title: 'Mobile width (375 px)' }, 'Mobile');
const sendTest = el('vscode-button', { id: 'send-test', title: 'Send a test of this email (Ongage: Send Test…), filled in as shown' }, 'Send test…');
const size = el('vscode-badge', { class: 'size', title: 'Size of the rendered HTML' });
const viewLabel = el('label', { class: 'profile-label', for: 'view' }, 'View');
const viewSelect = el('vscode-single-select', { id: 'view', 'aria-label': 'View' }) as HTMLElement & { value: string };
const VIEW_LABELS: Record<PreviewView, string> = { email: 'Email', dark: 'Dark mode', text: 'Plain text', source: 'Final HTML' };
viewSelect.append(...(Object.keys(VIEW_LABELS) as PreviewView[]).map((v) => el('vscode-option', { value: v }, VIEW_LABELS[v])));
const views = el('span', { class: 'group' });
views.append(viewLabel, viewSelect);
const support = el('span', { class: 'support', role: 'status', 'aria-label': 'Client support' });
const sample = el('span', { class: 'group' });
sample.append(profileLabel, profile, contact, editSamples);
const widths = el('span', { class: 'group', role: 'group', 'aria-label': 'Width' });
widths.append(desktop, mobile, size);
const actions = el('span', { class: 'group' });
actions.append(sendTest);
toolbar.append(title, busy, views, sample, widths, support, actions);

const inbox = el('div', { class: 'inbox', 'aria-label': 'As an inbox lists it' });
const subject = el('div', { class: 'subject' });
const preheader = el('div', { class: 'preheader' });
const composed = el('div', { class: 'composed' });
inbox.append(subject, preheader, composed);

const notes = el('ul', { class: 'notes', 'aria-label': 'Notes on the rendering' });
const message = el('div', { class: 'message', role: 'status' });
const stage = el('div', { class: 'stage' });
// No allow-scripts: the email's own scripts never run. allow-same-origin lets this page keep the scroll
// position and catch link clicks; without scripts in the frame it grants the email nothing.
const frame = el('iframe', { class: 'email', title: 'Rendered email', sandbox: 'allow-same-origin' });
stage.append(frame);
// The dark view's remark, the plain-text part, and the final HTML with its buttons.
const darkNote = el('div', { id: 'dark-note', class: 'view-note', role: 'note' });
const textView = el('div', { class: 'textview' });
const textSource = el('div', { id: 'text-source', class: 'view-note' });
const textBody = el('pre', { class: 'plain-text', 'aria-label': 'Plain-text part' });
textView.append(textSource, textBody);
const sourceView = el('div', { class: 'sourceview' });
const copyHtml = el('vscode-button', { id: 'copy-html', title: 'Copy the final HTML (inlined, personalized) to the clipboard' }, 'Copy');
const exportHtml = el('vscode-button', { id: 'export-html', secondary: '', title: 'Save the final HTML to a file' }, 'Export…');
const sourceBar = el('div', { class: 'sourcebar' });
sourceBar.append(copyHtml, exportHtml);
const sourceBody = el('pre', { class: 'final-html', 'aria-label': 'Final HTML' });
sourceView.append(sourceBar, sourceBody);
root.append(toolbar, inbox, notes, message, darkNote, stage, textView, sourceView);
copyHtml.addEventListener('click', () => post({ type: 'copyHtml' }));
exportHtml.addEventListener('click', () => post({ type: 'exportHtml' }));

function applyWidth(width: PreviewWidth): void {
  state.width = width;
  vscode.setState(state);
  stage.dataset.width = width;
  for (const b of [desktop, mobile]) {
    if (b.dataset.width === width) b.removeAttribute('secondary');
    else b.setAttribute('secondary', '');
    b.setAttribute('aria-pressed', String(b.dataset.width === width));
  }
}
applyWidth(state.width);
desktop.addEventListener('click', () => applyWidth('desktop'));
mobile.addEventListener('click', () => applyWidth('mobile'));
editSamples.addEventListener('click', () => post({ type: 'editSamples' }));
contact.addEventListener('click', () => post({ type: 'previewContact' }));
sendTest.addEventListener('click', () => post({ type: 'sendTest' }));
profile.addEventListener('change', () => post({ type: 'selectProfile', index: profile.selectedIndex }));
viewSelect.addEventListener('change', () => {
  const v = viewSelect.value as PreviewView;
  if (v in VIEW_LABELS && v !== state.view) {
    state.view = v;
    vscode.setState(state);
    post({ type: 'setView', view: v });
    if (last) showView(last);
  }
});
viewSelect.value = state.view ?? 'email';

let last: PreviewContent | undefined;

/** Shows the chosen view of a rendering (the frame for the email and dark views, text otherwise). */
function showView(content: PreviewContent): void {
  const view = state.view ?? 'email';
  document.body.dataset.view = view;
  stage.hidden = view === 'text' || view === 'source';
  textView.hidden = view !== 'text';
  sourceView.hidden = view !== 'source';
  darkNote.hidden = view !== 'dark';
  if (view === 'email') setFrame(content.html);
  else if (view === 'dark') {
    darkNote.textContent = declaresDarkStyles(content.html)
      ? 'Dark mode: the email\'s prefers-color-scheme: dark styles applied.'
      : 'This email declares no dark styles (no prefers-color-scheme: dark rules): shown with a dark page; each email client that darkens emails picks its own colours.';
    setFrame(darkHtml(content.html));
  } else if (view === 'text') {
    const t = content.text;
    if (!t) {
      textSource.textContent = 'Rendering the plain-text part…';
      textBody.textContent = '';
    } else if ('missing' in t) {
      textSource.textContent = t.missing;
      textBody.textContent = '';
    } else {
      textSource.textContent = `Plain-text part (${t.source}), for this contact:`;
      // Links as a mail app shows them in plain text: clickable, opened outside like the email's links.
      const parts = t.body.split(/(\b(?:https?:\/\/|mailto:)[^\s<>"]+)/i);
      textBody.replaceChildren(
        ...parts.map((part, i) => {
          if (i % 2 === 0) return document.createTextNode(part);
          const a = el('a', { href: '#', title: part }, part);
          a.addEventListener('click', (e) => {
            e.preventDefault();
            post({ type: 'openLink', href: part });
          });
          return a;
        }),
      );
    }
  } else {
    sourceBody.textContent = content.html;
  }
}

let shownProfiles = '';
let shownNotes = '';

function renderNotes(content: PreviewContent): void {
  notes.replaceChildren(
    ...content.notes.map((n, i) => {
      const li = el('li');
      const a = el('a', { href: '#', title: n.line !== undefined ? `Line ${n.line + 1}: show it in the editor` : '' }, n.message);
      a.addEventListener('click', (e) => {
        e.preventDefault();
        post({ type: 'revealNote', index: i });
      });
      li.append(n.line !== undefined ? a : el('span', {}, n.message));
      if (n.fix) {
        const fix = el('vscode-button', { class: 'note-fix', secondary: '', title: `${n.fix} in the editor` }, n.fix);
        fix.addEventListener('click', () => post({ type: 'fixNote', index: i }));
        li.append(' ', fix);
      }
      return li;
    }),
  );
}

let version = -1;

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
}

function showSupport(s: PreviewContent['support']): void {
  support.textContent = s?.text ?? '';
  support.title = s?.detail ?? '';
}

function show(content: PreviewContent): void {
  if (content.version <= version) return;
  version = content.version;
  document.body.dataset.version = String(version);
  title.textContent = content.title;
  subject.textContent = content.subject || '(no subject)';
  subject.classList.toggle('empty', !content.subject);
  preheader.textContent = content.preheader;
  composed.textContent = content.composed.length ? `With ${content.composed.join(' and ')}` : '';
  size.textContent = formatBytes(content.bytes);
  size.classList.toggle('over', content.bytes > 102 * 1024);
  if (content.bytes > 102 * 1024) size.title = 'Over 102 KB: Gmail clips this message';
  // A score arrives with the content when it is known for this text; otherwise its own message follows, and until
  // then the toolbar keeps the score of the same document (a different document shows none meanwhile).
  if (content.support) showSupport(content.support);
  else if (content.title !== last?.title) showSupport(undefined);
  const key = JSON.stringify(content.profiles);
  if (key !== shownProfiles) {
    shownProfiles = key;
    // The option carries its own `selected`, so the control shows the right one once it has read its options.
    profile.replaceChildren(...content.profiles.map((p, i) => el('vscode-option', i === content.profile ? { selected: '' } : {}, p)));
  }
  profile.selectedIndex = content.profile;
  // The notes rarely change while typing: rebuild the list only when they did.
  const notesKey = JSON.stringify(content.notes);
  if (notesKey !== shownNotes) {
    shownNotes = notesKey;
    renderNotes(content);
  }
  message.textContent = '';
  message.hidden = true;
  busy.hidden = true;
  last = content;
  showView(content);
}

const emailFrame = new EmailFrame(
  frame,
  (d) => d.addEventListener('click', onFrameClick, true),
  // For tests: how the frame took the last rendering, and how many of each so far.
  (how, counts) => {
    stage.dataset.update = how;
    stage.dataset.swaps = String(counts.swaps);
    stage.dataset.morphs = String(counts.morphs);
    stage.dataset.texts = String(counts.texts);
  },
);

function setFrame(html: string): void {
  emailFrame.show(html);
}

function onFrameClick(e: MouseEvent): void {
  const a = (e.target as Element | null)?.closest?.('a[href]');
  if (!a) return;
  e.preventDefault();
  const href = a.getAttribute('href') ?? '';
  if (href.startsWith('#')) {
    frame.contentDocument?.getElementById(href.slice(1))?.scrollIntoView();
    return;
  }
  post({ type: 'openLink', href });
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'content':
      show(m.content);
      break;
    case 'patch': {
      // A patch applies to the rendering it was made from; anything else (a reload in between) asks for a full one.
      if (!last || last.version !== m.patch.base) {
        post({ type: 'resync' });
        break;
      }
      show({ ...m.content, html: applyPatch(last.html, m.patch) });
      break;
    }
    case 'support':
      // The host sends it only while the text it scored is still the one shown.
      showSupport(m.support);
      break;
    case 'rendering':
      busy.hidden = false;
      break;
    case 'failed':
      busy.hidden = true;
      message.hidden = false;
      message.className = 'message error';
      message.replaceChildren(el('strong', {}, m.title), el('div', {}, m.message));
      break;
    case 'idle':
      busy.hidden = true;
      message.hidden = false;
      message.className = 'message';
      message.textContent = m.message;
      stage.hidden = true;
      textView.hidden = true;
      sourceView.hidden = true;
      darkNote.hidden = true;
      break;
  }
});

busy.hidden = true;
message.hidden = true;
textView.hidden = true;
sourceView.hidden = true;
darkNote.hidden = true;
post({ type: 'ready' });
if (state.view && state.view !== 'email') post({ type: 'setView', view: state.view });
