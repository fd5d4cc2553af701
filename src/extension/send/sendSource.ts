import * as vscode from 'vscode';
import * as path from 'path';
import type { ConnectionProfile } from '../../core/accounts/connections';
import { emptySettings, parseSettings, PART_SUFFIX, type EmailSettings } from '../../core/library/parts';
import { titleOf } from '../../core/render/title';
import { parseRecipients } from '../../core/send/recipients';
import type { ClientPool } from '../accounts/clients';
import type { ConnectionManager } from '../accounts/connectionManager';
import { DOCUMENT_SCHEME, PARTS, parseItemUri, type ItemDocumentProvider } from '../documents/itemDocuments';
import type { LibraryTreeProvider } from '../tree/libraryTree';
import type { LibraryNode } from '../tree/nodes';

/** What a send command was asked to send: a library email (maybe open, maybe edited), or a workspace file. */
export type SendSource =
  | {
      kind: 'stored';
      profile: ConnectionProfile;
      listId: number;
      emailId: number;
      name: string;
      /** The item's HTML part, when open. */
      doc?: vscode.TextDocument;
      /** Every part of the item open in an editor (HTML, plain text, settings). */
      parts: vscode.TextDocument[];
    }
  | { kind: 'file'; profile: ConnectionProfile; listId: number; name: string; doc: vscode.TextDocument };

/** Arguments the commands accept: a URI (editor title), a Library row, the preview's request, or nothing. */
export interface PreviewSendArg {
  uri: string;
  /** The values the preview rendered with (its chosen sample profile), sent as dynamic fields with embedded content. */
  values?: Record<string, string>;
  profileLabel?: string;
}

export function isPreviewSendArg(x: unknown): x is PreviewSendArg {
  return !!x && typeof x === 'object' && typeof (x as PreviewSendArg).uri === 'string' && !(x instanceof vscode.Uri);
}

export interface SourceDeps {
  connections: ConnectionManager;
  pool: ClientPool;
  documents: ItemDocumentProvider;
  tree: LibraryTreeProvider;
}

/** A stable key for "this email" (the last test of it, Send Test Again). */
export function sourceKey(s: SendSource): string {
  return s.kind === 'stored' ? `stored:${s.profile.id}/${s.listId}/${s.emailId}` : `file:${s.doc.uri.toString()}`;
}

export async function resolveSource(d: SourceDeps, arg: unknown): Promise<SendSource> {
  if (arg && typeof arg === 'object' && (arg as LibraryNode).kind === 'item' && 'itemId' in (arg as object)) {
    const n = arg as Extract<LibraryNode, { kind: 'item' }>;
    const item = d.tree.item(n);
    if (item && item.type !== 'email_message') {
      throw new Error(`"${item.name}" is a ${item.type === 'folder' ? 'folder' : 'template'}; only emails can be sent. Choose an email in the Library view.`);
    }
    const profile = d.connections.get(n.profile.id) ?? n.profile;
    const parts = openParts(d, profile.id, n.listId, n.itemId);
    return { kind: 'stored', profile, listId: n.listId, emailId: n.itemId, name: item?.name ?? `email ${n.itemId}`, doc: parts.html, parts: parts.all };
  }
  let uri: vscode.Uri | undefined;
  if (arg instanceof vscode.Uri) uri = arg;
  else if (isPreviewSendArg(arg)) uri = vscode.Uri.parse(arg.uri);
  const doc = uri
    ? vscode.workspace.textDocuments.find((t) => t.uri.toString() === uri!.toString()) ?? (await vscode.workspace.openTextDocument(uri))
    : vscode.window.activeTextEditor?.document;
  if (!doc) throw new Error('Open an email (a library item or an HTML file) first, or choose one in the Ongage Library view.');
  if (doc.uri.scheme === DOCUMENT_SCHEME) {
    const ref = parseItemUri(doc.uri);
    if (!ref) throw new Error(`${doc.uri.toString()} is not an Ongage library address.`);
    const profile = d.connections.get(ref.profileId);
    if (!profile) throw new Error('The connection of this email was signed out. Sign in again and reopen it from the Library view.');
    const meta = d.documents.meta(doc.uri.toString());
    const parts = openParts(d, profile.id, ref.listId, ref.itemId);
    const name = meta?.name ?? path.posix.basename(doc.uri.path).replace(/(\.ongage\.json|\.ongage\.txt|\.html)$/, '');
    return { kind: 'stored', profile, listId: ref.listId, emailId: ref.itemId, name, doc: parts.html, parts: parts.all };
  }
  if (doc.languageId !== 'html') {
    throw new Error(`${path.posix.basename(doc.uri.path)} is not an HTML email. Open the email's HTML (or a library item) and send from there.`);
  }
  const profile = d.connections.active();
  if (!profile) throw new Error('Sign in to Ongage first ("Ongage: Sign In…" or "Ongage: Use the Local Sandbox"): sends go through an Ongage account.');
  const lists = await d.pool.listsOf(profile);
  const listId = profile.listId ?? lists[0]?.id;
  if (listId === undefined) throw new Error(`The account "${profile.name}" has no lists; create one in Ongage first.`);
  return { kind: 'file', profile, listId, name: path.posix.basename(doc.uri.path), doc };
}

function openParts(d: SourceDeps, profileId: string, listId: number, itemId: number): { html?: vscode.TextDocument; all: vscode.TextDocument[] } {
  const all = PARTS.map((p) => d.documents.openDocument(profileId, listId, itemId, p)).filter((x): x is vscode.TextDocument => !!x);
  return { html: d.documents.openDocument(profileId, listId, itemId, 'html'), all };
}

/** Subject and From addresses for content sent through send_embed_content. */
export interface EmbedMessage {
  subject: string;
  fromName: string;
  fromAddress: string;
  replyAddress: string;
}

const embedKey = (uri: vscode.Uri) => `ongage.send.embed.${uri.toString()}`;

/** `<name>.ongage.json` beside a pulled `<name>.html`, when there is one. */
export function settingsUriOf(uri: vscode.Uri): vscode.Uri | undefined {
  if (uri.scheme !== 'file' && uri.scheme !== 'vscode-remote') return undefined;
  const base = path.posix.basename(uri.path).replace(/\.html?$/i, '');
  return vscode.Uri.joinPath(uri, '..', `${base}${PART_SUFFIX.settings}`);
}

async function readPulledSettings(uri: vscode.Uri): Promise<{ settings?: EmailSettings; problem?: string; file?: string }> {
  const file = settingsUriOf(uri);
  if (!file) return {};
  let text: string;
  try {
    const open = vscode.workspace.textDocuments.find((t) => t.uri.toString() === file.toString());
    text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  } catch {
    return {};
  }
  const r = parseSettings(text, undefined);
  const name = path.posix.basename(file.path);
  if (!r.ok) {
    // parseSettings insists on a name; a pulled settings file always has one, a hand-written one may not.
    const withName = parseSettings(text, emptySettings(path.posix.basename(uri.path)));
    if (withName.ok) return { settings: withName.settings, file: name };
    return { problem: `${name}: ${r.problems.map((p) => p.message).join(' ')}`, file: name };
  }
  return { settings: r.settings, file: name };
}

function firstAddress(settings: EmailSettings | undefined): EmailSettings['addresses'][number] | undefined {
  return settings?.addresses.find((a) => a.fromName && a.fromAddress);
}

/**
 * Subject and From of a workspace file: its pulled settings (`<name>.ongage.json`), else what the user gave for
 * this file before (workspace state), else asked once (subject prefilled from `<title>`) and remembered.
 */
export async function embedMessageForFile(state: vscode.Memento, doc: vscode.TextDocument): Promise<EmbedMessage | undefined> {
  const pulled = await readPulledSettings(doc.uri);
  if (pulled.problem) throw new Error(`${pulled.problem} Fix it to send this file with its settings.`);
  const a = firstAddress(pulled.settings);
  if (pulled.settings?.subject && a) {
    return { subject: pulled.settings.subject, fromName: a.fromName, fromAddress: a.fromAddress, replyAddress: a.replyAddress || a.fromAddress };
  }
  const remembered = state.get<EmbedMessage>(embedKey(doc.uri));
  if (remembered) return remembered;
  const title = titleOf(doc.getText())?.trim();
  const asked = await askEmbedMessage(path.posix.basename(doc.uri.path), {
    subject: pulled.settings?.subject || title || '',
    fromName: a?.fromName ?? '',
    fromAddress: a?.fromAddress ?? '',
    replyAddress: a?.replyAddress ?? '',
  });
  if (asked) await state.update(embedKey(doc.uri), asked);
  return asked;
}

/** Forgets the subject and From remembered for a file (they are asked again on the next send). */
export async function forgetEmbedMessage(state: vscode.Memento, uri: vscode.Uri): Promise<void> {
  await state.update(embedKey(uri), undefined);
}

function checkOneAddress(v: string): string | undefined {
  const r = parseRecipients(v.trim());
  if (r.problems.length) return r.problems.map((p) => p.message).join(' ');
  if (r.addresses.length !== 1) return 'Give exactly one address, e.g. news@example.com.';
  return undefined;
}

async function askEmbedMessage(fileName: string, prefill: EmbedMessage): Promise<EmbedMessage | undefined> {
  const title = `Send ${fileName}: it has no pulled settings, so say once how it goes out`;
  const subject = await vscode.window.showInputBox({
    title,
    prompt: 'Subject (personalization tags work here)',
    value: prefill.subject,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'An email needs a subject.'),
  });
  if (subject === undefined) return undefined;
  const fromName = await vscode.window.showInputBox({
    title,
    prompt: 'From name (what the inbox shows as the sender)',
    value: prefill.fromName,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Give the sender a name, e.g. Harbor & Pine.'),
  });
  if (fromName === undefined) return undefined;
  const fromAddress = await vscode.window.showInputBox({
    title,
    prompt: 'From address (must be allowed by the sending connection)',
    value: prefill.fromAddress,
    ignoreFocusOut: true,
    validateInput: checkOneAddress,
  });
  if (fromAddress === undefined) return undefined;
  const replyAddress = await vscode.window.showInputBox({
    title,
    prompt: 'Reply-to address',
    value: prefill.replyAddress || fromAddress.trim(),
    ignoreFocusOut: true,
    validateInput: checkOneAddress,
  });
  if (replyAddress === undefined) return undefined;
  return { subject: subject.trim(), fromName: fromName.trim(), fromAddress: fromAddress.trim(), replyAddress: replyAddress.trim() };
}

/** Subject and From of a library email, as Ongage holds them (for sending its edited content by embed). */
export async function embedMessageForStored(pool: ClientPool, s: Extract<SendSource, { kind: 'stored' }>): Promise<EmbedMessage> {
  // The settings part as the editor has it (it may hold an unsaved subject), else what Ongage holds.
  const settingsDoc = s.parts.find((p) => parseItemUri(p.uri)?.part === 'settings');
  if (settingsDoc) {
    const r = parseSettings(settingsDoc.getText(), emptySettings(s.name));
    if (!r.ok) throw new Error(`The settings of "${s.name}" have a problem: ${r.problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.message}`).join(' ')} Nothing was sent.`);
    const a = firstAddress(r.settings);
    if (!a) throw new Error(`The settings of "${s.name}" have no From address (fromName and fromAddress). Add one; nothing was sent.`);
    return { subject: r.settings.subject, fromName: a.fromName, fromAddress: a.fromAddress, replyAddress: a.replyAddress || a.fromAddress };
  }
  const client = await pool.client(s.profile);
  const email = await client.getEmail(s.emailId, { listId: s.listId });
  const a = (email.addresses ?? []).find((x) => x.fromName && x.fromAddress);
  if (!a) {
    throw new Error(`"${email.name}" has no From address in Ongage, so its edited content cannot be sent as it is. Save it and send the stored email, or add a From address in Ongage.`);
  }
  return { subject: email.subject ?? '', fromName: a.fromName ?? '', fromAddress: a.fromAddress ?? '', replyAddress: a.replyAddress || a.fromAddress || '' };
}
