/** `ongage-studio fields`: a list's personalization fields, as a table, as JSON, or saved for `lint --fields`. */
import { writeFileAtomic } from '../core/files';
import * as path from 'path';
import { connect, toCliError, type ConnectionOptions } from './connection';
import { toWireField } from './fieldsFile';
import { CliError, EXIT_OK, line, style, terminalJson, terminalSafe, wantsColor, type CliIO } from './io';

export interface FieldsCommandOptions extends ConnectionOptions {
  json?: boolean;
  save?: string;
  color?: boolean;
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(rows: string[][], header: string[], bold: (s: string) => string): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [bold(fmt(header)), ...rows.map(fmt)].join('\n') + '\n';
}

export async function runFields(opts: FieldsCommandOptions, io: CliIO): Promise<number> {
  const client = connect(opts, io);
  const list = opts.list === undefined ? "the account's default list" : `list ${opts.list}`;
  let wire;
  try {
    wire = (await client.listFields({ listId: opts.list })).map(toWireField);
  } catch (e) {
    throw toCliError(e);
  } finally {
    client.dispose();
  }
  const json = `${JSON.stringify(wire, null, 2)}\n`;
  if (opts.save) {
    const file = path.resolve(io.cwd, opts.save);
    try {
      await writeFileAtomic(file, json);
    } catch (e) {
      throw new CliError(`--save ${opts.save}: cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the folder and its permissions.`);
    }
    line(io.err, `Saved ${wire.length} field${wire.length === 1 ? '' : 's'} of ${list} to ${opts.save}; check templates against them with \`ongage-studio lint --fields ${opts.save} …\`.`);
  }
  if (opts.json) {
    io.out.write(`${terminalJson(wire)}\n`);
    return EXIT_OK;
  }
  const s = style(wantsColor(io.out, io.env, opts.color));
  const rows = wire.map((f) => [f.name, f.type, f.format ?? '', f.default ?? '', f.title && f.title !== f.name ? f.title : ''].map((c) => terminalSafe(String(c))));
  io.out.write(table(rows, ['NAME', 'TYPE', 'FORMAT', 'DEFAULT', 'TITLE'], s.bold));
  return EXIT_OK;
}
