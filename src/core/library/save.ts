/**
 * Saving one library item's parts back to Ongage: the logic behind Ctrl+S on an `ongage:` document and behind a
 * workspace push. Editor-free.
 *
 * Every save reads the remote first (`GET /api/emails/<id>`) and compares it with the base (the version the
 * editor or the workspace holds):
 * - the remote already holds exactly the new parts (an earlier attempt went through but its answer was lost):
 *   `unchanged`, nothing written;
 * - the remote parts differ from the base (someone else saved meanwhile, whatever the size and even within the
 *   same second, which Ongage's one-second `modified` cannot tell): `conflict`, nothing written, unless `force`;
 * - otherwise only the fields that differ from the remote are sent with `PUT /api/emails/<id>`.
 * A `modified` that moved while the parts stayed equal (a favourite toggled, a tag added) is not a conflict: the
 * PUT carries only the parts' fields, so nothing of the other change is undone; `remoteMoved` says it happened.
 *
 * An email used by a campaign may be copied by Ongage instead of changed (a launched campaign keeps its content):
 * the answer is `copied` with the copy's id. Such a PUT is never repeated after an unclear failure, and before
 * sending it again the library is searched for a copy an earlier attempt left (same name, same parts, created
 * since the original's last change): a retry of the same save finds that copy instead of storing a second one.
 */
import type { OngageClient } from '../api/client';
import { OngageError } from '../api/errors';
import type { Email, EmailInput } from '../api/types';
import { createHash } from 'crypto';
import { changedFields, EmailParts, PartKind, partsHash, partsOf, serializeSettings } from './parts';

export interface SaveBase {
  id: number;
  listId?: number;
  /** The remote `modified` of the version held (one-second granularity). */
  modified?: Date;
  /** partsHash of the version the editor/workspace holds. */
  hash: string;
  parts: EmailParts;
}

export type SaveOutcome =
  | { kind: 'saved'; email: Email; parts: EmailParts; fields: Array<keyof EmailInput>; remoteMoved?: boolean; discarded?: DiscardResult }
  | { kind: 'unchanged'; email: Email; parts: EmailParts }
  /** The remote moved since the base: nothing was written. */
  | { kind: 'conflict'; remote: Email; remoteParts: EmailParts }
  /** The email is used by a launched campaign: Ongage stored a copy under a new id, the original is untouched. */
  | { kind: 'copied'; email: Email; parts: EmailParts; requestedId: number; warning?: string; earlier?: boolean };

/** What became of the copy `discardCopyId` named (after overwriting the original). */
export type DiscardResult = { id: number; deleted: true } | { id: number; deleted: false; message: string };

export interface SaveOptions {
  /** Overwrite a newer remote (after the user chose it, e.g. from the compare). */
  force?: boolean;
  /** Send `overwrite: true`: change an email used by a launched campaign instead of letting Ongage copy it. */
  overwriteLaunched?: boolean;
  /**
   * With `overwriteLaunched`: the id of the copy an earlier attempt of this save stored; deleted once the original
   * holds the same parts, so the library does not keep both.
   */
  discardCopyId?: number;
  /**
   * The parts this save changes (an editor saves one part's document at a time). The other parts are taken from
   * the remote as it is now, and only a remote change to these parts is a conflict: a subject changed in the web
   * app does not block saving the HTML, and is not undone by it. Default: all three.
   */
  only?: readonly PartKind[];
  signal?: AbortSignal;
}

/** sha256 of the named parts only (what `only` compares). */
export function partsHashOf(parts: EmailParts, kinds: readonly PartKind[]): string {
  const h = createHash('sha256');
  for (const k of ['html', 'text', 'settings'] as const) {
    if (!kinds.includes(k)) continue;
    h.update(k);
    h.update('\u0000');
    h.update(k === 'settings' ? serializeSettings(parts.settings) : parts[k]);
    h.update('\u0000');
  }
  return h.digest('hex');
}

/** `remote` with the named parts taken from `mine`. */
export function withParts(remote: EmailParts, mine: EmailParts, kinds: readonly PartKind[]): EmailParts {
  return {
    html: kinds.includes('html') ? mine.html : remote.html,
    text: kinds.includes('text') ? mine.text : remote.text,
    settings: kinds.includes('settings') ? mine.settings : remote.settings,
  };
}

/** The parts as the answer to a write states them; fields the answer leaves out keep what was sent. */
export function partsAfterSave(answer: Email, sent: EmailParts): EmailParts {
  const stated = partsOf(answer);
  return {
    html: answer.contentHtml ?? sent.html,
    text: answer.contentText ?? sent.text,
    settings: answer.name ? stated.settings : { ...stated.settings, name: sent.settings.name },
  };
}

export async function saveItem(client: OngageClient, base: SaveBase, mine: EmailParts, opts: SaveOptions = {}): Promise<SaveOutcome> {
  const call = { listId: base.listId, signal: opts.signal };
  const remote = await client.getEmail(base.id, call);
  const remoteParts = partsOf(remote);
  const only = opts.only;
  const next = only ? withParts(remoteParts, mine, only) : mine;
  const remoteHash = partsHash(remoteParts);
  const nextHash = partsHash(next);
  const remoteMoved = base.modified !== undefined && remote.modified !== undefined && remote.modified.getTime() !== base.modified.getTime();

  if (remoteHash === nextHash && !opts.discardCopyId) return { kind: 'unchanged', email: remote, parts: remoteParts };
  const changedThere = only ? partsHashOf(remoteParts, only) !== partsHashOf(base.parts, only) : remoteHash !== base.hash;
  if (changedThere && !opts.force) return { kind: 'conflict', remote, remoteParts };

  const fields = changedFields(remoteParts, next);
  const names = Object.keys(fields) as Array<keyof EmailInput>;
  const mayCopy = remote.mailingId !== undefined && !opts.overwriteLaunched;

  let answer: Email;
  let copied = false;
  let warning: string | undefined;
  if (names.length === 0) {
    answer = remote;
  } else {
    if (mayCopy) {
      const earlier = await findEarlierCopy(client, remote, next, nextHash, call);
      if (earlier) {
        return earlierCopy(earlier, base.id, `An earlier attempt of this save already stored a copy (id ${earlier.id}); no second copy was made.`);
      }
    }
    try {
      const r = await client.updateEmail(base.id, fields, {
        ...call,
        overwrite: opts.overwriteLaunched,
        mayCopy: remote.mailingId !== undefined,
        // Before the client repeats a PUT whose answer was lost, it looks for the copy that attempt may have stored.
        findCopy: mayCopy ? () => findEarlierCopy(client, remote, next, nextHash, call) : undefined,
      });
      if (r.earlier) return earlierCopy(r.email, base.id, r.warning ?? `Ongage's answer was lost, but it had stored a copy (id ${r.email.id}).`);
      answer = r.email;
      copied = r.copied;
      warning = r.warning;
    } catch (e) {
      // The answer was lost: a copy may have been stored. Look for it rather than leave the user to retry into a second one.
      if (mayCopy && e instanceof OngageError && (e.kind === 'network' || e.kind === 'timeout' || e.kind === 'server')) {
        const earlier = await findEarlierCopy(client, remote, next, nextHash, call).catch(() => undefined);
        if (earlier) {
          return earlierCopy(earlier, base.id, `Ongage's answer was lost, but it had stored a copy (id ${earlier.id}).`);
        }
      }
      throw e;
    }
  }

  const parts = partsAfterSave(answer, next);
  if (copied) return { kind: 'copied', email: answer, parts, requestedId: base.id, warning };

  let discarded: DiscardResult | undefined;
  if (opts.discardCopyId !== undefined && opts.discardCopyId !== base.id) {
    try {
      await client.deleteEmail(opts.discardCopyId, call);
      discarded = { id: opts.discardCopyId, deleted: true };
    } catch (e) {
      discarded = { id: opts.discardCopyId, deleted: false, message: e instanceof Error ? e.message : String(e) };
    }
  }
  return { kind: 'saved', email: answer, parts, fields: names, ...(remoteMoved ? { remoteMoved } : {}), ...(discarded ? { discarded } : {}) };
}

/**
 * A copy of `original` holding exactly `next`, stored since the original last changed (what a launched
 * campaign's email leaves behind when a save's answer was lost). At most a handful of candidates are read.
 */
export async function findEarlierCopy(
  client: OngageClient,
  original: Email,
  next: EmailParts,
  nextHash: string,
  call: { listId?: number; signal?: AbortSignal },
): Promise<Email | undefined> {
  const since = new Date((original.modified?.getTime() ?? Date.now() - 24 * 3600_000) - 1000);
  const recent = await client.listEmailsModifiedSince(since, { listId: call.listId }, call);
  const candidates = recent
    .filter((e) => e.id !== original.id && !e.deleted && e.type === original.type && e.name === next.settings.name && e.mailingId === undefined)
    .filter((e) => !e.created || e.created.getTime() >= since.getTime())
    .sort((a, b) => b.id - a.id)
    .slice(0, 5);
  for (const c of candidates) {
    const full = c.contentHtml !== undefined ? c : await client.getEmail(c.id, call);
    if (partsHash(partsOf(full)) === nextHash) return full;
  }
  return undefined;
}

/** The outcome when a copy an earlier attempt stored is found instead of storing another. */
function earlierCopy(earlier: Email, requestedId: number, warning: string): SaveOutcome {
  return { kind: 'copied', email: earlier, parts: partsOf(earlier), requestedId, earlier: true, warning };
}
