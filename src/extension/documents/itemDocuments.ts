import * as vscode from 'vscode';
import type { LibraryItem } from '../../core/library/model';
import type { ClientPool } from '../accounts/clients';
import type { ConnectionManager } from '../accounts/connectionManager';

export const DOCUMENT_SCHEME = 'ongage';

/** `ongage:/<connection>/<list>/<id>/<name>.html`: the HTML of a library item. */
export function itemUri(profileId: string, listId: number, item: Pick<LibraryItem, 'id' | 'name'>): vscode.Uri {
  const safe = item.name.replace(/[\\/:*?"<>|#%]+/g, '-').trim() || `item-${item.id}`;
  return vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: `/${profileId}/${listId}/${item.id}/${safe}.html` });
}

export function parseItemUri(uri: vscode.Uri): { profileId: string; listId: number; itemId: number } | undefined {
  const m = /^\/([^/]+)\/(\d+)\/(\d+)\//.exec(uri.path);
  return m ? { profileId: m[1], listId: Number(m[2]), itemId: Number(m[3]) } : undefined;
}

/** What the last read of a library document said about it beyond its HTML. */
export interface ItemMeta {
  unsubscribeDefaultLink?: boolean;
  subject: string;
  preheader: string;
  name: string;
  headerTemplateId?: number | null;
  footerTemplateId?: number | null;
}

export interface TemplatePart {
  id: number;
  name: string;
  html: string;
}

export interface ComposedTemplates {
  header?: TemplatePart;
  footer?: TemplatePart;
  errors: Array<{ which: 'header' | 'footer'; id: number; message: string }>;
}

function templateKey(profileId: string, listId: number, id: number): string {
  return `${profileId}/${listId}/${id}`;
}

/** Serves library items' HTML (read-only) to the editor. */
export class ItemDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** What the last read said about each document beyond its HTML (for checks that need it). */
  private readonly metas = new Map<string, ItemMeta>();
  private readonly templates = new Map<string, Promise<TemplatePart>>();
  private readonly loaded = new Map<string, TemplatePart>();
  private readonly templatesLoaded = new vscode.EventEmitter<void>();
  /** Fires when a header or footer template has been fetched. */
  readonly onDidLoadTemplates = this.templatesLoaded.event;

  private readonly connectionsChanged: vscode.Disposable;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly pool: ClientPool,
  ) {
    this.connectionsChanged = connections.onDidChange(() => this.forgetTemplates());
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const ref = parseItemUri(uri);
    if (!ref) throw new Error(`${uri.toString()} is not an Ongage library address.`);
    const profile = this.connections.get(ref.profileId);
    if (!profile) throw new Error('The connection of this document was signed out. Sign in again and reopen the item from the Library view.');
    const client = await this.pool.client(profile);
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    const email = await client.getEmail(ref.itemId, { listId: ref.listId, signal: ac.signal });
    this.metas.set(uri.toString(), {
      unsubscribeDefaultLink: email.unsubscribeDefaultLink,
      subject: email.subject,
      preheader: email.preheader,
      name: email.name,
      headerTemplateId: email.headerTemplateId,
      footerTemplateId: email.footerTemplateId,
    });
    return email.contentHtml ?? '';
  }

  /**
   * The header and footer templates Ongage composes around a library email, fetched once per connection.
   * Errors are reported per template, so the rest still composes.
   */
  async composed(uri: string): Promise<ComposedTemplates> {
    const meta = this.metas.get(uri);
    const ref = parseItemUri(vscode.Uri.parse(uri));
    const out: ComposedTemplates = { errors: [] };
    if (!meta || !ref) return out;
    for (const which of ['header', 'footer'] as const) {
      const id = which === 'header' ? meta.headerTemplateId : meta.footerTemplateId;
      if (id === null || id === undefined) continue;
      try {
        out[which] = await this.template(ref.profileId, ref.listId, id);
      } catch (e) {
        out.errors.push({ which, id, message: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  }

  /** The templates' HTML when already fetched (starting the fetch otherwise; onDidLoadTemplates fires then). */
  composedNow(uri: string): string[] | undefined {
    const meta = this.metas.get(uri);
    const ref = parseItemUri(vscode.Uri.parse(uri));
    if (!meta || !ref) return undefined;
    const ids = [meta.headerTemplateId, meta.footerTemplateId].filter((id): id is number => id !== null && id !== undefined);
    const done = ids.map((id) => this.loaded.get(templateKey(ref.profileId, ref.listId, id)));
    if (done.every((t) => t !== undefined)) return done.map((t) => t!.html);
    void this.composed(uri).catch(() => undefined);
    return undefined;
  }

  private template(profileId: string, listId: number, id: number): Promise<TemplatePart> {
    const key = templateKey(profileId, listId, id);
    let p = this.templates.get(key);
    if (!p) {
      p = (async () => {
        const profile = this.connections.get(profileId);
        if (!profile) throw new Error('the connection was signed out');
        const t = await (await this.pool.client(profile)).getEmail(id, { listId });
        const part = { id, name: t.name, html: t.contentHtml ?? '' };
        this.loaded.set(key, part);
        this.templatesLoaded.fire();
        return part;
      })();
      p.catch(() => this.templates.delete(key));
      this.templates.set(key, p);
    }
    return p;
  }

  /** Forgets fetched templates (after a sign-out, or to see edits made elsewhere). */
  forgetTemplates(): void {
    this.templates.clear();
    this.loaded.clear();
  }

  meta(uri: string): ItemMeta | undefined {
    return this.metas.get(uri);
  }

  reload(uri: vscode.Uri): void {
    this.forgetTemplates();
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
    this.templatesLoaded.dispose();
    this.connectionsChanged.dispose();
  }
}
