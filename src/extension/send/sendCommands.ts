import * as vscode from 'vscode';
import * as path from 'path';
import type { ConnectionProfile } from '../../core/accounts/connections';
import type { OngageClient } from '../../core/api/client';
import type { DynamicFields, EspConnection, Mailing, SendResult, TransactionalCampaign } from '../../core/api/types';
import { parseSamplesText, SAMPLES_PATH } from '../../core/fields/samples';
import { composeHtml } from '../../core/render/compose';
import { checkGuards, loadSendConfig, type SendGuards } from '../../core/send/guards';
import { appendSendLog, lastRecordFor, repeatWarning, SEND_LOG_PATH, type SendRecord } from '../../core/send/log';
import { checkAllowlistEntry } from '../../core/send/recipients';
import {
  checkFields,
  checkPerRecipient,
  isAmbiguous,
  mailingInProgress,
  mailingStatusText,
  sendEmbed,
  sendFingerprint,
  sendOutcome,
  sendTest,
  sendTransactionalStored,
  type PerRecipientFields,
} from '../../core/send/service';
import type { ClientPool } from '../accounts/clients';
import type { ConnectionManager } from '../accounts/connectionManager';
import { registerCommand, reportError } from '../commands/boundary';
import type { ItemDocumentProvider } from '../documents/itemDocuments';
import type { LibraryTreeProvider } from '../tree/libraryTree';
import { pickRecipients, RecentRecipients } from './recipientPick';
import {
  embedMessageForFile,
  embedMessageForStored,
  isPreviewSendArg,
  resolveSource,
  sourceKey,
  type EmbedMessage,
  type SendSource,
} from './sendSource';
import { setWalkthroughContext } from './walkthrough';

export interface SendDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  connections: ConnectionManager;
  pool: ClientPool;
  documents: ItemDocumentProvider;
  tree: LibraryTreeProvider;
}

/** The last test of an email, for Send Test Again (global state, keyed by sourceKey). */
interface LastTest {
  recipients: string[];
  espConnectionId: number;
  /** How it went: the stored email by test mailing, or content by send_embed_content. */
  via: 'mailing' | 'embed';
}

const LAST_TESTS_KEY = 'ongage.send.lastTests';
const connectionChoiceKey = (profileId: string, listId: number, purpose: 'test' | 'transactional') => `ongage.send.connection.${purpose}.${profileId}/${listId}`;
/** Context key: the active editor's email was test-sent before (the editor title then offers Send Test Again). */
const CAN_SEND_AGAIN = 'ongage.canSendTestAgain';

interface Guardrails {
  /** Each must pass (the setting's allowlist, the workspace's); the first also goes to the send service. */
  all: SendGuards[];
  confirmAbove: number;
}

type Prepared =
  | { via: 'mailing'; source: Extract<SendSource, { kind: 'stored' }> }
  | { via: 'embed'; source: SendSource; html: string; message: EmbedMessage };

/**
 * Send Test…, Send Test Again and Send Transactional…: pickers, guard rails and the send log around the
 * editor-free send service (src/core/send/). Nothing goes out without the recipients passing the RFC 5322 check
 * and the allowlist; the first send of a session through a real (non-sandbox) connection asks once, naming
 * everything; a send whose outcome is unknown is never repeated without asking.
 */
export class SendCommands implements vscode.Disposable {
  private readonly recent: RecentRecipients;
  /** ESP connections confirmed this session (profile id / connection id). */
  private readonly confirmed = new Set<string>();
  /** Fingerprints of sends this session whose outcome is unknown (also read back from the send log). */
  private readonly maybeSent = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly d: SendDeps) {
    this.recent = new RecentRecipients(d.context.globalState);
    this.disposables.push(vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()));
    this.updateContext();
  }

  register(): void {
    const { context, log } = this.d;
    registerCommand(context, log, 'ongage.sendTest', 'The test send', (arg?: unknown) => this.sendTest(arg, false));
    registerCommand(context, log, 'ongage.sendTestAgain', 'The test send', (arg?: unknown) => this.sendTest(arg, true));
    registerCommand(context, log, 'ongage.sendTransactional', 'The transactional send', (arg?: unknown) => this.sendTransactional(arg));
  }

  // ------------------------------------------------------------------------------------------ test send

  async sendTest(arg: unknown, again: boolean): Promise<void> {
    const source = await resolveSource(this.d, arg);
    const last = this.lastTests()[sourceKey(source)];
    if (again && !last) {
      // Nothing to repeat yet: the full command, so one click still leads to a send.
      return this.sendTest(arg, false);
    }
    const prepared = await this.prepareContent(source, again && last ? last.via : undefined);
    if (!prepared) return;
    const client = await this.d.pool.client(source.profile);
    const purpose = prepared.via === 'mailing' ? 'test' : 'transactional';

    let esp: EspConnection | undefined;
    let recipients: string[] | undefined;
    if (again && last) {
      // The same people through the same connection; a connection that cannot carry this kind of send (the last test
      // went out as embedded content, this one as the stored email, or back) is asked for once.
      const all = await this.espConnections(client, source.listId, purpose);
      esp = all.find((c) => c.id === last.espConnectionId) ?? (await this.pickConnection(client, source, purpose));
      if (!esp) return;
      recipients = last.recipients;
    } else {
      esp = await this.pickConnection(client, source, purpose);
      if (!esp) return;
      recipients = await this.askRecipients(source, esp, `Send a test of "${source.name}"`, await this.guardsFor(source, esp));
      if (!recipients) return;
    }

    const guards = await this.guardsFor(source, esp);
    if (!(await this.passGuards(recipients, guards))) return;

    const prepend = vscode.workspace.getConfiguration('ongage').get<boolean>('send.prependTestToSubject', true);
    const values = isPreviewSendArg(arg) ? arg.values : undefined;
    const subject = prepared.via === 'embed' ? `${prepend ? '[TEST] ' : ''}${prepared.message.subject}` : await this.storedSubject(client, prepared.source, prepend);
    const identity = {
      kind: prepared.via === 'mailing' ? ('test' as const) : ('transactional' as const),
      connection: `${source.profile.baseUrl}#${source.profile.id}`,
      ...(prepared.via === 'mailing' ? { emailId: prepared.source.emailId } : { subject, html: prepared.html }),
      recipients,
      espConnectionId: esp.id,
      listId: source.listId,
    };
    const fingerprint = sendFingerprint(identity);
    if (!(await this.passRepeatCheck(source, fingerprint))) return;
    const campaignLabel = prepared.via === 'mailing' ? 'a test campaign' : "the list's default transactional campaign";
    if (!(await this.confirmRealConnection(source, esp, { recipients, subject, campaign: campaignLabel }))) return;

    const record: Omit<SendRecord, 'result' | 'at'> = {
      kind: identity.kind,
      email: prepared.source.kind === 'stored' ? { id: prepared.source.emailId, name: source.name } : { name: source.name, file: this.relative(source.doc!.uri) },
      connection: source.profile.name,
      listId: source.listId,
      espConnectionId: esp.id,
      recipients,
      fingerprint,
    };
    const what = `test of "${source.name}"`;
    const outcome = await this.run(what, source, esp, record, async (signal) => {
      if (prepared.via === 'mailing') {
        const r = await sendTest(client, {
          emailId: prepared.source.emailId,
          listId: source.listId,
          recipients,
          espConnectionId: esp.id,
          prependTestToSubject: prepend,
          name: `Test: ${source.name}`,
          description: 'Test send from Ongage Studio',
          guards: guards.all[0],
          confirmed: true,
          signal,
        });
        return { mailing: r.mailing };
      }
      const r = await sendEmbed(client, {
        subject,
        html: prepared.html,
        from: { fromName: prepared.message.fromName, fromAddress: prepared.message.fromAddress, replyAddress: prepared.message.replyAddress },
        recipients,
        sendingConnectionId: esp.id,
        listId: source.listId,
        ...(values && Object.keys(values).length ? { fields: values } : {}),
        guards: guards.all[0],
        confirmed: true,
        signal,
      });
      return { result: r.result };
    });
    if (!outcome) return;

    await this.recent.remember(this.recentKey(source, esp), recipients);
    const tests = this.lastTests();
    tests[sourceKey(source)] = { recipients, espConnectionId: esp.id, via: prepared.via };
    await this.d.context.globalState.update(LAST_TESTS_KEY, tests);
    this.updateContext();
    setWalkthroughContext('ongage.walkthrough.testSent', true);
    void this.showOutcome(client, source, what, recipients, outcome);
  }

  // ------------------------------------------------------------------------------------- transactional

  async sendTransactional(arg: unknown): Promise<void> {
    const source = await resolveSource(this.d, arg);
    const prepared = await this.prepareContent(source, undefined);
    if (!prepared) return;
    const client = await this.d.pool.client(source.profile);

    const campaign = await this.pickCampaign(client, source);
    if (!campaign) return;
    const esp = await this.pickConnection(client, source, 'transactional', campaign.espConnectionId);
    if (!esp) return;
    const guards = await this.guardsFor(source, esp);
    const recipients = await this.askRecipients(source, esp, `Send "${source.name}" as a transactional message`, guards);
    if (!recipients) return;
    if (!(await this.passGuards(recipients, guards))) return;

    const fields = await this.pickFields(source, recipients);
    if (!fields) return;
    const options = await this.pickChecks();
    if (!options) return;
    const notContacts = await this.contactsMissing(client, source, recipients);

    const subject = prepared.via === 'embed' ? prepared.message.subject : await this.storedSubject(client, prepared.source, false);
    const fingerprint = sendFingerprint({
      kind: 'transactional',
      connection: `${source.profile.baseUrl}#${source.profile.id}`,
      ...(prepared.via === 'mailing' ? { emailId: prepared.source.emailId } : { subject, html: prepared.html }),
      recipients,
      espConnectionId: esp.id,
      campaignId: campaign.id,
      listId: source.listId,
    });
    if (!(await this.passRepeatCheck(source, fingerprint))) return;

    // The summary is always shown: who gets which values, through what. It is also the session's confirmation.
    const lines = [
      `Connection: ${source.profile.name}${source.profile.sandbox ? ' (sandbox)' : ''}, sending through "${esp.name}"`,
      `List: ${await this.listName(source)}`,
      `Campaign: ${campaign.name} (${campaign.id})`,
      `Subject: ${subject || '(none)'}`,
      `Content: ${prepared.via === 'mailing' ? `the stored email ${prepared.source.emailId}` : 'what the editor holds (sent as embedded content)'}`,
      options.checkStatus ? "Contacts' status is honoured" : "Contacts' status is not checked",
      options.checkSuppression ? 'Global and list suppression lists are honoured' : 'Suppression lists are not checked',
      '',
      ...recipients.map((r) => `${r} → ${describeFields(fields.per?.find((p) => p.recipient.toLowerCase() === r.toLowerCase())?.key_value_collection ?? fields.all)}`),
      ...(notContacts.length
        ? ['', `Not contacts of the list: ${notContacts.join(', ')}. Fields the values above do not set stay empty for them (the list's defaults do not apply).`]
        : []),
    ];
    const go = await vscode.window.showWarningMessage(
      `Send "${source.name}" to ${plural(recipients.length, 'recipient')}?`,
      { modal: true, detail: lines.join('\n') },
      'Send',
    );
    if (go !== 'Send') return;
    this.confirmed.add(`${source.profile.id}/${esp.id}`);

    const record: Omit<SendRecord, 'result' | 'at'> = {
      kind: 'transactional',
      email: prepared.source.kind === 'stored' ? { id: prepared.source.emailId, name: source.name } : { name: source.name, file: this.relative(source.doc!.uri) },
      connection: source.profile.name,
      listId: source.listId,
      espConnectionId: esp.id,
      campaignId: campaign.id,
      recipients,
      fingerprint,
    };
    const common = {
      recipients,
      campaignId: campaign.id,
      sendingConnectionId: esp.id,
      listId: source.listId,
      ...(fields.all ? { fields: fields.all } : {}),
      ...(fields.per ? { perRecipient: fields.per } : {}),
      checkStatus: options.checkStatus,
      checkSuppression: options.checkSuppression,
      guards: guards.all[0],
      confirmed: true,
    };
    const what = `transactional send of "${source.name}"`;
    const outcome = await this.run(what, source, esp, record, async (signal) => {
      const r =
        prepared.via === 'mailing'
          ? await sendTransactionalStored(client, { ...common, messageId: prepared.source.emailId, signal })
          : await sendEmbed(client, {
              ...common,
              subject,
              html: prepared.html,
              from: { fromName: prepared.message.fromName, fromAddress: prepared.message.fromAddress, replyAddress: prepared.message.replyAddress },
              signal,
            });
      return { result: r.result };
    });
    if (!outcome) return;
    await this.recent.remember(this.recentKey(source, esp), recipients);
    void this.showOutcome(client, source, what, recipients, outcome);
  }

  // --------------------------------------------------------------------------------------- the pieces

  /** What goes out: the stored email, or (unsaved changes, a workspace file) the editor's content by embed. */
  private async prepareContent(source: SendSource, lastVia: LastTest['via'] | undefined): Promise<Prepared | undefined> {
    if (source.kind === 'file') {
      const message = await embedMessageForFile(this.d.context.workspaceState, source.doc);
      if (!message) return undefined;
      return { via: 'embed', source, html: source.doc.getText(), message };
    }
    const dirty = source.parts.filter((p) => p.isDirty);
    if (dirty.length === 0) return { via: 'mailing', source };
    const choice =
      lastVia === 'embed'
        ? 'Send What I See'
        : await vscode.window.showWarningMessage(
            `"${source.name}" has unsaved changes.`,
            {
              modal: true,
              detail:
                'Save and Send: your changes are saved to Ongage first and the test goes out with what Ongage then holds.\n' +
                "Send What I See: the editor's current content goes out as it is (as embedded content), and Ongage keeps the stored version.",
            },
            'Save and Send',
            'Send What I See',
          );
    if (choice === 'Save and Send') {
      for (const doc of dirty) {
        const saved = await doc.save();
        if (!saved || doc.isDirty) {
          throw new Error(`"${source.name}" was not saved (${path.posix.basename(doc.uri.path)}), so nothing was sent. Save it, or choose "Send What I See", and try again.`);
        }
      }
      return { via: 'mailing', source };
    }
    if (choice === 'Send What I See') {
      const message = await embedMessageForStored(this.d.pool, source);
      const body = await this.d.documents.htmlOf({ profileId: source.profile.id, listId: source.listId, itemId: source.emailId, part: 'html' });
      // Embedded content has no header or footer template of its own: compose them in, as the preview shows them.
      const uri = (source.doc ?? source.parts[0]).uri.toString();
      const t = await this.d.documents.composed(uri);
      if (t.errors.length) throw new Error(`${t.errors.map((e) => `The ${e.which} template ${e.id} could not be read (${e.message}).`).join(' ')} Nothing was sent.`);
      return { via: 'embed', source, html: composeHtml(body, t.header?.html ?? null, t.footer?.html ?? null), message };
    }
    return undefined;
  }

  private async espConnections(client: OngageClient, listId: number, purpose: 'test' | 'transactional'): Promise<EspConnection[]> {
    const all = await client.listEspConnections({ listId, activeOnly: true });
    return purpose === 'transactional' ? all.filter((c) => c.supportTransactional) : all;
  }

  /** The sending connection: remembered per list, asked when there is a choice. */
  private async pickConnection(client: OngageClient, source: SendSource, purpose: 'test' | 'transactional', preferred?: number): Promise<EspConnection | undefined> {
    const all = await this.espConnections(client, source.listId, purpose);
    if (all.length === 0) {
      throw new Error(
        purpose === 'transactional'
          ? `"${source.profile.name}" has no active sending connection that supports transactional sends. Add or activate one in Ongage (Connections).`
          : `"${source.profile.name}" has no active sending connection. Add or activate one in Ongage (Connections).`,
      );
    }
    if (all.length === 1) return all[0];
    const key = connectionChoiceKey(source.profile.id, source.listId, purpose);
    const remembered = this.d.context.globalState.get<number>(key);
    const first = remembered ?? preferred;
    const ordered = [...all].sort((a, b) => (a.id === first ? -1 : b.id === first ? 1 : 0));
    const pick = await vscode.window.showQuickPick(
      ordered.map((c) => ({
        label: c.name,
        description: [c.espName, c.id === remembered ? 'last used for this list' : c.id === preferred ? "the campaign's connection" : undefined].filter(Boolean).join(' · '),
        detail: c.supportTransactional ? 'Supports transactional sends' : undefined,
        c,
      })),
      { title: `Sending connection for "${source.name}"`, placeHolder: 'The ESP connection the mail goes out through', ignoreFocusOut: true },
    );
    if (!pick) return undefined;
    await this.d.context.globalState.update(key, pick.c.id);
    return pick.c;
  }

  private recentKey(source: SendSource, esp: EspConnection): string {
    return `${source.profile.id}/${esp.id}`;
  }

  /** The recipients picker; an address outside an allowlist is named in it while typing, before anything is sent. */
  private async askRecipients(source: SendSource, esp: EspConnection, title: string, guards: Guardrails): Promise<string[] | undefined> {
    const recent = this.recent.get(this.recentKey(source, esp));
    const last = this.lastTests()[sourceKey(source)];
    return pickRecipients({
      title,
      recent,
      checked: last && last.espConnectionId === esp.id ? last.recipients : [],
      check: (addresses) => guards.all.map((g) => (g.allowlist?.length ? checkGuards(addresses, g).refused : undefined)).find((r) => r !== undefined),
    });
  }

  /** The allowlist of the `ongage.send.allowlist` setting for this connection (by Ongage connection name, ESP connection name, or "*"). */
  private settingAllowlist(profile: ConnectionProfile, esp: EspConnection): { list: string[]; source: string } | undefined {
    const setting = vscode.workspace.getConfiguration('ongage').get<Record<string, unknown>>('send.allowlist') ?? {};
    const lists: string[] = [];
    const names: string[] = [];
    for (const key of [profile.name, esp.name, String(esp.id), '*']) {
      const v = setting[key];
      if (v === undefined) continue;
      const entries = (Array.isArray(v) ? v : [v]).map(String);
      const bad = entries.map(checkAllowlistEntry).filter((p): p is string => !!p);
      if (bad.length) throw new Error(`The setting ongage.send.allowlist["${key}"] has a bad entry: ${bad.join(' ')} Write an address (qa@example.com) or a domain (@example.com).`);
      lists.push(...entries.map((e) => e.trim()));
      names.push(`"${key}"`);
    }
    return lists.length ? { list: lists, source: `setting ongage.send.allowlist ${names.join(', ')}` } : undefined;
  }

  /**
   * The guard rails: the setting's allowlist for this connection and the workspace `sends` settings (an address must
   * pass each one that is set), and the recipient threshold (the workspace's, else the setting's).
   */
  private async guardsFor(source: SendSource, esp: EspConnection): Promise<Guardrails> {
    const fromSetting = this.settingAllowlist(source.profile, esp);
    const folder = this.folderOf(source);
    const workspace = folder ? await loadSendConfig(folder.uri.fsPath) : { guards: {} as SendGuards, errors: [] as string[] };
    if (workspace.errors.length) throw new Error(`${workspace.errors.join(' ')} Nothing was sent.`);
    const confirmAbove = workspace.guards.confirmAbove ?? vscode.workspace.getConfiguration('ongage').get<number>('send.confirmAbove', 5);
    const lists: SendGuards[] = [];
    if (fromSetting) lists.push({ allowlist: fromSetting.list, allowlistSource: fromSetting.source, confirmAbove });
    if (workspace.guards.allowlist?.length) lists.push({ ...workspace.guards, confirmAbove });
    return { all: lists.length ? lists : [{ confirmAbove }], confirmAbove };
  }

  /** Refuses what an allowlist refuses; asks again above the threshold. */
  private async passGuards(recipients: string[], g: Guardrails): Promise<boolean> {
    for (const guards of g.all) {
      const refused = checkGuards(recipients, guards).refused;
      if (refused) {
        this.d.log.warn(refused);
        throw new Error(refused);
      }
    }
    if (recipients.length > g.confirmAbove) {
      const label = `Send to ${recipients.length}`;
      const ok = await vscode.window.showWarningMessage(
        `Send to ${recipients.length} recipients?`,
        { modal: true, detail: `That is more than ${g.confirmAbove} (setting ongage.send.confirmAbove):\n${recipients.join('\n')}` },
        label,
      );
      return ok === label;
    }
    return true;
  }

  /** A send whose last attempt may have gone out asks before going again. */
  private async passRepeatCheck(source: SendSource, fingerprint: string): Promise<boolean> {
    let warning = this.maybeSent.get(fingerprint);
    const file = this.logFile(source);
    if (!warning && file) {
      try {
        warning = repeatWarning(await lastRecordFor(file, fingerprint));
      } catch (e) {
        this.d.log.warn(`The send log ${file} could not be read: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (!warning) return true;
    const go = await vscode.window.showWarningMessage(
      'This send may already have gone out.',
      { modal: true, detail: `${warning}\nSending again may deliver it twice.` },
      'Send Again Anyway',
    );
    if (go !== 'Send Again Anyway') return false;
    this.maybeSent.delete(fingerprint);
    return true;
  }

  /** Before the first send of a session through a real connection: one confirmation naming everything. */
  private async confirmRealConnection(source: SendSource, esp: EspConnection, what: { recipients: string[]; subject: string; campaign: string }): Promise<boolean> {
    if (source.profile.sandbox) return true;
    const key = `${source.profile.id}/${esp.id}`;
    if (this.confirmed.has(key)) return true;
    const detail = [
      `Connection: ${source.profile.name} (${source.profile.baseUrl}), sending through "${esp.name}"${esp.espName ? ` (${esp.espName})` : ''}`,
      `List: ${await this.listName(source)}`,
      `Campaign: ${what.campaign}`,
      `Subject: ${what.subject || '(none)'}`,
      `Recipients: ${what.recipients.join(', ')}`,
      '',
      'This is real mail. You are asked once per session for each sending connection.',
    ].join('\n');
    const go = await vscode.window.showWarningMessage(`Send "${source.name}" through ${source.profile.name}?`, { modal: true, detail }, 'Send');
    if (go !== 'Send') return false;
    this.confirmed.add(key);
    return true;
  }

  /** Runs one send under a progress notification, logs it (output channel and send log) and reports failures. */
  private async run(
    what: string,
    source: SendSource,
    esp: EspConnection,
    record: Omit<SendRecord, 'result' | 'at'>,
    send: (signal: AbortSignal) => Promise<{ mailing?: Mailing; result?: SendResult }>,
  ): Promise<{ mailing?: Mailing; result?: SendResult } | undefined> {
    const at = new Date().toISOString();
    const to = record.recipients.join(', ');
    this.d.log.info(`Sending the ${what} to ${to} through "${esp.name}" (${source.profile.name}, list ${source.listId})`);
    try {
      const out = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Sending the ${what} to ${to}…` },
        () => send(new AbortController().signal),
      );
      const mailingId = out.mailing?.id ?? out.result?.id;
      await this.writeLog(source, { ...record, at, result: 'sent', ...(mailingId !== undefined ? { mailingId } : {}) });
      this.d.log.info(`Sent the ${what} to ${to}${mailingId !== undefined ? `: campaign ${mailingId}` : ''}`);
      return out;
    } catch (e) {
      const o = sendOutcome(e);
      await this.writeLog(source, { ...record, at, result: o.result, ...(o.message ? { message: o.message } : {}) });
      if (isAmbiguous(e)) {
        const reason = o.message ?? 'Ongage did not answer, so the mail may have gone out.';
        this.maybeSent.set(record.fingerprint, `The same send to ${to} may have gone out (${reason}).`);
        this.d.log.warn(`The ${what} may have gone out (not retried): ${reason}`);
        // The client's message says it may have gone out and where to check; say where when it does not.
        const where = source.profile.sandbox
          ? `the sandbox outbox (${source.profile.baseUrl}/__sandbox/outbox)`
          : `the campaign's status in Ongage and the log of "${esp.name}"${esp.espName ? ` at ${esp.espName}` : ''}`;
        const check = /outbox|status|log/i.test(reason) ? '' : ` Check ${where} before sending it again.`;
        const head = /may (well )?have gone out|may or may not/i.test(reason) ? `${what[0].toUpperCase()}${what.slice(1)}: ` : `The ${what} may have gone out. `;
        const choice = await vscode.window.showWarningMessage(
          `${head}${reason}${check} The next attempt of this same send asks first.`,
          ...(source.profile.sandbox ? ['Open Outbox', 'Show Log'] : ['Show Log']),
        );
        if (choice === 'Show Log') this.d.log.show(true);
        if (choice === 'Open Outbox') await vscode.env.openExternal(vscode.Uri.parse(`${source.profile.baseUrl}/__sandbox/outbox`));
        return undefined;
      }
      await reportError(this.d.log, `The ${what}`, e);
      return undefined;
    }
  }

  private async showOutcome(client: OngageClient, source: SendSource, what: string, recipients: string[], out: { mailing?: Mailing; result?: SendResult }): Promise<void> {
    const to = recipients.join(', ');
    if (out.mailing) {
      let mailing = out.mailing;
      for (;;) {
        const status = mailingStatusText(mailing);
        const text = `Sent the ${what} to ${to}: campaign ${mailing.id}, ${status}.`;
        const choice = await (mailing.statusName === 'ERROR' || mailing.statusName === 'COMPLETED_WITH_ERRORS'
          ? vscode.window.showWarningMessage(text, 'Check Again', 'Show Log')
          : vscode.window.showInformationMessage(text, 'Check Again'));
        if (choice === 'Show Log') this.d.log.show(true);
        if (choice !== 'Check Again') return;
        try {
          mailing = await client.getMailing(mailing.id, { listId: source.listId });
          this.d.log.info(`Campaign ${mailing.id}: ${mailingStatusText(mailing)}${mailingInProgress(mailing) ? ' (still on its way)' : ''}`);
        } catch (e) {
          await reportError(this.d.log, `Reading campaign ${mailing.id}`, e);
          return;
        }
      }
    }
    const r = out.result;
    const rejected = r?.rejected ?? [];
    const accepted = r?.accepted;
    const parts = [`Sent the ${what} to ${to}`];
    if (r?.campaignId !== undefined) parts.push(`through transactional campaign ${r.campaignId}`);
    if (accepted) parts.push(`${accepted.length} accepted`);
    const text = `${parts.join(', ')}.${rejected.length ? ` Not delivered: ${rejected.map((x) => `${x.recipient} (${x.reason})`).join(', ')}.` : ''}`;
    const choice = await (rejected.length ? vscode.window.showWarningMessage(text, 'Show Log') : vscode.window.showInformationMessage(text));
    if (choice === 'Show Log') this.d.log.show(true);
  }

  private async pickCampaign(client: OngageClient, source: SendSource): Promise<TransactionalCampaign | undefined> {
    const [page, list] = await Promise.all([
      client.listTransactionalCampaigns({ listId: source.listId, limit: 200 }),
      client.getList(source.listId).catch(() => undefined),
    ]);
    const campaigns = page.items;
    if (campaigns.length === 0) throw new Error(`List ${source.listId} has no transactional campaign. Create one in Ongage (Transactional) first.`);
    const defaultId = list?.defaultTransactionalId ?? campaigns.find((c) => c.isDefault)?.id;
    const ordered = [...campaigns].sort((a, b) => (a.id === defaultId ? -1 : b.id === defaultId ? 1 : 0));
    if (ordered.length === 1) return ordered[0];
    const pick = await vscode.window.showQuickPick(
      ordered.map((c) => ({ label: c.name, description: `${c.id}${c.id === defaultId ? " · the list's default" : ''}`, detail: c.description || undefined, c })),
      { title: `Transactional campaign for "${source.name}"`, placeHolder: 'The campaign the send is counted under', ignoreFocusOut: true },
    );
    return pick?.c;
  }

  /** Dynamic fields: none, the sample profiles (one per recipient, or one for all), or a JSON file. */
  private async pickFields(source: SendSource, recipients: string[]): Promise<{ all?: DynamicFields; per?: PerRecipientFields } | undefined> {
    const samples = await this.readSamples(source);
    type Item = vscode.QuickPickItem & { make: () => Promise<{ all?: DynamicFields; per?: PerRecipientFields } | undefined> };
    const items: Item[] = [];
    if (samples.length >= recipients.length && recipients.length > 1) {
      items.push({
        label: 'One sample profile per recipient',
        description: SAMPLES_PATH,
        detail: recipients.map((r, i) => `${r} ← ${samples[i].label}`).join(', '),
        make: async () => ({ per: recipients.map((r, i) => ({ recipient: r, key_value_collection: textValues(samples[i].values) })) }),
      });
    }
    for (const s of samples) {
      items.push({
        label: `Sample profile "${s.label}" for ${recipients.length > 1 ? 'everyone' : recipients[0]}`,
        description: SAMPLES_PATH,
        detail: describeFields(textValues(s.values)),
        make: async () => ({ all: textValues(s.values) }),
      });
    }
    items.push({
      label: 'From a JSON file…',
      detail: 'One object for everyone ({"order_id": "A-1"}), or per recipient: [{"recipient": "…", "key_value_collection": {…}}]',
      make: () => this.fieldsFromFile(recipients),
    });
    items.push({ label: 'No dynamic fields', detail: "Each recipient gets their contact's values", make: async () => ({}) });
    const pick = await vscode.window.showQuickPick(items, { title: `Dynamic fields for "${source.name}"`, placeHolder: 'Values for the {{fields}} of the message', ignoreFocusOut: true });
    return pick ? pick.make() : undefined;
  }

  private async fieldsFromFile(recipients: string[]): Promise<{ all?: DynamicFields; per?: PerRecipientFields } | undefined> {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { JSON: ['json'] }, title: 'Dynamic fields (JSON)', openLabel: 'Use These Values' });
    if (!picked?.[0]) return undefined;
    const name = path.basename(picked[0].fsPath);
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(picked[0])));
    } catch (e) {
      throw new Error(`${name} is not valid JSON (${e instanceof Error ? e.message : String(e)}). Fix it; nothing was sent.`);
    }
    if (Array.isArray(value)) {
      const r = checkPerRecipient(value, name);
      if (r.problems.length) throw new Error(`${r.problems.join(' ')} Nothing was sent.`);
      const stray = r.entries.filter((e) => !recipients.some((x) => x.toLowerCase() === e.recipient.toLowerCase())).map((e) => e.recipient);
      if (stray.length) throw new Error(`${name} has values for ${stray.join(', ')}, not among the recipients. Add them as recipients or remove their values; nothing was sent.`);
      return { per: r.entries };
    }
    const r = checkFields(value, name);
    if (r.problems.length) throw new Error(`${r.problems.join(' ')} Nothing was sent.`);
    return { all: r.fields };
  }

  private async pickChecks(): Promise<{ checkStatus: boolean; checkSuppression: boolean } | undefined> {
    const items = [
      { label: 'Check the contact status', detail: 'Skip recipients who unsubscribed, bounced or complained (check_status). Off in Ongage by default.', key: 'status' },
      {
        label: 'Check the suppression lists',
        detail: "Skip recipients on the account's global or the list's suppression list (check_global_and_list_suppression). Off in Ongage by default.",
        key: 'suppression',
      },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: 'Options of the transactional send',
      placeHolder: 'Both off sends to every recipient regardless of status, as Ongage does; Enter continues',
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    return { checkStatus: picked.some((p) => p.key === 'status'), checkSuppression: picked.some((p) => p.key === 'suppression') };
  }

  /** Recipients who are not contacts of the list (one look-up each, three at a time, inside the client's limiter). */
  private async contactsMissing(client: OngageClient, source: SendSource, recipients: string[]): Promise<string[]> {
    const missing: string[] = [];
    const queue = [...recipients];
    const worker = async () => {
      for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
        try {
          await client.getContactByEmail(r, { listId: source.listId });
        } catch (e) {
          if ((e as { kind?: string }).kind === 'notFound') missing.push(r);
          else this.d.log.warn(`Could not look up contact ${r}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    };
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Looking up the recipients in the list…' }, () =>
      Promise.all([worker(), worker(), worker()]),
    );
    return recipients.filter((r) => missing.includes(r));
  }

  private async readSamples(source: SendSource): Promise<Array<{ label: string; values: Record<string, unknown> }>> {
    const folder = this.folderOf(source);
    if (!folder) return [];
    const uri = vscode.Uri.joinPath(folder.uri, ...SAMPLES_PATH.split('/'));
    let text: string;
    const open = vscode.workspace.textDocuments.find((t) => t.uri.toString() === uri.toString());
    try {
      text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return [];
    }
    const parsed = parseSamplesText(text);
    for (const e of parsed.errors) this.d.log.warn(e);
    return parsed.profiles;
  }

  private async storedSubject(client: OngageClient, source: Extract<SendSource, { kind: 'stored' }>, prepend: boolean): Promise<string> {
    const meta = source.doc ? this.d.documents.meta(source.doc.uri.toString()) : undefined;
    const subject = meta?.subject ?? (await client.getEmail(source.emailId, { listId: source.listId }).then((e) => e.subject ?? '', () => ''));
    return `${prepend ? '[TEST] ' : ''}${subject}`;
  }

  private async listName(source: SendSource): Promise<string> {
    const lists = await this.d.pool.listsOf(source.profile).catch(() => []);
    const l = lists.find((x) => x.id === source.listId);
    return l ? `${l.name} (${l.id})` : String(source.listId);
  }

  private folderOf(source: SendSource): vscode.WorkspaceFolder | undefined {
    const byDoc = source.doc && source.doc.uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(source.doc.uri) : undefined;
    return byDoc ?? vscode.workspace.workspaceFolders?.[0];
  }

  private logFile(source: SendSource): string | undefined {
    const folder = this.folderOf(source);
    return folder && folder.uri.scheme === 'file' ? path.join(folder.uri.fsPath, ...SEND_LOG_PATH.split('/')) : undefined;
  }

  private relative(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri, false);
  }

  private async writeLog(source: SendSource, record: SendRecord): Promise<void> {
    const file = this.logFile(source);
    if (!file) return;
    try {
      await appendSendLog(file, record);
    } catch (e) {
      this.d.log.warn(`The send log ${file} could not be written: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private lastTests(): Record<string, LastTest> {
    return { ...(this.d.context.globalState.get<Record<string, LastTest>>(LAST_TESTS_KEY) ?? {}) };
  }

  /** Send Test Again becomes the editor title's button for an email that was test-sent before. */
  private updateContext(): void {
    const doc = vscode.window.activeTextEditor?.document;
    let can = false;
    if (doc) {
      const tests = this.lastTests();
      const keys = Object.keys(tests);
      can = keys.includes(`file:${doc.uri.toString()}`) || keys.some((k) => k.startsWith('stored:') && docMatchesStored(doc.uri, k));
    }
    void vscode.commands.executeCommand('setContext', CAN_SEND_AGAIN, can);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function docMatchesStored(uri: vscode.Uri, key: string): boolean {
  const m = /^\/([^/]+)\/(\d+)\/(\d+)\//.exec(uri.path);
  return uri.scheme === 'ongage' && !!m && key === `stored:${m[1]}/${m[2]}/${m[3]}`;
}

function textValues(values: Record<string, unknown>): DynamicFields {
  const out: DynamicFields = {};
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith('ocx_')) continue;
    out[k] = v === null || v === undefined ? '' : typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
  }
  return out;
}

function describeFields(f: DynamicFields | undefined): string {
  const entries = Object.entries(f ?? {});
  if (entries.length === 0) return "the contact's own values";
  return entries.map(([k, v]) => `${k}: ${v === '' || v === null ? '(empty)' : String(v)}`).join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
