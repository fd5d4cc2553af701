/**
 * The messages between the preview webview and the extension host: one typed union each way, imported by both
 * sides (webview/main.ts and src/extension/preview/). Plain data only: everything crosses postMessage.
 */
import type { HtmlPatch } from './patch';

export type PreviewWidth = 'desktop' | 'mobile';

/**
 * What the preview shows: the email, the email with `prefers-color-scheme: dark` applied, the plain-text part as
 * the recipient reads it, or the final HTML (inlined and personalized) as source.
 */
export type PreviewView = 'email' | 'dark' | 'text' | 'source';
export const PREVIEW_VIEWS: readonly PreviewView[] = ['email', 'dark', 'text', 'source'];

/** A remark on the rendering, with where it comes from (shown under the toolbar; clicking reveals it). */
export interface PreviewNote {
  message: string;
  part: 'html' | 'header' | 'footer' | 'subject' | 'preheader';
  /** 0-based line and character in the previewed document, for notes on its own HTML. */
  line?: number;
  character?: number;
  /** The title of a fix the host can apply (`fixNote`), e.g. "Add !important". */
  fix?: string;
}

/** A client-support score as the toolbar shows it. */
export interface PreviewSupport {
  text: string;
  detail: string;
}

/** Everything the webview shows for one rendering of a document. */
export interface PreviewContent {
  /** The document's file name, shown in the toolbar. */
  title: string;
  /** The rendered subject and preheader, as an inbox would show them. */
  subject: string;
  preheader: string;
  /** The rendered HTML, CSS inlined, shown in a sandboxed frame (no scripts). */
  html: string;
  /** Which sample profile was used, and the ones to choose from. */
  profile: number;
  profiles: string[];
  /** Which header and footer templates were composed in, by name, when any. */
  composed: string[];
  notes: PreviewNote[];
  /** Size of the rendered HTML in bytes (Gmail clips messages over 102 KB). */
  bytes: number;
  /**
   * The client-support score of the email, as a short status text and the features that cost most, when known for
   * this text. It is computed in the check worker after the rendering, and sent with a `support` message then;
   * while it is on its way the toolbar keeps the last score of the same document.
   */
  support?: PreviewSupport;
  /** Increases with every rendering, so the webview can tell updates apart in tests and drop stale ones. */
  version: number;
  /**
   * The plain-text part rendered for the same contact (sent while the text view is shown): its text, and where it
   * comes from; or why there is none.
   */
  text?: { body: string; source: string } | { missing: string };
}

/** Extension host → webview. */
export type ToWebview =
  | { type: 'content'; content: PreviewContent }
  /**
   * A rendering given as the change to the HTML of rendering `patch.base` (the one before it, which the webview
   * holds); a webview that holds another answers `resync` and gets the next rendering in full.
   */
  | { type: 'patch'; content: Omit<PreviewContent, 'html'>; patch: HtmlPatch }
  /** The client-support score of the text last rendered (sent only while that text is the one shown). */
  | { type: 'support'; support?: PreviewSupport }
  | { type: 'rendering' }
  | { type: 'failed'; title: string; message: string }
  | { type: 'idle'; message: string };

/** Webview → extension host. */
export type FromWebview =
  | { type: 'ready' }
  /** A patch came for a rendering the webview does not hold: send the next one in full. */
  | { type: 'resync' }
  | { type: 'selectProfile'; index: number }
  | { type: 'openLink'; href: string }
  | { type: 'revealNote'; index: number }
  | { type: 'fixNote'; index: number }
  | { type: 'editSamples' }
  /** The toolbar's Send Test button: a test of the previewed email, with the values the preview shows. */
  | { type: 'sendTest' }
  /** The view chosen in the toolbar (the host renders the plain-text part only while it is shown). */
  | { type: 'setView'; view: PreviewView }
  /** The final-HTML view's buttons: the host copies or saves the HTML it rendered last (never text from the page). */
  | { type: 'copyHtml' }
  | { type: 'exportHtml' }
  /** The toolbar's Contact… button: preview as a contact of the list, looked up by email. */
  | { type: 'previewContact' };

/**
 * Reads a message from the webview, or undefined when it is not one of FromWebview (the host acts only on what it
 * validated: a webview is a page, and a page can be made to post anything).
 */
export function parseFromWebview(m: unknown): FromWebview | undefined {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'resync':
    case 'editSamples':
    case 'sendTest':
    case 'copyHtml':
    case 'exportHtml':
    case 'previewContact':
      return { type: o.type };
    case 'setView':
      return typeof o.view === 'string' && (PREVIEW_VIEWS as readonly string[]).includes(o.view) ? { type: 'setView', view: o.view as PreviewView } : undefined;
    case 'selectProfile':
    case 'revealNote':
    case 'fixNote':
      return typeof o.index === 'number' && Number.isSafeInteger(o.index) && o.index >= 0 ? { type: o.type, index: o.index } : undefined;
    case 'openLink':
      return typeof o.href === 'string' && o.href.length <= 8192 ? { type: 'openLink', href: o.href } : undefined;
    default:
      return undefined;
  }
}

/** The state the webview keeps across reloads (vscode.getState/setState). */
export interface WebviewState {
  width: PreviewWidth;
  view?: PreviewView;
}
