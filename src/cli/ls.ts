/**
 * `ongage-studio ls`: the library of a list as an indented tree — folders first, then templates, then emails,
 * each by name (the order of the editor's Library view), favourites marked ★, ids shown.
 *
 * The tree is walked folder by folder: a folder's items are fetched (page by page) as soon as the folder is
 * known, its sub-folders are fetched ahead in the background, and each folder's lines are printed the moment
 * its items are in, so a large library starts printing long before it is complete. `--json` prints one nested
 * document at the end.
 */
import type { OngageClient } from '../core/api';
import { isOngageError } from '../core/api';
import { compareItems, ROOT, type LibraryItem } from '../core/library/model';
import { toLibraryItem } from '../core/library/service';
import { connect, toCliError, type ConnectionOptions } from './connection';
import { CliError, EXIT_OK, line, style, wantsColor, type CliIO, type Style } from './io';

export interface LsCommandOptions extends ConnectionOptions {
  folder?: number;
  json?: boolean;
  color?: boolean;
}

export interface TreeNode {
  id: number;
  type: LibraryItem['type'];
  name: string;
  favorite: boolean;
  subject?: string;
  modified?: string;
  children?: TreeNode[];
}

const TYPE_LABEL: Record<LibraryItem['type'], string> = { folder: 'folder', template: 'template', email_message: 'email' };

/** One line of the tree (no newline). */
export function treeLine(item: LibraryItem, depth: number, s: Style): string {
  const name = item.type === 'folder' ? s.bold(s.blue(`${item.name}/`)) : item.name;
  const star = item.favorite ? ` ${s.yellow('★')}` : '';
  return `${'  '.repeat(depth)}${name}${star}  ${s.dim(`[${TYPE_LABEL[item.type]} #${item.id}]`)}`;
}

/** Fetches each folder's items once; started early for folders about to be printed. */
class FolderLoader {
  private readonly loads = new Map<number, Promise<LibraryItem[]>>();
  readonly counts = { folder: 0, template: 0, email_message: 0, favorites: 0, pages: 0 };
  private readonly abort = new AbortController();

  constructor(
    private readonly client: OngageClient,
    private readonly listId: number | undefined,
    private readonly onPage: () => void,
  ) {}

  children(parentId: number): Promise<LibraryItem[]> {
    let p = this.loads.get(parentId);
    if (!p) {
      p = this.fetch(parentId);
      // A prefetch that fails is reported when (if) it is awaited.
      p.catch(() => undefined);
      this.loads.set(parentId, p);
    }
    return p;
  }

  private async fetch(parentId: number): Promise<LibraryItem[]> {
    const out: LibraryItem[] = [];
    const seen = new Set<number>();
    for await (const page of this.client.iterateEmails({ parentId, listId: this.listId }, { listId: this.listId, pageSize: 100, signal: this.abort.signal })) {
      this.counts.pages++;
      for (const e of page.items) {
        const item = toLibraryItem(e);
        if (!item || item.parentId !== parentId || seen.has(item.id)) continue;
        seen.add(item.id);
        out.push(item);
        this.counts[item.type]++;
        if (item.favorite) this.counts.favorites++;
      }
      this.onPage();
    }
    return out.sort(compareItems);
  }

  cancel(): void {
    this.abort.abort();
  }
}

export async function runLs(opts: LsCommandOptions, io: CliIO): Promise<number> {
  const client = connect(opts, io);
  const s = style(!opts.json && wantsColor(io.out, io.env, opts.color));
  const es = style(wantsColor(io.err, io.env, opts.color));
  const progress = io.err.isTTY === true;
  let shownProgress = false;
  const loader = new FolderLoader(client, opts.list, () => {
    if (!progress) return;
    const c = loader.counts;
    io.err.write(`\r${es.dim(`Loading… ${c.folder + c.template + c.email_message} items`)}\u001b[K`);
    shownProgress = true;
  });
  // Progress and results share the terminal: clear the progress line before each write to stdout.
  const out = (text: string): void => {
    if (shownProgress && io.out.isTTY) io.err.write('\r\u001b[K');
    io.out.write(text);
  };
  const where = opts.list === undefined ? "the account's default list" : `list ${opts.list}`;

  try {
    let root = ROOT;
    if (opts.folder !== undefined) {
      let folder;
      try {
        folder = toLibraryItem(await client.getEmail(opts.folder, { listId: opts.list }));
      } catch (e) {
        if (isOngageError(e) && e.kind === 'notFound') throw new CliError(`There is no folder ${opts.folder} in ${where}. See the folders and their ids with \`ongage-studio ls\`.`);
        throw e;
      }
      if (!folder || folder.type !== 'folder') {
        throw new CliError(`Item ${opts.folder} in ${where} is ${folder ? `${folder.type === 'email_message' ? 'an' : 'a'} ${TYPE_LABEL[folder.type]}` : 'not a library item'}, not a folder. See the folders and their ids with \`ongage-studio ls\`.`);
      }
      root = folder.id;
      if (!opts.json) out(`${treeLine(folder, 0, s)}\n`);
    }
    const baseDepth = opts.folder !== undefined ? 1 : 0;

    const walk = async (parentId: number, depth: number): Promise<TreeNode[]> => {
      const kids = await loader.children(parentId);
      for (const k of kids) if (k.type === 'folder') loader.children(k.id);
      const nodes: TreeNode[] = [];
      for (const k of kids) {
        if (!opts.json) out(`${treeLine(k, depth, s)}\n`);
        const node: TreeNode = { id: k.id, type: k.type, name: k.name, favorite: k.favorite };
        if (k.subject) node.subject = k.subject;
        if (k.modified) node.modified = k.modified.toISOString();
        if (k.type === 'folder') node.children = await walk(k.id, depth + 1);
        nodes.push(node);
      }
      return nodes;
    };
    const tree = await walk(root, baseDepth);
    if (shownProgress) io.err.write('\r\u001b[K');
    if (opts.json) io.out.write(`${JSON.stringify(tree, null, 2)}\n`);
    const c = loader.counts;
    const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
    line(
      io.err,
      c.folder + c.template + c.email_message === 0
        ? `${opts.folder !== undefined ? `Folder ${opts.folder}` : `The library of ${where}`} is empty.`
        : `${n(c.folder, 'folder')}, ${n(c.template, 'template')}, ${n(c.email_message, 'email')} (${c.favorites} ★) in ${where}.`,
    );
    return EXIT_OK;
  } catch (e) {
    if (shownProgress) io.err.write('\r\u001b[K');
    throw toCliError(e);
  } finally {
    loader.cancel();
    client.dispose();
  }
}
