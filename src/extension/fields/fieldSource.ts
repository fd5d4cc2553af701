import * as vscode from 'vscode';
import { FieldCatalog, FieldStorage, sampleProfile } from '../../core/fields/catalog';
import { writeFileAtomic } from '../../core/files';
import type { FieldSource, ListField, SampleProfile } from '../../core/language/fields';
import type { ConnectionProfile } from '../../core/accounts/connections';
import type { ClientPool } from '../accounts/clients';
import type { ConnectionManager } from '../accounts/connectionManager';
import { DOCUMENT_SCHEME, ItemFileSystem, parseItemUri } from '../documents/itemDocuments';

/** Field cache files in the extension's global storage, one per connection and list. */
export function globalStorageFiles(dir: vscode.Uri): FieldStorage {
  const file = (key: string) => vscode.Uri.joinPath(dir, 'fields', `${key.replace(/[^A-Za-z0-9_-]+/g, '_')}.json`);
  return {
    async read(key) {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(file(key)));
      } catch {
        return undefined;
      }
    },
    async write(key, data) {
      // On disk, whole or not at all (core/files.ts); another file system (a remote's storage) gets VS Code's write.
      if (dir.scheme === 'file') return writeFileAtomic(file(key).fsPath, data);
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(dir, 'fields'));
      await vscode.workspace.fs.writeFile(file(key), new TextEncoder().encode(data));
    },
  };
}

/**
 * The FieldSource the language features read: a library document's own list, or the active connection's
 * chosen list for files in the workspace. Answers from memory at once; fetches missing lists in the
 * background and fires onDidChange when they arrive.
 */
export class ExtensionFieldSource implements FieldSource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly defaultList = new Map<string, number>();
  private readonly samples = new Map<string, SampleProfile>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly catalog: FieldCatalog,
    private readonly connections: ConnectionManager,
    private readonly pool: ClientPool,
    private readonly documents: ItemFileSystem,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const sub = catalog.onDidChange(() => {
      this.samples.clear();
      this.changed.fire();
    });
    this.disposables.push(
      { dispose: () => sub.dispose() },
      documents.onDidLoadTemplates(() => this.changed.fire()),
      connections.onDidChange(() => {
        this.defaultList.clear();
        this.samples.clear();
        this.changed.fire();
      }),
    );
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.changed.event(listener);
  }

  /** Which connection and list a document belongs to, when known without I/O. */
  scope(uri: string): { profile: ConnectionProfile; listId: number | undefined } | undefined {
    if (uri.startsWith(`${DOCUMENT_SCHEME}:`)) {
      const ref = parseItemUri(vscode.Uri.parse(uri));
      const profile = ref && this.connections.get(ref.profileId);
      return profile && ref ? { profile, listId: ref.listId } : undefined;
    }
    const profile = this.connections.active();
    if (!profile) return undefined;
    return { profile, listId: profile.listId ?? this.defaultList.get(profile.id) };
  }

  fields(uri: string): readonly ListField[] | undefined {
    const s = this.scope(uri);
    if (!s) return undefined;
    if (s.listId === undefined) {
      this.resolveDefaultList(s.profile);
      return undefined;
    }
    const entry = this.catalog.peek(s.profile.id, s.listId);
    if (!entry || entry.origin === 'disk') this.load(s.profile, s.listId);
    return entry?.fields;
  }

  sample(uri: string): SampleProfile | undefined {
    const s = this.scope(uri);
    const fields = this.fields(uri);
    if (!s || s.listId === undefined || !fields) return undefined;
    const k = `${s.profile.id}/${s.listId}`;
    let sample = this.samples.get(k);
    if (!sample) {
      sample = sampleProfile(fields);
      this.samples.set(k, sample);
    }
    return sample;
  }

  /**
   * A contact of the document's list read from Ongage (GET /api/contacts/by_email), as a sample profile: its real
   * fields over the list's sample. Throws the client's message (not in the list, signed out, …).
   */
  async contactSample(uri: string, email: string): Promise<{ profile: SampleProfile; own: SampleProfile['values'] }> {
    const s = this.scope(uri);
    if (!s) throw new Error('Connect to Ongage first (Ongage: Sign In… or Use the Local Sandbox): a contact is read from a list.');
    const contact = await (await this.pool.client(s.profile)).getContactByEmail(email, { listId: s.listId });
    const own: SampleProfile['values'] = {};
    for (const [k, v] of Object.entries(contact.fields)) {
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') own[k] = v;
    }
    return { profile: sampleProfile(this.fields(uri) ?? [], contact.fields, `${contact.email} (from Ongage)`), own };
  }

  unsubscribeDefaultLink(uri: string): boolean | undefined {
    return this.documents.meta(uri)?.unsubscribeDefaultLink;
  }

  composedTemplates(uri: string): readonly string[] | undefined {
    return uri.startsWith(`${DOCUMENT_SCHEME}:`) ? this.documents.composedNow(uri) : undefined;
  }

  /** Fetches (again) the fields of the active list, e.g. after the user switched lists. */
  refresh(): void {
    const p = this.connections.active();
    if (!p) return;
    this.catalog.invalidate(p.id);
  }

  private load(profile: ConnectionProfile, listId: number): void {
    void this.catalog.ensure(
      profile.id,
      listId,
      async (id) => (await this.pool.client(profile)).listFields({ listId: id }),
      (e) => this.log.warn(`Could not fetch the fields of list ${listId} (${profile.name}): ${e instanceof Error ? e.message : String(e)}. Using the cached fields, if any.`),
    );
  }

  private resolving = new Set<string>();
  private resolveDefaultList(profile: ConnectionProfile): void {
    if (this.resolving.has(profile.id)) return;
    this.resolving.add(profile.id);
    this.pool
      .listsOf(profile)
      .then((lists) => {
        const first = lists.find((l) => (l.extra as Record<string, unknown>).default === true) ?? lists[0];
        if (first) {
          this.defaultList.set(profile.id, first.id);
          this.changed.fire();
        }
      })
      .catch((e) => this.log.warn(`Could not read the lists of "${profile.name}": ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => this.resolving.delete(profile.id));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
