/**
 * A library email as the parts a user edits, the same in the editor (`ongage:` documents) and in a pulled
 * workspace folder: the HTML body, the plain-text part, and one small JSON of settings (name, subject, preheader,
 * From addresses, header and footer template, unsubscribe settings). File names: `<name>.html`,
 * `<name>.ongage.txt` (the ongage-text language) and `<name>.ongage.json`.
 *
 * `changedFields()` turns an edit into the body of `PUT /api/emails/<id>` holding only what changed, and
 * `partsHash()` is the content hash a workspace manifest keeps as the base of a three-way comparison.
 * Editor-free.
 */
import { stripBom } from '../files';
import { createHash } from 'crypto';
import type { Email, EmailInput } from '../api/types';

export type PartKind = 'html' | 'text' | 'settings';

/** File-name suffix of each part. */
export const PART_SUFFIX: Record<PartKind, string> = { html: '.html', text: '.ongage.txt', settings: '.ongage.json' };

export interface SettingsAddress {
  fromName: string;
  fromAddress: string;
  replyAddress: string;
  /** The sending connection the addresses belong to; absent when Ongage gave none. */
  espConnectionId?: number;
}

export interface EmailSettings {
  name: string;
  subject: string;
  preheader: string;
  description: string;
  addresses: SettingsAddress[];
  /** Library template shown above the body at send time; null for none. */
  headerTemplateId: number | null;
  footerTemplateId: number | null;
  /** Ongage adds its own unsubscribe link when true. */
  unsubscribeDefaultLink: boolean;
  unsubscribeSuccessHtml: string;
  unsubscribeConfirmationHtml: string;
  unsubscribeConfirmationButton: string;
}

export interface EmailParts {
  html: string;
  text: string;
  settings: EmailSettings;
}

const SETTINGS_KEYS: Array<keyof EmailSettings> = [
  'name',
  'subject',
  'preheader',
  'description',
  'addresses',
  'headerTemplateId',
  'footerTemplateId',
  'unsubscribeDefaultLink',
  'unsubscribeSuccessHtml',
  'unsubscribeConfirmationHtml',
  'unsubscribeConfirmationButton',
];

/** Which part a file or document name is, by its suffix (longest first, so `.ongage.txt` is not taken for `.txt`). */
export function partOfName(fileName: string): PartKind | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(PART_SUFFIX.settings)) return 'settings';
  if (lower.endsWith(PART_SUFFIX.text)) return 'text';
  if (lower.endsWith('.html') || lower.endsWith('.htm')) return 'html';
  return undefined;
}

export function settingsOf(email: Email): EmailSettings {
  return {
    name: email.name,
    subject: email.subject ?? '',
    preheader: email.preheader ?? '',
    description: email.description ?? '',
    addresses: (email.addresses ?? []).map((a) => ({
      fromName: a.fromName ?? '',
      fromAddress: a.fromAddress ?? '',
      replyAddress: a.replyAddress ?? '',
      ...(a.espConnectionId !== undefined ? { espConnectionId: a.espConnectionId } : {}),
    })),
    headerTemplateId: email.headerTemplateId ?? null,
    footerTemplateId: email.footerTemplateId ?? null,
    unsubscribeDefaultLink: email.unsubscribeDefaultLink ?? false,
    unsubscribeSuccessHtml: email.unsubscribeSuccessHtml ?? '',
    unsubscribeConfirmationHtml: email.unsubscribeConfirmationHtml ?? '',
    unsubscribeConfirmationButton: email.unsubscribeConfirmationButton ?? '',
  };
}

/** The parts of an item read with its content (`GET /api/emails/<id>`). */
export function partsOf(email: Email): EmailParts {
  return { html: email.contentHtml ?? '', text: email.contentText ?? '', settings: settingsOf(email) };
}

/** The settings as their file holds them: keys in a fixed order, two-space indent, a final newline (diff-friendly). */
export function serializeSettings(s: EmailSettings): string {
  const ordered: Record<string, unknown> = {};
  for (const k of SETTINGS_KEYS) {
    ordered[k] =
      k === 'addresses'
        ? s.addresses.map((a) => ({
            fromName: a.fromName,
            fromAddress: a.fromAddress,
            replyAddress: a.replyAddress,
            ...(a.espConnectionId !== undefined ? { espConnectionId: a.espConnectionId } : {}),
          }))
        : s[k];
  }
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export interface SettingsProblem {
  message: string;
  /** 1-based, when the problem has a place in the text. */
  line?: number;
  column?: number;
}

export type SettingsResult = { ok: true; settings: EmailSettings } | { ok: false; problems: SettingsProblem[] };

/**
 * Reads a settings file. Keys left out keep `base`'s value (or the empty default); unknown keys, wrong types and
 * broken JSON are problems whose message says what to fix.
 */
export function parseSettings(input: string, base?: EmailSettings): SettingsResult {
  const text = stripBom(input);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? lineCol(text, Number(pos[1])) : {};
    return { ok: false, problems: [{ message: `The settings are not valid JSON (${msg}). Fix the JSON; nothing was saved.`, ...where }] };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ message: 'The settings must be one JSON object, e.g. { "subject": "Hello" }.' }] };
  }
  const o = raw as Record<string, unknown>;
  const problems: SettingsProblem[] = [];
  const out: EmailSettings = base ? { ...base, addresses: base.addresses.map((a) => ({ ...a })) } : emptySettings();
  for (const [k, v] of Object.entries(o)) {
    if (!SETTINGS_KEYS.includes(k as keyof EmailSettings)) {
      problems.push({ message: `Unknown setting "${k}". Known settings: ${SETTINGS_KEYS.join(', ')}.`, ...keyPlace(text, k) });
      continue;
    }
    const key = k as keyof EmailSettings;
    const bad = (want: string): void => {
      problems.push({ message: `"${k}" must be ${want}, not ${JSON.stringify(v)}.`, ...keyPlace(text, k) });
    };
    switch (key) {
      case 'headerTemplateId':
      case 'footerTemplateId':
        if (v === null) out[key] = null;
        else if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) out[key] = v;
        else bad('the id of a library template (a whole number), or null for none');
        break;
      case 'unsubscribeDefaultLink':
        if (typeof v === 'boolean') out[key] = v;
        else bad('true or false');
        break;
      case 'addresses':
        if (!Array.isArray(v)) {
          bad('a list of { "fromName", "fromAddress", "replyAddress" }');
          break;
        }
        out.addresses = [];
        v.forEach((a, i) => {
          const r = readAddress(a);
          if (typeof r === 'string') problems.push({ message: `addresses[${i}]: ${r}`, ...keyPlace(text, k) });
          else out.addresses.push(r);
        });
        break;
      default:
        if (typeof v === 'string') (out as unknown as Record<string, unknown>)[key] = v;
        else bad('text');
    }
  }
  if (!out.name.trim()) problems.push({ message: 'The name must not be empty: Ongage needs one for every library item.', ...keyPlace(text, 'name') });
  return problems.length ? { ok: false, problems } : { ok: true, settings: out };
}

function readAddress(a: unknown): SettingsAddress | string {
  if (!a || typeof a !== 'object' || Array.isArray(a)) return 'each address must be an object { "fromName", "fromAddress", "replyAddress" }.';
  const o = a as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['fromName', 'fromAddress', 'replyAddress', 'espConnectionId'].includes(k)) return `unknown key "${k}" (known: fromName, fromAddress, replyAddress, espConnectionId).`;
  }
  for (const k of ['fromName', 'fromAddress', 'replyAddress']) {
    if (o[k] !== undefined && typeof o[k] !== 'string') return `"${k}" must be text.`;
  }
  if (o.espConnectionId !== undefined && !(typeof o.espConnectionId === 'number' && Number.isSafeInteger(o.espConnectionId))) {
    return '"espConnectionId" must be the id of a sending connection (a whole number).';
  }
  return {
    fromName: (o.fromName as string | undefined) ?? '',
    fromAddress: (o.fromAddress as string | undefined) ?? '',
    replyAddress: (o.replyAddress as string | undefined) ?? '',
    ...(o.espConnectionId !== undefined ? { espConnectionId: o.espConnectionId as number } : {}),
  };
}

export function emptySettings(name = ''): EmailSettings {
  return {
    name,
    subject: '',
    preheader: '',
    description: '',
    addresses: [],
    headerTemplateId: null,
    footerTemplateId: null,
    unsubscribeDefaultLink: false,
    unsubscribeSuccessHtml: '',
    unsubscribeConfirmationHtml: '',
    unsubscribeConfirmationButton: '',
  };
}

/** The update holding only what differs between `base` and `next` (empty when nothing changed). */
export function changedFields(base: EmailParts, next: EmailParts): EmailInput {
  const out: EmailInput = {};
  if (next.html !== base.html) out.contentHtml = next.html;
  if (next.text !== base.text) out.contentText = next.text;
  const a = base.settings;
  const b = next.settings;
  if (b.name !== a.name) out.name = b.name;
  if (b.subject !== a.subject) out.subject = b.subject;
  if (b.preheader !== a.preheader) out.preheader = b.preheader;
  if (b.description !== a.description) out.description = b.description;
  if (JSON.stringify(b.addresses) !== JSON.stringify(a.addresses)) out.addresses = b.addresses.map((x) => ({ ...x }));
  if (b.headerTemplateId !== a.headerTemplateId) out.headerTemplateId = b.headerTemplateId;
  if (b.footerTemplateId !== a.footerTemplateId) out.footerTemplateId = b.footerTemplateId;
  if (b.unsubscribeDefaultLink !== a.unsubscribeDefaultLink) out.unsubscribeDefaultLink = b.unsubscribeDefaultLink;
  if (b.unsubscribeSuccessHtml !== a.unsubscribeSuccessHtml) out.unsubscribeSuccessHtml = b.unsubscribeSuccessHtml;
  if (b.unsubscribeConfirmationHtml !== a.unsubscribeConfirmationHtml) out.unsubscribeConfirmationHtml = b.unsubscribeConfirmationHtml;
  if (b.unsubscribeConfirmationButton !== a.unsubscribeConfirmationButton) out.unsubscribeConfirmationButton = b.unsubscribeConfirmationButton;
  return out;
}

/** Every field of the parts, as the body that creates an item or sends all of it. */
export function inputOfParts(parts: EmailParts): EmailInput {
  const s = parts.settings;
  return {
    contentHtml: parts.html,
    contentText: parts.text,
    name: s.name,
    subject: s.subject,
    preheader: s.preheader,
    description: s.description,
    addresses: s.addresses.map((x) => ({ ...x })),
    headerTemplateId: s.headerTemplateId,
    footerTemplateId: s.footerTemplateId,
    unsubscribeDefaultLink: s.unsubscribeDefaultLink,
    unsubscribeSuccessHtml: s.unsubscribeSuccessHtml,
    unsubscribeConfirmationHtml: s.unsubscribeConfirmationHtml,
    unsubscribeConfirmationButton: s.unsubscribeConfirmationButton,
  };
}

/** sha256 (hex) of the parts in their file form: equal parts, equal hash, whatever key order a file had. */
export function partsHash(parts: EmailParts): string {
  const h = createHash('sha256');
  h.update(parts.html);
  h.update('\u0000');
  h.update(parts.text);
  h.update('\u0000');
  h.update(serializeSettings(parts.settings));
  return h.digest('hex');
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function keyPlace(text: string, key: string): { line?: number; column?: number } {
  const i = text.indexOf(`"${key}"`);
  return i < 0 ? {} : lineCol(text, i);
}
