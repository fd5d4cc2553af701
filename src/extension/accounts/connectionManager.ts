import * as vscode from 'vscode';
import { ConnectionProfile, Credentials, newConnectionId } from '../../core/accounts/connections';

const PROFILES_KEY = 'ongage.connections';
const ACTIVE_KEY = 'ongage.activeConnection';
const secretKey = (id: string) => `ongage.credentials.${id}`;

/**
 * The user's Ongage connections. Profiles (name, base URL, chosen list) live in global state; the three
 * credentials live in SecretStorage only, under one key per profile. Nothing secret reaches settings or logs.
 */
export class ConnectionManager implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when connections are added, removed, renamed, switched, or their credentials change. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** What this window last wrote (or deleted: undefined) under each credentials key. */
  private readonly written = new Map<string, string | undefined>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
  ) {
    this.disposables.push(
      secrets.onDidChange(async (e) => {
        if (!e.key.startsWith('ongage.credentials.')) return;
        // VS Code reports this window's own writes too, sometimes much later: only a change made elsewhere (another
        // window signing in or out) is news. A repeated report would rebuild the whole tree under the user's cursor.
        const value = await this.secrets.get(e.key);
        if (this.written.has(e.key) && this.written.get(e.key) === value) return;
        this.written.set(e.key, value);
        this.changed.fire();
      }),
    );
    this.updateContext();
  }

  list(): ConnectionProfile[] {
    return [...(this.state.get<ConnectionProfile[]>(PROFILES_KEY) ?? [])];
  }

  get(id: string): ConnectionProfile | undefined {
    return this.list().find((p) => p.id === id);
  }

  /** The connection the status bar, completion and new items use. */
  active(): ConnectionProfile | undefined {
    const all = this.list();
    const id = this.state.get<string>(ACTIVE_KEY);
    return all.find((p) => p.id === id) ?? all[0];
  }

  async credentials(id: string): Promise<Credentials | undefined> {
    const raw = await this.secrets.get(secretKey(id));
    if (!raw) return undefined;
    try {
      const c = JSON.parse(raw) as Credentials;
      return c.username && c.password && c.accountCode ? c : undefined;
    } catch {
      return undefined;
    }
  }

  async add(profile: Omit<ConnectionProfile, 'id'>, credentials: Credentials): Promise<ConnectionProfile> {
    const all = this.list();
    const created: ConnectionProfile = { ...profile, id: newConnectionId(all.map((p) => p.id)) };
    const value = JSON.stringify(credentials);
    this.written.set(secretKey(created.id), value);
    await this.secrets.store(secretKey(created.id), value);
    await this.state.update(PROFILES_KEY, [...all, created]);
    await this.state.update(ACTIVE_KEY, created.id);
    this.updateContext();
    this.changed.fire();
    return created;
  }

  async update(id: string, changes: Partial<Omit<ConnectionProfile, 'id'>>): Promise<void> {
    const all = this.list().map((p) => (p.id === id ? { ...p, ...changes } : p));
    await this.state.update(PROFILES_KEY, all);
    this.changed.fire();
  }

  async setActive(id: string): Promise<void> {
    await this.state.update(ACTIVE_KEY, id);
    this.changed.fire();
  }

  /** Signs out: the profile goes and its credentials are deleted from secret storage. */
  async remove(id: string): Promise<void> {
    this.written.set(secretKey(id), undefined);
    await this.secrets.delete(secretKey(id));
    await this.state.update(
      PROFILES_KEY,
      this.list().filter((p) => p.id !== id),
    );
    if (this.state.get<string>(ACTIVE_KEY) === id) await this.state.update(ACTIVE_KEY, undefined);
    this.updateContext();
    this.changed.fire();
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'ongage.signedIn', this.list().length > 0);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
