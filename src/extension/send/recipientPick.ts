import * as vscode from 'vscode';
import { parseRecipients } from '../../core/send/recipients';

const RECENT_LIMIT = 20;
const recentKey = (connectionKey: string) => `ongage.send.recent.${connectionKey}`;

/** Recent recipients, per sending connection, most recent first (global state: they follow the user, not the folder). */
export class RecentRecipients {
  constructor(private readonly state: vscode.Memento) {}

  get(connectionKey: string): string[] {
    return [...(this.state.get<string[]>(recentKey(connectionKey)) ?? [])];
  }

  async remember(connectionKey: string, addresses: string[]): Promise<void> {
    const lower = new Set(addresses.map((a) => a.toLowerCase()));
    const next = [...addresses, ...this.get(connectionKey).filter((a) => !lower.has(a.toLowerCase()))].slice(0, RECENT_LIMIT);
    await this.state.update(recentKey(connectionKey), next);
  }
}

interface AddressItem extends vscode.QuickPickItem {
  address?: string;
  problem?: boolean;
}

export interface RecipientPickOptions {
  title: string;
  /** Checked when the picker opens (the last send's recipients on this connection). */
  checked: string[];
  recent: string[];
  /** Problems beyond the address syntax (the allowlist): returns what to fix, or undefined. */
  check?: (addresses: string[]) => string | undefined;
}

/**
 * Recipients: recent ones first (checked: the last send's), and free entry of several addresses at once
 * ("ada@example.com, bob@example.com"), each read by an RFC 5322 parser. Problems show as the first row and keep
 * the picker open, saying what to fix; duplicates are removed. Undefined when dismissed.
 */
export function pickRecipients(opts: RecipientPickOptions): Promise<string[] | undefined> {
  const qp = vscode.window.createQuickPick<AddressItem>();
  qp.title = opts.title;
  qp.canSelectMany = true;
  qp.ignoreFocusOut = true;
  qp.matchOnDescription = true;
  qp.placeholder = 'Type one or more addresses (separated by commas or spaces), or check recent ones; Enter sends';
  const recentItems: AddressItem[] = opts.recent.map((a) => ({ label: a, address: a, description: 'recent' }));
  let problemItem: AddressItem | undefined;

  const typed = (): { addresses: string[]; problems: string[] } => {
    const v = qp.value.trim();
    if (!v) return { addresses: [], problems: [] };
    const r = parseRecipients(v);
    return { addresses: r.addresses, problems: r.problems.map((p) => p.message) };
  };
  const chosen = (): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const a of [...qp.selectedItems.filter((i) => i.address).map((i) => i.address!), ...typed().addresses]) {
      if (seen.has(a.toLowerCase())) continue;
      seen.add(a.toLowerCase());
      out.push(a);
    }
    return out;
  };
  const refresh = (): void => {
    const { problems } = typed();
    const extra = problems.length === 0 ? opts.check?.(chosen()) : undefined;
    const message = problems.length ? problems.join(' ') : extra;
    const all = chosen();
    qp.title = all.length ? `${opts.title}: to ${all.join(', ')}` : opts.title;
    if ((problemItem?.label ?? '') === (message ? `$(error) ${message}` : '')) return;
    problemItem = message ? { label: `$(error) ${message}`, alwaysShow: true, problem: true } : undefined;
    const selected = qp.selectedItems.filter((i) => i.address);
    qp.items = [...(problemItem ? [problemItem] : []), ...recentItems];
    qp.selectedItems = selected.map((s) => recentItems.find((r) => r.address === s.address)!).filter(Boolean);
  };

  return new Promise((resolve) => {
    let done = false;
    const finish = (v: string[] | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidChangeValue(() => refresh());
    qp.onDidChangeSelection((sel) => {
      // The problem row is not a recipient: unchecking it again keeps the list honest.
      if (sel.some((i) => i.problem)) qp.selectedItems = sel.filter((i) => !i.problem);
      else {
        const all = chosen();
        qp.title = all.length ? `${opts.title}: to ${all.join(', ')}` : opts.title;
      }
    });
    qp.onDidAccept(() => {
      refresh();
      if (problemItem) return;
      const list = chosen();
      if (list.length === 0) {
        problemItem = { label: '$(error) Type at least one address, or check a recent one.', alwaysShow: true, problem: true };
        qp.items = [problemItem, ...recentItems];
        return;
      }
      finish(list);
    });
    qp.onDidHide(() => finish(undefined));
    qp.items = recentItems;
    qp.selectedItems = recentItems.filter((i) => opts.checked.some((c) => c.toLowerCase() === i.address!.toLowerCase()));
    qp.show();
  });
}
