import * as vscode from 'vscode';
import type { ClientPool } from './accounts/clients';
import type { ConnectionManager } from './accounts/connectionManager';

/** "$(mail) Sandbox · Newsletter": the active connection and list; clicking switches them. */
export class ConnectionStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ongage.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: vscode.Disposable;
  private generation = 0;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly pool: ClientPool,
  ) {
    this.item.name = 'Ongage connection';
    this.item.command = 'ongage.switchList';
    this.sub = connections.onDidChange(() => void this.update());
    void this.update();
  }

  async update(): Promise<void> {
    const gen = ++this.generation;
    const p = this.connections.active();
    if (!p) {
      this.item.text = '$(mail) Ongage: sign in';
      this.item.tooltip = 'Sign in to an Ongage account, or use the local sandbox';
      this.item.command = 'ongage.signIn';
      this.item.show();
      return;
    }
    this.item.command = 'ongage.switchList';
    this.item.text = `$(mail) ${p.name}`;
    this.item.tooltip = `Ongage: ${p.name} (${p.baseUrl}). Click to switch list or connection.`;
    this.item.show();
    try {
      const lists = await this.pool.listsOf(p);
      if (gen !== this.generation) return;
      const list = lists.find((l) => l.id === p.listId) ?? lists[0];
      if (list) {
        this.item.text = `$(mail) ${p.name} · ${list.name}`;
        this.item.tooltip = `Ongage: ${p.name} (${p.baseUrl}), list ${list.id} "${list.name}". Click to switch list or connection.`;
      }
    } catch {
      if (gen !== this.generation) return;
      this.item.text = `$(warning) ${p.name}`;
      this.item.tooltip = `Ongage: ${p.name} cannot be reached or refused the credentials. Click to switch; see the Ongage log for details.`;
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
