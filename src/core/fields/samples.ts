/**
 * Sample profiles for the preview: the workspace file `.ongage/samples.json` names contacts to render an email
 * for ("Gold member", "No first name", …). Each profile lists only the values it cares about; the rest comes
 * from the list's generated sample, so a profile stays short and still renders every field.
 *
 *   { "profiles": [ { "label": "Gold member", "values": { "first_name": "Ada", "plan": "Gold" } } ] }
 *
 * A bare array of profiles is accepted too. An empty string or null value means "this contact has no value".
 */
import { stripBom } from '../files';
import type { SampleProfile } from '../language/fields';

export const SAMPLES_PATH = '.ongage/samples.json';

export interface SamplesResult {
  profiles: SampleProfile[];
  /** What is wrong with the file, each saying what to fix; valid profiles are kept. */
  errors: string[];
}

type Value = SampleProfile['values'][string];

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function parseSamplesText(raw: string, source = SAMPLES_PATH): SamplesResult {
  // A byte order mark is accepted (the editor drops it; Notepad writes one).
  const text = stripBom(raw);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(msg);
    const where = at ? ` (line ${lineOf(text, Number(at[1]))})` : '';
    return { profiles: [], errors: [`${source}${where}: not valid JSON: ${msg}. Fix the file; until then the preview uses the list's sample contact.`] };
  }
  return parseSamples(value, source);
}

export function parseSamples(value: unknown, source = SAMPLES_PATH): SamplesResult {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? (value as { profiles?: unknown }).profiles : undefined;
  if (!Array.isArray(list)) {
    return { profiles: [], errors: [`${source}: expected { "profiles": [ { "label": "…", "values": { "field": "value" } } ] }.`] };
  }
  const profiles: SampleProfile[] = [];
  const errors: string[] = [];
  const labels = new Set<string>();
  list.forEach((p, i) => {
    const where = `${source}: profile ${i + 1}`;
    if (!p || typeof p !== 'object' || Array.isArray(p)) {
      errors.push(`${where} is not an object; write { "label": "…", "values": { … } }.`);
      return;
    }
    const { label, values } = p as { label?: unknown; values?: unknown };
    if (typeof label !== 'string' || label.trim() === '') {
      errors.push(`${where} has no "label"; give it a name to pick it by.`);
      return;
    }
    if (labels.has(label)) {
      errors.push(`${where}: the label "${label}" is used twice; labels must differ.`);
      return;
    }
    if (values !== undefined && (!values || typeof values !== 'object' || Array.isArray(values))) {
      errors.push(`${where} ("${label}"): "values" must be an object of field names to values.`);
      return;
    }
    const out: SampleProfile['values'] = {};
    for (const [k, v] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v as Value;
      else errors.push(`${where} ("${label}"): the value of "${k}" must be a string, number, boolean or null.`);
    }
    labels.add(label);
    profiles.push({ label, values: out });
  });
  return { profiles, errors };
}

/** A profile's values laid over the list's generated sample: what the preview renders with. */
export function overlaySample(base: SampleProfile | undefined, profile: SampleProfile): SampleProfile {
  return { label: profile.label, values: { ...(base?.values ?? {}), ...profile.values } };
}

/**
 * The text of a new samples file, starting from the list's generated sample so every list field is there to
 * edit (system `ocx_` fields are left out: Ongage fills them in, and the preview already has sample values).
 */
export function samplesTemplate(base: SampleProfile | undefined): string {
  const values = Object.fromEntries(Object.entries(base?.values ?? { first_name: 'Jane' }).filter(([k]) => !k.startsWith('ocx_')));
  const profiles = [
    { label: 'Jane (every field set)', values },
    { label: 'No first name', values: { first_name: '' } },
  ];
  return `${JSON.stringify({ profiles }, null, 2)}\n`;
}
