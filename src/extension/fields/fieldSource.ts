import * as vscode from 'vscode';
import { isOngageError } from '../../core/api/errors';
import { FailureBackoff } from '../../core/fields/backoff';
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
 * background and fires onDidChange when they arrive. A failed fetch (of a list's fields, or of the lists to find
 * the default one) is not repeated by every keystroke: it backs off (FieldCatalog, FailureBackoff), tries again on
 * Refresh List Fields, Refresh of the library or a connection change, and is said once per connection in a
 * notification with "Show Log" (each attempt is logged).
 */
export class ExtensionFieldSource implements FieldSource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly defaultList = new Map<string, number>();
  private readonly samples = new Map<string, SampleProfile>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Failed look-ups of a connection's lists (to find its default list), by connection id. */
  private readonly listFailures = new FailureBackoff();
  /** Connections whose failure was already said (until a success, Refresh or a connection change). */
  private readonly told = new Set<string>();

  constructor(
    private readonly catalog: FieldCatalog,
    private readonly connections: ConnectionManager,
    private readonly pool: ClientPool,
    private readonly documents: ItemFileSystem,
    private readonly log: vscode.LogOutputChannel,
    /** Where the default list last found for each connection is remembered, so it is known offline after a reload. */
    private readonly memory?: vscode.Memento,
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
        this.forgetFailures();
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
    return { profile, listId: profile.listId ?? this.defaultList.get(profile.id) ?? this.rememberedDefault(profile.id) };
  }

  private rememberedDefault(profileId: string): number | undefined {
    const id = this.memory?.get<Record<string, number>>(DEFAULT_LISTS_KEY)?.[profileId];
    return typeof id === 'number' && Number.isInteger(id) ? id : undefined;
  }

  private rememberDefault(profileId: string, listId: number): void {
    if (!this.memory || this.rememberedDefault(profileId) === listId) return;
    const all = { ...(this.memory.get<Record<string, number>>(DEFAULT_LISTS_KEY) ?? {}), [profileId]: listId };
    for (const id of Object.keys(all)) if (!this.connections.get(id)) delete all[id];
    void this.memory.update(DEFAULT_LISTS_KEY, all);
  }

  fields(uri: string): readonly ListField[] | undefined {
    const s = this.scope(uri);
    if (!s) return undefined;
    // The default list is found again once per session (it can change); until then the one remembered serves.
    if (s.profile.listId === undefined && !this.defaultList.has(s.profile.id)) this.resolveDefaultList(s.profile);
    if (s.listId === undefined) return undefined;
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
    this.listFailures.forget(p.id);
    this.told.delete(p.id);
    this.catalog.invalidate(p.id);
  }

  /** Lets every failed fetch try again at once (Refresh of the library); the fields known are kept. */
  retryFailed(): void {
    this.forgetFailures();
    this.changed.fire();
  }

  private forgetFailures(): void {
    this.catalog.retryFailed();
    this.listFailures.forget();
    this.told.clear();
  }

  private load(profile: ConnectionProfile, listId: number): void {
    void this.catalog
      .ensure(
        profile.id,
        listId,
        async (id) => (await this.pool.client(profile)).listFields({ listId: id }),
        (e, failure) => {
          if (!failure) {
            this.log.warn(`Could not keep the fields of list ${listId} (${profile.name}) on disk: ${messageOf(e)}`);
            return;
          }
          this.log.warn(
            `Could not fetch the fields of list ${listId} (${profile.name}): ${messageOf(e)} Using the cached fields, if any; trying again in ${waitText(failure.retryAt - failure.at)}, on Refresh List Fields, or when the connection changes.`,
          );
          if (failure.first) this.tell(profile, `the fields of list ${listId}`, e);
        },
      )
      .then(() => {
        if (!this.catalog.failure(profile.id, listId)) this.told.delete(profile.id);
      });
  }

  private resolving = new Set<string>();
  private resolveDefaultList(profile: ConnectionProfile): void {
    if (this.resolving.has(profile.id) || !this.listFailures.mayTry(profile.id)) return;
    this.resolving.add(profile.id);
    this.pool
      .listsOf(profile)
      .then((lists) => {
        this.listFailures.succeeded(profile.id);
        const first = lists.find((l) => (l.extra as Record<string, unknown>).default === true) ?? lists[0];
        if (first) {
          const known = this.defaultList.get(profile.id) ?? this.rememberedDefault(profile.id);
          this.defaultList.set(profile.id, first.id);
          this.rememberDefault(profile.id, first.id);
          if (known !== first.id) this.changed.fire();
        }
      })
      .catch((e) => {
        const failure = this.listFailures.failed(profile.id, e);
        this.log.warn(
          `Could not read the lists of "${profile.name}" (to find its default list): ${messageOf(e)} Trying again in ${waitText(failure.retryAt - failure.at)}, on Refresh, or when the connection changes.`,
        );
        if (failure.attempts === 1) this.tell(profile, 'its lists', e);
      })
      .finally(() => this.resolving.delete(profile.id));
  }

  /** Says once per connection (until a success, Refresh or a connection change) what failed and what to do. */
  private tell(profile: ConnectionProfile, what: string, e: unknown): void {
    if (this.told.has(profile.id)) return;
    this.told.add(profile.id);
    const auth = isOngageError(e) && (e.kind === 'auth' || e.kind === 'forbidden');
    const tail = auth
      ? 'Completion, hover and checks go on without the list fields until then.'
      : 'Completion, hover and checks use the cached fields, if any; Ongage Studio tries again in a while, on Refresh List Fields, or when the connection changes.';
    void vscode.window
      .showWarningMessage(`Ongage: could not read ${what} of "${profile.name}": ${messageOf(e)} ${tail}`, 'Show Log', 'Retry Now')
      .then((choice) => {
        if (choice === 'Show Log') this.log.show(true);
        if (choice === 'Retry Now') this.retryNow(profile);
      });
  }

  private retryNow(profile: ConnectionProfile): void {
    this.listFailures.forget(profile.id);
    this.told.delete(profile.id);
    this.catalog.invalidate(profile.id);
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

const DEFAULT_LISTS_KEY = 'ongage.defaultLists';

function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return /[.!?]$/.test(m) ? m : `${m}.`;
}

function waitText(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
