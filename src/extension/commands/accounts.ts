import * as vscode from 'vscode';
import { OngageClient } from '../../core/api/client';
import { isOngageError } from '../../core/api/errors';
import { DEFAULT_SANDBOX_URL, SANDBOX_CREDENTIALS, normalizeBaseUrl, validateBaseUrl } from '../../core/accounts/connections';
import type { ConnectionProfile, Credentials } from '../../core/accounts/connections';
import type { ClientPool } from '../accounts/clients';
import type { ConnectionManager } from '../accounts/connectionManager';
import { runSignIn } from '../accounts/signIn';
import { registerCommand } from './boundary';

interface Deps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  connections: ConnectionManager;
  pool: ClientPool;
}

export function sandboxUrl(): string {
  const configured = vscode.workspace.getConfiguration('ongage').get<string>('sandbox.url') || DEFAULT_SANDBOX_URL;
  return normalizeBaseUrl(configured);
}

/** Tries the credentials with a real call; a message that says what to fix, or undefined when they work. */
export async function checkConnection(baseUrl: string, credentials: Credentials, log: vscode.LogOutputChannel): Promise<string | undefined> {
  let client: OngageClient | undefined;
  try {
    client = new OngageClient({ baseUrl, credentials, logger: log, timeoutMs: 15_000, retry: { maxRetries: 0, maxRateLimitRetries: 2 } });
    await client.checkCredentials();
    return undefined;
  } catch (e) {
    if (isOngageError(e)) {
      if (e.kind === 'network' || e.kind === 'timeout') {
        return `Could not reach ${baseUrl} (${e.reason ?? e.kind}). Check the URL and your network${/127\.0\.0\.1|localhost/.test(baseUrl) ? ', and that the sandbox is running (npm run sandbox)' : ''}.`;
      }
      return e.message;
    }
    return e instanceof Error ? e.message : String(e);
  } finally {
    client?.dispose();
  }
}

/**
 * Connects to the local sandbox with its fixed credentials. Starts nothing by surprise: when no sandbox
 * answers, it says how to start one (and offers to, in a terminal, when this workspace is the project).
 * `quiet` (auto-connect) reports failures only in the log.
 */
export async function connectSandbox(d: Deps, quiet = false): Promise<ConnectionProfile | undefined> {
  const url = sandboxUrl();
  const bad = validateBaseUrl(url);
  if (bad) throw new Error(`The setting ongage.sandbox.url is not usable: ${bad}`);
  const existing = d.connections.list().find((p) => p.sandbox && p.baseUrl === url);
  const problem = await checkConnection(url, { ...SANDBOX_CREDENTIALS }, d.log);
  if (problem) {
    d.log.warn(`Sandbox at ${url} did not answer: ${problem}`);
    if (quiet) return undefined;
    const inProject = await workspaceHasSandbox();
    const actions = inProject ? ['Start Sandbox in Terminal', 'Retry'] : ['Retry', 'Open Settings'];
    const pick = await vscode.window.showErrorMessage(
      `No Ongage sandbox answers at ${url}. Start one with "npm run sandbox" in the Ongage Studio repository (or set ongage.sandbox.url to where it runs), then try again.`,
      ...actions,
    );
    if (pick === 'Start Sandbox in Terminal') {
      const port = new URL(url).port || '4780';
      const term = vscode.window.createTerminal({ name: 'Ongage sandbox' });
      term.show(true);
      term.sendText(`npm run sandbox -- --port ${port}`);
      // Give it a moment, then try again.
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        if (!(await checkConnection(url, { ...SANDBOX_CREDENTIALS }, d.log))) return connectSandbox(d, quiet);
      }
      void vscode.window.showWarningMessage('The sandbox has not answered yet. Watch the "Ongage sandbox" terminal, then run "Ongage: Use the Local Sandbox" again.');
      return undefined;
    }
    if (pick === 'Retry') return connectSandbox(d, quiet);
    if (pick === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'ongage.sandbox.url');
    return undefined;
  }
  if (existing) {
    await d.connections.setActive(existing.id);
    d.pool.forget(existing.id);
    return existing;
  }
  const taken = d.connections.list().map((p) => p.name);
  let name = 'Sandbox';
  for (let i = 2; taken.includes(name); i++) name = `Sandbox ${i}`;
  const profile = await d.connections.add({ name, baseUrl: url, sandbox: true }, { ...SANDBOX_CREDENTIALS });
  d.log.info(`Connected to the sandbox at ${url} as "${name}"`);
  if (!quiet) void vscode.window.showInformationMessage(`Connected to the Ongage sandbox at ${url}.`);
  return profile;
}

async function workspaceHasSandbox(): Promise<boolean> {
  const found = await vscode.workspace.findFiles('sandbox/main.ts', '**/node_modules/**', 1);
  return found.length > 0;
}

export function registerAccountCommands(d: Deps): void {
  const { context, log, connections, pool } = d;
  const reg = (id: string, what: string, fn: (...args: any[]) => unknown) => registerCommand(context, log, id, what, fn);

  reg('ongage.signIn', 'Signing in', async () => {
    const answers = await runSignIn({
      takenNames: connections.list().map((p) => p.name),
      sandboxUrl: sandboxUrl(),
      check: (baseUrl, credentials) => checkConnection(baseUrl, credentials, log),
    });
    if (!answers) return;
    const profile = await connections.add({ name: answers.name, baseUrl: answers.baseUrl, sandbox: answers.baseUrl === sandboxUrl() || undefined }, answers.credentials);
    log.info(`Signed in: connection "${profile.name}" (${profile.baseUrl})`);
    void vscode.window.showInformationMessage(`Signed in to Ongage as "${profile.name}".`);
  });

  reg('ongage.useSandbox', 'Connecting to the sandbox', () => connectSandbox(d));

  const pickConnection = async (title: string, node?: { profile?: ConnectionProfile }): Promise<ConnectionProfile | undefined> => {
    if (node?.profile) return node.profile;
    const all = connections.list();
    if (all.length === 0) {
      void vscode.window.showInformationMessage('There is no Ongage connection yet. Run "Ongage: Sign In…" or "Ongage: Use the Local Sandbox".');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const pick = await vscode.window.showQuickPick(
      all.map((p) => ({ label: p.name, description: p.baseUrl, p })),
      { title },
    );
    return pick?.p;
  };

  reg('ongage.signOut', 'Signing out', async (node?: { profile?: ConnectionProfile }) => {
    const p = await pickConnection('Sign out of which connection?', node);
    if (!p) return;
    const ok = await vscode.window.showWarningMessage(
      `Sign out of "${p.name}"?`,
      { modal: true, detail: 'Its stored credentials are deleted from the keychain. Library items open in editors stay open.' },
      'Sign Out',
    );
    if (ok !== 'Sign Out') return;
    pool.forget(p.id);
    await connections.remove(p.id);
    log.info(`Signed out of "${p.name}"`);
  });

  reg('ongage.renameConnection', 'Renaming the connection', async (node?: { profile?: ConnectionProfile }) => {
    const p = await pickConnection('Rename which connection?', node);
    if (!p) return;
    const others = connections.list().filter((x) => x.id !== p.id).map((x) => x.name.toLowerCase());
    const name = await vscode.window.showInputBox({
      title: `Rename "${p.name}"`,
      value: p.name,
      validateInput: (v) => (!v.trim() ? 'The name cannot be empty' : others.includes(v.trim().toLowerCase()) ? 'Another connection has that name' : undefined),
    });
    if (name && name.trim() !== p.name) await connections.update(p.id, { name: name.trim() });
  });

  reg('ongage.switchList', 'Switching list or connection', async () => {
    const all = connections.list();
    if (all.length === 0) {
      await vscode.commands.executeCommand('ongage.signIn');
      return;
    }
    type Pick = vscode.QuickPickItem & { profile?: ConnectionProfile; listId?: number; action?: 'signIn' };
    const active = connections.active();
    const picks: Pick[] = [];
    for (const p of all) {
      picks.push({ label: p.name, kind: vscode.QuickPickItemKind.Separator });
      try {
        const lists = await pool.listsOf(p);
        for (const l of lists) {
          const current = active?.id === p.id && (p.listId ?? lists[0]?.id) === l.id;
          picks.push({ label: `${current ? '$(check) ' : ''}${l.name}`, description: `list ${l.id} · ${p.name}`, profile: p, listId: l.id });
        }
      } catch (e) {
        picks.push({ label: `$(error) ${p.name}: ${isOngageError(e) ? e.message : String(e)}`, profile: p });
      }
    }
    picks.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(add) Sign in to another account…', action: 'signIn' });
    const pick = await vscode.window.showQuickPick(picks, { title: 'Ongage: choose the list to work with', matchOnDescription: true });
    if (!pick) return;
    if (pick.action === 'signIn') return vscode.commands.executeCommand('ongage.signIn');
    if (pick.profile) {
      if (pick.listId !== undefined) await connections.update(pick.profile.id, { listId: pick.listId });
      await connections.setActive(pick.profile.id);
    }
  });
}
