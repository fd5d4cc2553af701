/**
 * `ongage-studio render <file>`: the live preview's renderer in a terminal. The email (with optional header and
 * footer templates) is rendered for one sample contact — built from the list's fields as the editor builds it,
 * with `--sample` values laid over it — and the HTML goes to stdout or `-o`; notes (a field with no value, broken
 * syntax shown as written, …) go to stderr as `path:line:col  note  message`. Exit 0 once rendered, 2 when a file
 * or an option is wrong.
 */
import * as path from 'path';
import { sampleProfile } from '../core/fields/catalog';
import { readTextFile, writeFileAtomic } from '../core/files';
import { parseSamplesText, SAMPLES_PATH } from '../core/fields/samples';
import type { ListField } from '../core/language/fields';
import { LineIndex } from '../core/language/positions';
import { renderEmail, type RenderNote, type RenderValue } from '../core/render';
import { readFieldsFile } from './fieldsFile';
import { displayPath, refuseOverwritingInput } from './files';
import { CliError, EXIT_OK, line, style, terminalSafe, wantsColor, type CliIO } from './io';

export interface RenderCommandOptions {
  fields?: string;
  sample?: string;
  /** A profile of the workspace's .ongage/samples.json, by label (as the preview's Sample list offers it). */
  profile?: string;
  header?: string;
  footer?: string;
  /** False with --no-inline. */
  inline?: boolean;
  subject?: string;
  preheader?: string;
  output?: string;
  color?: boolean;
}

const SAMPLE_EXAMPLE = '{"first_name": "Jane", "vip": 1, "signup_date": "2024-05-14"}';

/** Reads a text file for an option (or the email itself); the message names the option and says what to fix. */
async function readText(file: string, what: string, cwd: string): Promise<string> {
  let text: string;
  try {
    text = await readTextFile(path.resolve(cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what}${file}: no such file. Check the path.`);
    if (code === 'EISDIR') throw new CliError(`${what}${file}: is a folder; name an HTML file.`);
    throw new CliError(`${what}${file}: cannot be read (${code ?? String(e)}); check its permissions.`);
  }
  // Editors drop a byte order mark from the text; so does readTextFile, so note positions agree with the editor's.
  return text;
}

/** Sample values from JSON: `{ "field": value, … }` or `{ "values": { … } }` (a sample profile). */
export function parseSampleJson(value: unknown, source: string): Record<string, RenderValue> {
  let values = value;
  if (values && typeof values === 'object' && !Array.isArray(values) && 'values' in values && typeof (values as { values: unknown }).values === 'object') {
    values = (values as { values: unknown }).values;
  }
  if (!values || typeof values !== 'object' || Array.isArray(values)) {
    throw new CliError(`--sample ${source}: expected an object of field values such as ${SAMPLE_EXAMPLE}.`);
  }
  const out: Record<string, RenderValue> = {};
  for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new CliError(`--sample ${source}: the value of "${k}" is ${Array.isArray(v) ? 'a list' : 'an object'}; field values are text, numbers, true/false or null.`);
    }
    out[k] = v;
  }
  return out;
}

async function readSample(file: string, cwd: string): Promise<Record<string, RenderValue>> {
  const text = await readText(file, '--sample ', cwd);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(`--sample ${file}: not valid JSON (${e instanceof Error ? e.message : String(e)}). Write the values as ${SAMPLE_EXAMPLE}.`);
  }
  return parseSampleJson(value, file);
}

/** The values of profile `label` in `<cwd>/.ongage/samples.json`, the file the editor's preview reads. */
async function readProfile(label: string, cwd: string): Promise<Record<string, RenderValue>> {
  const file = path.join(cwd, ...SAMPLES_PATH.split('/'));
  let text: string;
  try {
    text = await readTextFile(file);
  } catch {
    throw new CliError(`--profile ${label}: there is no ${SAMPLES_PATH} here (${cwd}). Run from the workspace folder, or pass the values with --sample.`);
  }
  const { profiles, errors } = parseSamplesText(text, SAMPLES_PATH);
  const found = profiles.find((p) => p.label === label);
  if (!found) {
    const known = profiles.map((p) => `"${p.label}"`).join(', ') || 'none';
    throw new CliError(`--profile ${label}: no such profile in ${SAMPLES_PATH} (profiles: ${known}).${errors.length ? ` ${errors[0]}` : ''}`);
  }
  return found.values;
}

export async function runRender(file: string, opts: RenderCommandOptions, io: CliIO): Promise<number> {
  if (opts.output) {
    const inputs = [
      { what: 'the email being rendered', file },
      ...(opts.header ? [{ what: 'the --header template', file: opts.header }] : []),
      ...(opts.footer ? [{ what: 'the --footer template', file: opts.footer }] : []),
      ...(opts.fields ? [{ what: 'the --fields file', file: opts.fields }] : []),
      ...(opts.sample ? [{ what: 'the --sample file', file: opts.sample }] : []),
      ...(opts.profile !== undefined ? [{ what: 'the sample profiles file', file: SAMPLES_PATH }] : []),
    ];
    await refuseOverwritingInput('-o', opts.output, inputs, io.cwd);
  }
  const html = await readText(file, '', io.cwd);
  const header = opts.header ? await readText(opts.header, '--header ', io.cwd) : undefined;
  const footer = opts.footer ? await readText(opts.footer, '--footer ', io.cwd) : undefined;
  const fields: ListField[] | undefined = opts.fields ? await readFieldsFile(path.resolve(io.cwd, opts.fields), opts.fields) : undefined;
  const profile = opts.profile !== undefined ? await readProfile(opts.profile, io.cwd) : {};
  const given = opts.sample ? await readSample(opts.sample, io.cwd) : {};
  const values = { ...sampleProfile(fields ?? []).values, ...profile, ...given };

  const result = renderEmail({ html, header, footer, subject: opts.subject, preheader: opts.preheader }, { values, fields, inlineCss: opts.inline !== false });

  if (opts.output) {
    const out = path.resolve(io.cwd, opts.output);
    try {
      await writeFileAtomic(out, result.html);
    } catch (e) {
      throw new CliError(`-o ${opts.output}: cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the folder and its permissions.`);
    }
  } else {
    io.out.write(result.html);
  }

  const s = style(wantsColor(io.err, io.env, opts.color));
  const texts: Record<RenderNote['part'], { name: string; text: string }> = {
    html: { name: displayPath(path.resolve(io.cwd, file), io.cwd), text: html },
    header: { name: opts.header ? displayPath(path.resolve(io.cwd, opts.header), io.cwd) : 'header', text: header ?? '' },
    footer: { name: opts.footer ? displayPath(path.resolve(io.cwd, opts.footer), io.cwd) : 'footer', text: footer ?? '' },
    subject: { name: '--subject', text: opts.subject ?? '' },
    preheader: { name: '--preheader', text: opts.preheader ?? '' },
  };
  const lines = new Map<RenderNote['part'], LineIndex>();
  for (const n of result.notes) {
    const part = texts[n.part];
    let index = lines.get(n.part);
    if (!index) lines.set(n.part, (index = new LineIndex(part.text)));
    const pos = index.positionAt(n.start);
    line(io.err, `${terminalSafe(part.name)}:${pos.line + 1}:${pos.character + 1}  ${s.cyan('note')}  ${terminalSafe(n.message)}`);
  }
  if (opts.subject !== undefined) line(io.err, `${s.dim('subject:')} ${terminalSafe(result.subject)}`);
  if (opts.preheader !== undefined) line(io.err, `${s.dim('preheader:')} ${terminalSafe(result.preheader)}`);
  if (opts.output) line(io.err, `Wrote the rendered email to ${opts.output}${result.notes.length ? ` (${result.notes.length} note${result.notes.length === 1 ? '' : 's'} above)` : ''}.`);
  return EXIT_OK;
}
