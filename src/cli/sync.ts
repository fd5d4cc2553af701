/**
 * `ongage-studio pull <dir>`, `status` and `push`: a workspace folder kept in sync with an Ongage library, over the
 * same core (src/core/sync) and manifest as the editor's Source Control view.
 *
 * - pull: the list (or `--folder`) as files; a file changed here and in Ongage is replaced only when the user says
 *   so (asked on a terminal, `--overwrite` in CI), else kept and listed (exit 1).
 * - status: the three-way state, as a table or `--json`.
 * - push: `--dry-run` prints what would happen and changes nothing. On a terminal it asks before writing; new
 *   items and deletions are named one by one. Without a terminal (CI) it never asks: conflicts are refused unless
 *   `--overwrite`, new items and deletions unless `--yes`, and the command exits 1 with the list.
 */
import * as path from 'path';
import type { OngageClient } from '../core/api';
import { computeStatus, executePush, findSyncRoot, ManifestError, planPush, pullToFolder, readManifest, stateLabel, SyncError, type PushPlan, type SyncEntry, type SyncState, type SyncStatus } from '../core/sync';
import { connect, toCliError, type ConnectionOptions } from './connection';
import { canAsk, CliError, confirm, EXIT_OK, line, style, terminalJson, terminalSafe, wantsColor, type CliIO, type Style } from './io';

export const EXIT_ATTENTION = 1;

export interface PullCommandOptions extends ConnectionOptions {
  folder?: number;
  overwrite?: boolean;
  color?: boolean;
}

export interface StatusCommandOptions extends ConnectionOptions {
  json?: boolean;
  color?: boolean;
}

export interface PushCommandOptions extends ConnectionOptions {
  dryRun?: boolean;
  yes?: boolean;
  overwrite?: boolean;
  overwriteLaunched?: boolean;
  color?: boolean;
}

/** The connection's name as the manifest records it: never a credential, just where it points. */
export function connectionLabel(opts: ConnectionOptions, client: OngageClient): string {
  if (opts.sandbox) return 'sandbox';
  try {
    return new URL(client.baseUrl).host;
  } catch {
    return client.baseUrl;
  }
}

const plural = (n: number, w: string, ws = `${w}s`) => `${n} ${n === 1 ? w : ws}`;

function shown(dir: string, cwd: string): string {
  const rel = path.relative(cwd, dir);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel;
}

function row(e: SyncEntry, s: Style): string {
  const where = terminalSafe(e.files?.html ?? `(not pulled yet) ${e.name}`);
  const id = e.id !== undefined ? s.dim(` #${e.id}`) : '';
  const name = e.files && e.name && !e.files.html.endsWith(`${e.name}.html`) ? s.dim(`  "${terminalSafe(e.name)}"`) : '';
  return `  ${where}${id}${name}`;
}

const SECTIONS: Array<{ states: SyncState[]; title: string; color: keyof Pick<Style, 'red' | 'yellow' | 'green' | 'cyan' | 'blue'> }> = [
  { states: ['conflict'], title: 'Conflict', color: 'red' },
  { states: ['invalid'], title: 'Cannot read', color: 'red' },
  { states: ['added'], title: 'Added', color: 'green' },
  { states: ['modified'], title: 'Modified', color: 'yellow' },
  { states: ['deleted'], title: 'Deleted', color: 'red' },
  { states: ['remoteModified', 'remoteAdded', 'remoteDeleted'], title: 'Changed in Ongage (pull to get them)', color: 'cyan' },
];

/** The state as sections (Conflict, Added, Modified, Deleted, Changed in Ongage), then the unchanged count. */
export function printTable(io: CliIO, status: SyncStatus, s: Style, entries = status.entries): void {
  for (const sec of SECTIONS) {
    const xs = entries.filter((e) => sec.states.includes(e.state));
    if (!xs.length) continue;
    line(io.out, s.bold(s[sec.color](`${sec.title} (${xs.length})`)));
    for (const e of xs) {
      const detail = e.state === 'conflict' || sec.states.length > 1 ? s.dim(`  ${stateLabel(e).replace(/^Conflict \((.*)\)$/, '$1').toLowerCase()}`) : '';
      line(io.out, `${row(e, s)}${detail}`);
      for (const p of e.problems ?? []) line(io.out, `    ${terminalSafe(p.file)}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}  ${terminalSafe(p.message)}`);
    }
  }
  const unchanged = entries.filter((e) => e.state === 'unchanged').length;
  line(io.out, s.dim(`Unchanged: ${unchanged}`));
}

function summary(entries: SyncEntry[]): string {
  const n = (st: SyncState) => entries.filter((e) => e.state === st).length;
  const parts = [
    n('conflict') && plural(n('conflict'), 'conflict'),
    n('invalid') && `${n('invalid')} unreadable`,
    n('added') && `${n('added')} added`,
    n('modified') && `${n('modified')} modified`,
    n('deleted') && `${n('deleted')} deleted`,
    n('remoteModified') + n('remoteAdded') + n('remoteDeleted') && `${n('remoteModified') + n('remoteAdded') + n('remoteDeleted')} changed in Ongage`,
    `${n('unchanged')} unchanged`,
  ].filter(Boolean);
  return parts.join(', ');
}

async function syncRoot(io: CliIO, dir: string | undefined): Promise<string> {
  const start = path.resolve(io.cwd, dir ?? '.');
  const root = await findSyncRoot(start);
  if (!root) throw new CliError(`${shown(start, io.cwd)} is not a pulled folder (no .ongage/manifest.json in it or above it). Pull one first: ongage-studio pull <dir> --list <id>.`);
  return root;
}

function checkList(opts: ConnectionOptions, list: number): void {
  if (opts.list !== undefined && opts.list !== list) throw new CliError(`This folder holds list ${list}, not list ${opts.list}. Leave --list out (the folder knows its list), or pull list ${opts.list} into another folder.`);
}

function progressWriter(io: CliIO, s: Style): { show: (m: string) => void; clear: () => void } {
  let shownOnce = false;
  return {
    show: (m) => {
      if (io.err.isTTY !== true) return;
      io.err.write(`\r${s.dim(m)}\u001b[K`);
      shownOnce = true;
    },
    clear: () => {
      if (shownOnce) io.err.write('\r\u001b[K');
      shownOnce = false;
    },
  };
}

function wrapSync(e: unknown): CliError {
  if (e instanceof SyncError || e instanceof ManifestError) return new CliError(e.message);
  return toCliError(e);
}

// ------------------------------------------------------------------------------------------------- pull

export async function runPull(dirArg: string, opts: PullCommandOptions, io: CliIO): Promise<number> {
  const dir = path.resolve(io.cwd, dirArg);
  const es = style(wantsColor(io.err, io.env, opts.color));
  const s = style(wantsColor(io.out, io.env, opts.color));
  let existing;
  try {
    existing = await readManifest(dir);
  } catch (e) {
    throw wrapSync(e);
  }
  const listId = opts.list ?? existing?.list;
  if (listId === undefined) throw new CliError(`Which list? Pass --list <id> for the first pull into ${shown(dir, io.cwd)} (later pulls read it from .ongage/manifest.json).`);
  if (existing) checkList(opts, existing.list);
  const folderId = opts.folder ?? existing?.root.folderId ?? 0;
  const client = connect({ ...opts, list: listId }, io);
  const progress = progressWriter(io, es);
  const t0 = Date.now();
  try {
    const r = await pullToFolder({
      client,
      dir,
      listId,
      folderId,
      connectionName: existing?.connection ?? connectionLabel(opts, client),
      onProgress: progress.show,
      overwrite: async (conflicts) => {
        progress.clear();
        if (opts.overwrite) return conflicts.map((c) => c.id as number);
        if (!canAsk(io)) return [];
        const ids: number[] = [];
        for (const c of conflicts) {
          const what = c.conflict === 'deletedThere' ? 'was deleted in Ongage; delete your changed copy too' : 'changed in Ongage too; replace your changes with Ongage\'s version';
          if (await confirm(io, `${terminalSafe(c.files?.html ?? c.name)} ${what}?`)) ids.push(c.id as number);
        }
        return ids;
      },
    });
    progress.clear();
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    for (const e of r.added) line(io.out, `${s.green('+')} ${terminalSafe(e.files?.html ?? '')}`);
    for (const e of r.updated) line(io.out, `${s.yellow('~')} ${terminalSafe(e.files?.html ?? '')}`);
    for (const e of r.removed) line(io.out, `${s.red('-')} ${terminalSafe(e.files?.html ?? '')}  ${s.dim('(deleted in Ongage)')}`);
    const tracked = r.manifest.items.length;
    const what = folderId ? `folder "${terminalSafe(r.manifest.root.name)}" (#${folderId}) of list ${listId}` : `list ${listId}`;
    line(
      io.err,
      `Pulled ${what} into ${shown(dir, io.cwd)} in ${secs} s: ${plural(r.added.length, 'new item')}, ${r.updated.length} updated, ${r.removed.length} removed; ${plural(tracked, 'item')} in ${plural(r.manifest.folders.length, 'folder')} tracked.`,
    );
    if (r.localChanges.length) line(io.err, `${plural(r.localChanges.length, 'local change')} not pushed yet (kept): see \`ongage-studio status\`.`);
    if (r.kept.length) {
      line(io.err, es.yellow(`${plural(r.kept.length, 'item')} changed both here and in Ongage; your files were kept:`));
      for (const e of r.kept) line(io.err, `  ${terminalSafe(e.files?.html ?? e.name)}${e.id !== undefined ? ` #${e.id}` : ''}`);
      line(io.err, 'Pull again with --overwrite to take Ongage\'s versions, or push --overwrite to keep yours.');
      return EXIT_ATTENTION;
    }
    return EXIT_OK;
  } catch (e) {
    progress.clear();
    throw wrapSync(e);
  } finally {
    client.dispose();
  }
}

// ----------------------------------------------------------------------------------------------- status

async function statusOf(dirArg: string | undefined, opts: ConnectionOptions, io: CliIO, es: Style): Promise<{ status: SyncStatus; dir: string; client: OngageClient }> {
  const dir = await syncRoot(io, dirArg);
  let manifest;
  try {
    manifest = (await readManifest(dir))!;
  } catch (e) {
    throw wrapSync(e);
  }
  checkList(opts, manifest.list);
  const client = connect({ ...opts, list: manifest.list }, io);
  const progress = progressWriter(io, es);
  progress.show('Reading the library…');
  try {
    const status = await computeStatus(client, dir, manifest);
    progress.clear();
    return { status, dir, client };
  } catch (e) {
    progress.clear();
    client.dispose();
    throw wrapSync(e);
  }
}

export async function runStatus(dirArg: string | undefined, opts: StatusCommandOptions, io: CliIO): Promise<number> {
  const es = style(wantsColor(io.err, io.env, opts.color));
  const s = style(!opts.json && wantsColor(io.out, io.env, opts.color));
  const { status, dir, client } = await statusOf(dirArg, opts, io, es);
  client.dispose();
  const m = status.manifest;
  if (opts.json) {
    const counts: Record<string, number> = {};
    for (const e of status.entries) counts[e.state] = (counts[e.state] ?? 0) + 1;
    const items = status.entries
      .filter((e) => e.state !== 'gone')
      .map((e) => ({
        state: e.state,
        ...(e.conflict ? { conflict: e.conflict } : {}),
        ...(e.id !== undefined ? { id: e.id } : {}),
        type: e.type,
        name: e.name,
        ...(e.files ? { files: e.files } : {}),
        ...(e.problems ? { problems: e.problems } : {}),
      }));
    io.out.write(`${terminalJson({ dir, connection: m.connection, list: m.list, root: m.root, counts, items })}\n`);
    return EXIT_OK;
  }
  line(io.out, s.dim(`${shown(dir, io.cwd)} ⇄ ${m.root.folderId ? `folder "${terminalSafe(m.root.name)}" (#${m.root.folderId}) of ` : ''}list ${m.list} on ${terminalSafe(m.connection)}`));
  printTable(io, status, s);
  line(io.err, summary(status.entries));
  return EXIT_OK;
}

// ------------------------------------------------------------------------------------------------- push

function listNames(xs: SyncEntry[]): string {
  return xs.map((e) => `  ${e.files?.html ?? e.name}${e.id !== undefined ? ` #${e.id}` : ''}${e.name ? `  "${e.name}"` : ''}`).join('\n');
}

export async function runPush(dirArg: string | undefined, opts: PushCommandOptions, io: CliIO): Promise<number> {
  const es = style(wantsColor(io.err, io.env, opts.color));
  const s = style(wantsColor(io.out, io.env, opts.color));
  const { status, dir, client } = await statusOf(dirArg, opts, io, es);
  try {
    const plan: PushPlan = planPush(status);
    const relevant = status.entries.filter((e) => e.state !== 'gone');
    line(io.out, s.dim(`${opts.dryRun ? 'Would push' : 'Push'} ${shown(dir, io.cwd)} → list ${status.manifest.list} on ${status.manifest.connection}`));
    printTable(io, status, s, relevant);
    if (opts.dryRun) {
      line(io.err, `Dry run: nothing was changed (${summary(relevant)}).`);
      return plan.conflicts.length || plan.invalid.length ? EXIT_ATTENTION : EXIT_OK;
    }
    if (plan.invalid.length) {
      throw new CliError(`${plural(plan.invalid.length, 'item')} cannot be read (see above); fix them, then push again. Nothing was pushed.`, EXIT_ATTENTION);
    }
    const ask = canAsk(io) && !opts.yes;
    let keepMine: SyncEntry[] = [];
    if (plan.conflicts.length) {
      if (opts.overwrite) keepMine = plan.conflicts;
      else if (canAsk(io)) {
        for (const c of plan.conflicts) {
          const q =
            c.conflict === 'deletedHere'
              ? `${c.files?.html} (#${c.id}) was deleted here but changed in Ongage. Delete it in Ongage anyway?`
              : c.conflict === 'deletedThere'
                ? `${c.files?.html} was changed here but deleted in Ongage. Create it again as a new item?`
                : `${c.files?.html} (#${c.id}) changed in Ongage too. Replace Ongage's version with yours?`;
          if (await confirm(io, q)) keepMine.push(c);
        }
      } else {
        throw new CliError(
          `Push refused: ${plural(plan.conflicts.length, 'item')} changed both here and in Ongage:\n${listNames(plan.conflicts)}\nNothing was pushed. Pull (pull --overwrite takes Ongage's versions), or push --overwrite to replace Ongage's versions with yours.`,
          EXIT_ATTENTION,
        );
      }
    }
    let { creates, deletes } = plan;
    const updates = plan.updates;
    if ((creates.length || deletes.length) && !opts.yes) {
      if (!canAsk(io)) {
        const what = [creates.length && `create ${plural(creates.length, 'new item')}:\n${listNames(creates)}`, deletes.length && `delete ${plural(deletes.length, 'item')} in Ongage:\n${listNames(deletes)}`].filter(Boolean).join('\nand ');
        throw new CliError(`Push refused: it would ${what}\nNothing was pushed. Pass --yes to confirm (or restore the deleted files).`, EXIT_ATTENTION);
      }
      if (creates.length && !(await confirm(io, `Create ${plural(creates.length, 'new item')} in Ongage?\n${listNames(creates)}\n`))) creates = [];
      if (deletes.length && !(await confirm(io, `Delete ${plural(deletes.length, 'item')} in Ongage (this cannot be undone)?\n${listNames(deletes)}\n`))) deletes = [];
    }
    const total = updates.length + creates.length + deletes.length + keepMine.length;
    if (total === 0) {
      line(io.err, plan.conflicts.length ? 'Nothing was pushed.' : 'Nothing to push.');
      return plan.conflicts.length ? EXIT_ATTENTION : EXIT_OK;
    }
    if (ask && updates.length && !(await confirm(io, `Push ${plural(updates.length, 'change')} to list ${status.manifest.list} on ${status.manifest.connection}?`))) {
      line(io.err, 'Nothing was pushed.');
      return EXIT_OK;
    }
    const progress = progressWriter(io, es);
    const r = await executePush({ client, dir, status, updates, creates, deletes, keepMine, overwriteLaunched: opts.overwriteLaunched, onProgress: progress.show });
    progress.clear();
    for (const e of r.updated) line(io.out, `${s.green('✔')} saved ${terminalSafe(e.files?.html ?? '')} #${e.id}`);
    for (const c of r.created) line(io.out, `${s.green('✔')} created ${terminalSafe(c.entry.files?.html ?? '')} #${c.email.id}`);
    for (const e of r.deleted) line(io.out, `${s.green('✔')} deleted #${e.id} "${terminalSafe(e.name)}"`);
    for (const c of r.copied) {
      line(io.out, `${s.yellow('!')} ${terminalSafe(c.entry.files?.html ?? '')}: the email is used by a launched campaign, so Ongage stored your version as a copy, #${c.email.id}; the original #${c.entry.id} is unchanged. This folder now tracks the copy. (push --overwrite-launched changes the original instead.)`);
    }
    for (const c of r.conflicts) line(io.out, `${s.red('✖')} ${terminalSafe(c.files?.html ?? '')} #${c.id}: changed in Ongage since the status was read; nothing was written. Pull, or push --overwrite.`);
    for (const f of r.failed) line(io.out, `${s.red('✖')} ${terminalSafe(f.entry.files?.html ?? f.entry.name)}: ${terminalSafe(toCliError(f.error).message)}`);
    const bad = r.conflicts.length + r.failed.length + (plan.conflicts.length - keepMine.length);
    line(io.err, `Pushed: ${r.updated.length} saved, ${r.created.length} created, ${r.deleted.length} deleted${r.copied.length ? `, ${r.copied.length} stored as copies` : ''}${bad ? `; ${bad} not pushed` : ''}.`);
    return bad ? EXIT_ATTENTION : EXIT_OK;
  } catch (e) {
    throw wrapSync(e);
  } finally {
    client.dispose();
  }
}
