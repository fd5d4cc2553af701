/**
 * Turns an accepted send into outbox entries: header and footer templates composed around the email's own
 * content, the default unsubscribe link appended when the email asks for it, and every tag resolved for each
 * recipient (contact fields, then message_dynamic_fields, then the recipient's own dynamic fields).
 */
import { ContactRec, EmailRec, OutboxEntry, SendKind, Store } from './model';
import { emailHash, FieldDef, personalize, rawUrlEncode } from './personalize';

export interface MessageParts {
  subject: string;
  preheader: string;
  html: string;
  text: string;
}

function bodyInner(html: string): string {
  const m = html.match(/<body[^>]*>([\s\S]*?)<\/body>/i);
  return (m ? m[1] : html).trim();
}

function styles(html: string): string {
  return (html.match(/<style[^>]*>[\s\S]*?<\/style>/gi) ?? []).join('\n');
}

/** Places the header template's content right after <body> and the footer's right before </body>. */
export function composeHtml(html: string, header: string | null, footer: string | null): string {
  let out = html;
  const extraStyles = [header, footer].filter((x): x is string => !!x).map(styles).filter(Boolean).join('\n');
  if (extraStyles && /<\/head>/i.test(out)) out = out.replace(/<\/head>/i, `${extraStyles}\n</head>`);
  if (header) {
    const h = bodyInner(header);
    // After <body> and after a hidden preheader that opens the body, so inbox previews still show the preheader.
    const open = /<body[^>]*>(\s*<(span|div)\b[^>]*class="[^"]*preheader[^"]*"[^>]*>[\s\S]*?<\/\2>)?/i;
    out = open.test(out) ? out.replace(open, (m) => `${m}\n${h}`) : `${h}\n${out}`;
  }
  if (footer) {
    const f = bodyInner(footer);
    out = /<\/body>/i.test(out) ? out.replace(/<\/body>(?![\s\S]*<\/body>)/i, `${f}\n</body>`) : `${out}\n${f}`;
  }
  return out;
}

const DEFAULT_UNSUBSCRIBE =
  '<p style="text-align:center;font:12px Arial,sans-serif;color:#888888">If you no longer wish to receive these emails, <a href="{{ocx_unsubscribe_link}}">unsubscribe here</a>.</p>';

export function addDefaultUnsubscribe(html: string): string {
  return /<\/body>/i.test(html) ? html.replace(/<\/body>(?![\s\S]*<\/body>)/i, `${DEFAULT_UNSUBSCRIBE}\n</body>`) : `${html}\n${DEFAULT_UNSUBSCRIBE}`;
}

/** The email's subject, preheader, HTML and text with its header/footer templates composed in. */
export function composeEmail(store: Store, e: EmailRec): MessageParts {
  const header = e.header_template_id !== null ? store.email(e.header_template_id) : undefined;
  const footer = e.footer_template_id !== null ? store.email(e.footer_template_id) : undefined;
  return {
    subject: e.subject,
    preheader: e.preheader,
    html: composeHtml(e.content_html, header?.content_html ?? null, footer?.content_html ?? null),
    text: [header?.content_text, e.content_text, footer?.content_text].filter((x) => x).join('\n\n'),
  };
}

export interface SendSpec {
  kind: SendKind;
  mailingId: number;
  campaignName: string;
  listId: number;
  messageId: number | null;
  parts: MessageParts;
  defaultUnsubscribe: boolean;
  recipients: string[];
  connection: { id: number; esp_id: number } | null;
  from: { from_name: string; from_address: string; reply_address: string };
  prependTest: boolean;
  globalFields: Record<string, unknown>;
  perRecipient: Map<string, Record<string, unknown>>;
  scheduledFor: number | null;
  baseUrl: string;
  now: number;
}

/** Where `{{ocx_unsubscribe_link}}` points for one recipient of one send (the sandbox's unsubscribe page). */
export function unsubscribeLink(baseUrl: string, listId: number, mailingId: number, recipient: string): string {
  return `${baseUrl}/__sandbox/unsubscribe?list=${listId}&m=${mailingId}&e=${encodeURIComponent(recipient)}`;
}

/**
 * A contact's values: its stored fields, with the list default of each field it has no value for (Ongage fills
 * the default in when a contact is added without one; a value stored empty stays empty, so fallbacks apply). A
 * recipient who is not a contact has no stored values, so no defaults either.
 */
function contactValues(c: ContactRec | undefined, email: string, fields: Map<string, FieldDef>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  if (c) {
    for (const f of fields.values()) {
      if (f.default !== null && f.default !== undefined && String(f.default).trim() !== '' && c.fields[f.name] === undefined) values[f.name] = f.default;
    }
    Object.assign(values, c.fields);
  }
  values.email = email;
  return values;
}

export function deliver(store: Store, spec: SendSpec): OutboxEntry[] {
  const fieldDefs = new Map<string, FieldDef>(store.fields(spec.listId).map((f) => [f.name, { name: f.name, type: f.type, format: f.format, default: f.default }]));
  const html = spec.defaultUnsubscribe ? addDefaultUnsubscribe(spec.parts.html) : spec.parts.html;
  const out: OutboxEntry[] = [];
  // One message per address, however often (or in whatever case) the request repeats it.
  const recipients = [...new Map(spec.recipients.map((r) => [r.toLowerCase(), r])).values()];
  for (const recipient of recipients) {
    const contact = store.contactByEmail(spec.listId, recipient);
    const values = {
      ...contactValues(contact, recipient, fieldDefs),
      ...spec.globalFields,
      ...(spec.perRecipient.get(recipient.toLowerCase()) ?? {}),
    };
    const unsubscribe = unsubscribeLink(spec.baseUrl, spec.listId, spec.mailingId, recipient);
    const system: Record<string, unknown> = {
      ocx_contact_id: contact?.id ?? '',
      ocx_list_id: spec.listId,
      ocx_mailing_id: spec.mailingId,
      ocx_campaign_name: spec.campaignName,
      ocx_message_id: spec.messageId ?? '',
      ocx_subject: spec.parts.subject,
      ocx_email_hash: emailHash(recipient),
      ocx_segment_id: '',
      ocx_all_segments: '',
      ocx_child_id: spec.mailingId * 10 + 1,
      ocx_connection_id: spec.connection?.id ?? '',
      ocx_esp_id: spec.connection?.esp_id ?? '',
      ocx_from_name: spec.from.from_name,
      ocx_from_address: spec.from.from_address,
      ocx_from_address_domain: spec.from.from_address.split('@')[1] ?? '',
      ocx_reply_address: spec.from.reply_address,
      ocx_status: contact?.ocx_status ?? '',
      ocx_created_date: contact?.ocx_created_date ?? '',
      ocx_unsubscribe_date: contact?.ocx_unsubscribe_date ?? '',
      ocx_resubscribe_date: contact?.ocx_resubscribe_date ?? '',
      ocx_bounce_date: contact?.ocx_bounce_date ?? '',
      ocx_complaint_date: contact?.ocx_complaint_date ?? '',
      ocx_import_id: contact?.ocx_import_id ?? '',
      // The send time, for {{ocx_now[format=…]}} (the renderer's reading: the project's catalog and the corpus use it).
      ocx_now: new Date(spec.now * 1000),
      ocx_unsubscribe_link: unsubscribe,
      ocx_unsubscribe_link_encoded: rawUrlEncode(unsubscribe),
    };
    // A test email to an address that is not a contact of the list gets no fallbacks (Ongage's documented behaviour).
    const ctx = { values, system, fields: fieldDefs, applyFallbacks: spec.kind !== 'test' || !!contact };
    // The subject, pre-header and text part are plain text: values go in as they are.
    const plain = { ...ctx, kind: 'text' as const };
    const subject = personalize(spec.parts.subject, plain);
    out.push({
      id: store.data.nextId.outbox++,
      kind: spec.kind,
      mailing_id: spec.mailingId,
      list_id: spec.listId,
      message_id: spec.messageId,
      recipient,
      contact_id: contact?.id ?? null,
      esp_connection_id: spec.connection?.id ?? null,
      from_name: spec.from.from_name,
      from_address: spec.from.from_address,
      reply_address: spec.from.reply_address,
      subject: spec.prependTest ? `[TEST] ${subject}` : subject,
      preheader: personalize(spec.parts.preheader, plain),
      html: personalize(html, { ...ctx, kind: 'html' }),
      text: personalize(spec.parts.text, plain),
      dynamic_fields: { ...spec.globalFields, ...(spec.perRecipient.get(recipient.toLowerCase()) ?? {}) },
      sent_at: spec.now,
      scheduled_for: spec.scheduledFor,
    });
  }
  store.data.outbox.push(...out);
  return out;
}
