import * as vscode from 'vscode';
import { OngageClient } from '../../core/api/client';
import { OngageError } from '../../core/api/errors';
import type { OngageList } from '../../core/api/types';
import type { ConnectionProfile } from '../../core/accounts/connections';
import { LibraryService } from '../../core/library/service';
import type { ConnectionManager } from './connectionManager';

/**
 * Clients, lists and library services per connection, created on first use and dropped when the
 * connection changes or goes. The only place that reads credentials out of secret storage.
 */
export class ClientPool implements vscode.Disposable {
  private clients = new Map<string, OngageClient>();
  private lists = new Map<string, Promise<OngageList[]>>();
  private libraries = new Map<string, LibraryService>();
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.sub = connections.onDidChange(() => this.prune());
  }

  async client(profile: ConnectionProfile): Promise<OngageClient> {
    const existing = this.clients.get(profile.id);
    if (existing) return existing;
    const credentials = await this.connections.credentials(profile.id);
    if (!credentials) {
      throw new OngageError({
        kind: 'auth',
        message: `No credentials are stored for "${profile.name}". Run "Ongage: Sign In…" again for this account.`,
      });
    }
    const client = new OngageClient({ baseUrl: profile.baseUrl, credentials, logger: this.log });
    this.clients.set(profile.id, client);
    return client;
  }

  /** The account's lists (cached; `refresh` asks again). */
  listsOf(profile: ConnectionProfile, refresh = false): Promise<OngageList[]> {
    let p = refresh ? undefined : this.lists.get(profile.id);
    if (!p) {
      p = this.client(profile).then((c) => c.listAllLists());
      p.catch(() => this.lists.delete(profile.id));
      this.lists.set(profile.id, p);
    }
    return p;
  }

  async library(profile: ConnectionProfile, listId: number): Promise<LibraryService> {
    const key = `${profile.id}/${listId}`;
    let lib = this.libraries.get(key);
    if (!lib) {
      lib = new LibraryService(await this.client(profile), listId);
      this.libraries.set(key, lib);
    }
    return lib;
  }

  /** A library already created (no network). */
  peekLibrary(profileId: string, listId: number): LibraryService | undefined {
    return this.libraries.get(`${profileId}/${listId}`);
  }

  /** Forgets what belongs to connections that are gone or whose credentials may have changed. */
  forget(profileId: string): void {
    this.clients.get(profileId)?.dispose();
    this.clients.delete(profileId);
    this.lists.delete(profileId);
    for (const [key, lib] of this.libraries) {
      if (key.startsWith(`${profileId}/`)) {
        lib.dispose();
        this.libraries.delete(key);
      }
    }
  }

  private prune(): void {
    const ids = new Set(this.connections.list().map((p) => p.id));
    for (const id of [...this.clients.keys(), ...this.lists.keys()]) if (!ids.has(id)) this.forget(id);
  }

  dispose(): void {
    this.sub.dispose();
    for (const id of [...this.clients.keys()]) this.forget(id);
  }
}
