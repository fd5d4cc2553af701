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

/** Serves library items' HTML (read-only) to the editor. */
export class ItemDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** What the last read said about each document beyond its HTML (for checks that need it). */
  private readonly metas = new Map<string, { unsubscribeDefaultLink?: boolean; subject: string; name: string }>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly pool: ClientPool,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const ref = parseItemUri(uri);
    if (!ref) throw new Error(`${uri.toString()} is not an Ongage library address.`);
    const profile = this.connections.get(ref.profileId);
    if (!profile) throw new Error('The connection of this document was signed out. Sign in again and reopen the item from the Library view.');
    const client = await this.pool.client(profile);
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    const email = await client.getEmail(ref.itemId, { listId: ref.listId, signal: ac.signal });
    this.metas.set(uri.toString(), { unsubscribeDefaultLink: email.unsubscribeDefaultLink, subject: email.subject, name: email.name });
    return email.contentHtml ?? '';
  }

  meta(uri: string): { unsubscribeDefaultLink?: boolean; subject: string; name: string } | undefined {
    return this.metas.get(uri);
  }

  reload(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
