/**
 * The fields of each list, fetched once per list and kept in memory and on disk, so completion, hover and
 * checks work offline and never wait for the network while typing. A failed fetch is remembered per list with a
 * back-off (backoff.ts): until it has passed, asking again (every lint pass, completion, hover, render) answers
 * from what is known without a request; `invalidate` (Refresh) and `retryFailed` (a connection change) try again
 * at once. Editor-free: the storage is a pair of functions the extension (or a test) supplies.
 */
import type { ListField as ApiListField } from '../api/types';
import { BackoffOptions, FailureBackoff, RememberedFailure } from './backoff';
import type { ListField, SampleProfile } from '../language/fields';

export interface FieldStorage {
  read(key: string): Promise<string | undefined>;
  write(key: string, data: string): Promise<void>;
}

export interface CatalogEntry {
  fields: ListField[];
  fetchedAt: number;
  /** Where the entry came from this session. */
  origin: 'network' | 'disk';
}

export type FieldFetcher = (listId: number) => Promise<ApiListField[]>;

/** Keeps only what the language features use, in the shape Ongage's list_fields items have. */
export function toLanguageField(f: ApiListField): ListField {
  return { name: f.name, title: f.title, type: f.type, format: f.format ?? null, default: f.default ?? null };
}

/** A failed fetch, as `ensure` reports it: `first` is the first failure of a run (say it then, not every time). */
export interface FieldFailure extends RememberedFailure {
  first: boolean;
}

export class FieldCatalog {
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly inFlight = new Map<string, Promise<CatalogEntry | undefined>>();
  private listeners: (() => void)[] = [];
  private readonly failures: FailureBackoff;

  constructor(
    private readonly storage: FieldStorage,
    /** How old an entry may be before it is fetched again in the background. */
    private readonly maxAgeMs = 10 * 60_000,
    /** The back-off after a failed fetch, and the clock (tests pass a fake one). */
    backoff: BackoffOptions = {},
  ) {
    this.failures = new FailureBackoff(backoff);
  }

  /** The failure remembered for a list (until a fetch succeeds, Refresh, or `retryFailed`). */
  failure(connectionId: string, listId: number): RememberedFailure | undefined {
    return this.failures.get(key(connectionId, listId));
  }

  /** Lets the next `ensure` of every failed list (of one connection, or all) try again at once. Keeps the fields known. */
  retryFailed(connectionId?: string): void {
    this.failures.forget(connectionId === undefined ? undefined : `${connectionId}/`);
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }

  /** What is known now (no I/O). */
  peek(connectionId: string, listId: number): CatalogEntry | undefined {
    return this.entries.get(key(connectionId, listId));
  }

  /**
   * Makes sure the list's fields are known: from memory, else from disk (shown at once), and from the
   * network when missing or old. Resolves when the best available answer is in; never rejects (a failure
   * keeps what was known and is passed to `onError` with `failure`; a failed cache write comes without one).
   * While a failed fetch's back-off runs, no request is made.
   */
  ensure(
    connectionId: string,
    listId: number,
    fetch: FieldFetcher,
    onError?: (e: unknown, failure?: FieldFailure) => void,
  ): Promise<CatalogEntry | undefined> {
    const k = key(connectionId, listId);
    const have = this.entries.get(k);
    if (have && have.origin === 'network' && this.failures.now() - have.fetchedAt < this.maxAgeMs) return Promise.resolve(have);
    let p = this.inFlight.get(k);
    if (p) return p;
    if (!this.failures.mayTry(k)) return Promise.resolve(have);
    p = (async () => {
      if (!have) {
        const disk = await this.storage.read(k).catch(() => undefined);
        if (disk) {
          try {
            const parsed = JSON.parse(disk) as { fields: ListField[]; fetchedAt: number };
            if (Array.isArray(parsed.fields)) {
              this.entries.set(k, { fields: parsed.fields, fetchedAt: parsed.fetchedAt, origin: 'disk' });
              this.fire();
            }
          } catch {
            // A damaged cache file is ignored and rewritten below.
          }
        }
      }
      try {
        const fields = (await fetch(listId)).map(toLanguageField);
        const entry: CatalogEntry = { fields, fetchedAt: this.failures.now(), origin: 'network' };
        this.failures.succeeded(k);
        this.entries.set(k, entry);
        this.fire();
        await this.storage.write(k, JSON.stringify({ fields, fetchedAt: entry.fetchedAt })).catch(onError);
        return entry;
      } catch (e) {
        const f = this.failures.failed(k, e);
        onError?.(e, { ...f, first: f.attempts === 1 });
        return this.entries.get(k);
      } finally {
        this.inFlight.delete(k);
      }
    })();
    this.inFlight.set(k, p);
    return p;
  }

  /** Forgets a list (or a whole connection), and its failures, so the next `ensure` fetches again at once. */
  invalidate(connectionId: string, listId?: number): void {
    this.failures.forget(listId === undefined ? `${connectionId}/` : key(connectionId, listId));
    for (const k of [...this.entries.keys()]) {
      if (listId === undefined ? k.startsWith(`${connectionId}/`) : k === key(connectionId, listId)) this.entries.delete(k);
    }
    this.fire();
  }

  private fire(): void {
    for (const l of this.listeners) l();
  }
}

function key(connectionId: string, listId: number): string {
  return `${connectionId}/${listId}`;
}

const FIRST_NAMES = ['Jane', 'Alex', 'Sam'];

/** Sample values of the system fields Ongage fills in for every recipient of a campaign. */
export const SYSTEM_SAMPLE: Readonly<Record<string, string>> = {
  ocx_contact_id: 'sample0000000000000001',
  ocx_status: 'Active',
  ocx_list_id: '100000',
  ocx_mailing_id: '100001',
  ocx_campaign_name: 'Sample campaign',
  ocx_message_id: '200001',
  ocx_segment_id: '300001',
  ocx_all_segments: '300001,300002',
  ocx_child_id: '400001',
  ocx_connection_id: '500001',
  ocx_esp_id: '1',
  ocx_from_address: 'news@example.com',
  ocx_from_address_domain: 'example.com',
  ocx_from_name: 'Example News',
  ocx_reply_address: 'reply@example.com',
  ocx_import_id: '600001',
  ocx_created_date: '2025-01-15 09:30:00',
  ocx_unsubscribe_link: 'https://unsubscribe.example.com/sample',
};

/**
 * A sample contact built from the list's fields: each field's list default when it has one, else a
 * plausible value for its type and name. A real contact's values (when the user picked one) win.
 */
export function sampleProfile(fields: readonly ListField[], contact?: Record<string, unknown>, label?: string): SampleProfile {
  const values: SampleProfile['values'] = {};
  for (const f of fields) {
    values[f.name] = f.default !== null && f.default !== undefined && f.default !== '' ? f.default : exampleValue(f);
  }
  // System fields Ongage fills in at send time, with sample values so a preview shows working links and text
  // (notes are then about the user's own fields). Left out: the unsubscribe, resubscribe, bounce and complaint
  // dates (an active contact has none) and what the renderer derives (ocx_subject, ocx_now, ocx_email_hash,
  // ocx_unsubscribe_link_encoded, ocx_custom_hash).
  Object.assign(values, SYSTEM_SAMPLE);
  if (contact) {
    for (const [k, v] of Object.entries(contact)) {
      if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values[k] = v;
    }
  }
  return { label: label ?? (contact && typeof contact.email === 'string' ? contact.email : 'sample contact'), values };
}

function exampleValue(f: ListField): string | number {
  const n = f.name.toLowerCase();
  switch (f.type) {
    case 'email':
      return 'jane.doe@example.com';
    case 'numeric':
      return n.includes('vip') ? 1 : 42;
    case 'date': {
      const fmt = (f.format ?? 'yyyy-mm-dd').toLowerCase();
      return fmt
        .replace('yyyy', '2026')
        .replace('mm', '05')
        .replace('dd', '14')
        .replace('hh24', '09')
        .replace('mi', '30')
        .replace('ss', '00');
    }
  }
  if (n.includes('first')) return FIRST_NAMES[0];
  if (n.includes('last')) return 'Doe';
  if (n.includes('city')) return 'Lisbon';
  if (n.includes('country')) return 'Portugal';
  if (n.includes('company')) return 'Example Co';
  if (n.includes('phone')) return '+1 555 0100';
  return f.title ? `${f.title} sample` : `${f.name} sample`;
}
