/**
 * The fields file: what `ongage-studio fields --save` writes and `lint --fields` reads. It holds Ongage's own
 * `list_fields` items (snake_case, as `GET /api/list_fields` returns them), so a file saved from the API, one
 * copied from Ongage's answer by hand, or the whole answer envelope (`{ "payload": [ … ] }`) all work.
 */
import { readTextFile } from '../core/files';
import type { ListField as ApiListField } from '../core/api/types';
import type { ListField } from '../core/language/fields';
import { CliError } from './io';

/** One item as written to the file (Ongage's wire names). */
export interface WireListField {
  id: number;
  list_id?: number;
  name: string;
  title: string;
  type: string;
  format: string | null;
  default: string | null;
  mandatory: boolean;
  position?: number;
  is_sms: boolean;
}

export function toWireField(f: ApiListField): WireListField {
  const w: WireListField = {
    id: f.id,
    name: f.name,
    title: f.title,
    type: f.type,
    format: f.format ?? null,
    default: f.default ?? null,
    mandatory: f.mandatory,
    is_sms: f.isSms,
  };
  if (f.listId !== undefined) w.list_id = f.listId;
  if (f.position !== undefined) w.position = f.position;
  return w;
}

const EXAMPLE = '[{"name": "first_name", "type": "string"}, {"name": "birthday", "type": "date", "format": "dd/mm/yyyy"}]';

/**
 * Reads list fields from parsed JSON: an array of items, `{ "payload": [...] }` (Ongage's answer) or
 * `{ "fields": [...] }`. Each item needs a `name`; `type` defaults to "string". Throws a CliError saying what
 * to fix, naming the file.
 */
export function parseFieldsJson(value: unknown, source: string): ListField[] {
  let items: unknown = value;
  if (items && typeof items === 'object' && !Array.isArray(items)) {
    const o = items as Record<string, unknown>;
    if (Array.isArray(o.payload)) items = o.payload;
    else if (Array.isArray(o.fields)) items = o.fields;
  }
  if (!Array.isArray(items)) {
    throw new CliError(`${source}: expected a list of Ongage list fields such as ${EXAMPLE} (write one with \`ongage-studio fields --save ${source}\`).`);
  }
  return items.map((raw, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new CliError(`${source}: item ${i + 1} is not an object; each field looks like {"name": "first_name", "type": "string"}.`);
    }
    const o = raw as Record<string, unknown>;
    if (typeof o.name !== 'string' || o.name.trim() === '') {
      throw new CliError(`${source}: item ${i + 1} has no "name"; each field looks like {"name": "first_name", "type": "string"}.`);
    }
    if (o.type !== undefined && o.type !== null && typeof o.type !== 'string') {
      throw new CliError(`${source}: field "${o.name}" has a "type" that is not text; use "string", "numeric", "date" or "email".`);
    }
    const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
    return {
      name: o.name,
      title: str(o.title),
      type: typeof o.type === 'string' && o.type ? o.type : 'string',
      format: str(o.format),
      default: o.default === null || o.default === undefined ? null : typeof o.default === 'number' ? o.default : String(o.default),
    };
  });
}

/** Reads and validates a fields file; messages name it as `shown` (the path as the user wrote it). */
export async function readFieldsFile(file: string, shown = file): Promise<ListField[]> {
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new CliError(`${shown}: no such fields file. Write one with \`ongage-studio fields --list <id> --save ${shown}\`, or fix the path.`);
    }
    if (code === 'EISDIR') throw new CliError(`${shown}: is a folder; --fields takes the JSON file that \`ongage-studio fields --save\` writes.`);
    throw new CliError(`${shown}: cannot be read (${code ?? String(e)}); check its permissions.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${shown}: not valid JSON (${e instanceof Error ? e.message : String(e)}). Fix it, or write it again with \`ongage-studio fields --save ${shown}\`.`);
  }
  return parseFieldsJson(value, shown);
}
