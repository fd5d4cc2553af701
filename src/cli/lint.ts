/**
 * `ongage-studio lint`: the editor's checks on files. The options handed to the core's `lint()` are built the
 * way the editor builds them (src/extension/language): the document kind from the file name, the list's fields,
 * the transactional dynamic fields, and a LintConfig in which the workspace file `.ongage/lint.json` is the base
 * and the command line's `--rule` / `--dynamic-fields` are laid over it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readTextFile, writeFileAtomic } from '../core/files';
import type { DocumentKind } from '../core/language/ast';
import { isSystemName } from '../core/language/catalog';
import { EMAIL_CHECK_RULES } from '../core/language/checks';
import { LINT_CONFIG_PATH, mergeLintConfig, parseLintConfig, parseLintConfigText, ruleSetting, type LintConfig } from '../core/language/config';
import { loadLintConfig } from '../core/language/config-loader';
import type { ListField } from '../core/language/fields';
import { lintEmail, type Diagnostic } from '../core/language/lint';
import { parse } from '../core/language/parser';
import { toLanguageField } from '../core/fields/catalog';
import { connect, toCliError, type ConnectionOptions } from './connection';
import { readFieldsFile } from './fieldsFile';
import { findFiles, refuseOverwritingInput } from './files';
import {
  countBySeverity,
  formatJson,
  formatSarif,
  formatSummary,
  formatTextFile,
  type FileResult,
  type LintReport,
  type OutputFormat,
  type SkippedFile,
  type ToolInfo,
} from './format';
import { CliError, EXIT_LINT_ERRORS, EXIT_OK, line, style, wantsColor, type CliIO } from './io';
import { isLintable, kindOf, wantsLint } from './kinds';

export interface LintCommandOptions extends ConnectionOptions {
  fields?: string;
  dynamicFields?: string[];
  rule?: string[];
  config?: string | false;
  kind?: DocumentKind;
  format: OutputFormat;
  maxWarnings?: number;
  output?: string;
  color?: boolean;
  quiet?: boolean;
  /** Report information findings (client support, accessibility) too. */
  info?: boolean;
}

/** Splits repeated, comma-separated option values: ["a,b", "c"] → ["a", "b", "c"]. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** `--rule name=severity` values as a LintConfig, or a CliError naming the bad one. */
export function rulesFromFlags(values: readonly string[] | undefined): LintConfig {
  const rules: Record<string, string> = {};
  for (const v of splitList(values)) {
    const m = /^([\w-]+)\s*[=:]\s*(\w+)$/.exec(v);
    if (!m) throw new CliError(`--rule "${v}": write it as <rule>=off|warning|error, e.g. --rule http-link=off.`);
    rules[m[1]] = m[2];
  }
  const { config, errors } = parseLintConfig({ rules }, '--rule');
  if (errors.length) throw new CliError(errors.join('\n'));
  return config;
}

/** The folder whose `.ongage/lint.json` applies: the nearest one at or above `cwd`, stopping at a repository root. */
export function findWorkspaceRoot(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(dir, ...LINT_CONFIG_PATH.split('/')))) return dir;
    if (fs.existsSync(path.join(dir, '.git'))) return undefined;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Reads the configuration file: `--config <file>`, else the workspace's `.ongage/lint.json`; `--no-config` skips it. */
export async function readConfig(opt: string | false | undefined, cwd: string): Promise<{ config: LintConfig; source?: string }> {
  if (opt === false) return { config: { rules: {} } };
  if (typeof opt === 'string') {
    const file = path.resolve(cwd, opt);
    let text: string;
    try {
      text = await readTextFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`--config ${opt}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(e)})`}. Point it at a file like ${LINT_CONFIG_PATH}.`);
    }
    const { config, errors } = parseLintConfigText(text, opt);
    if (errors.length) throw new CliError(errors.join('\n'));
    return { config, source: file };
  }
  const root = findWorkspaceRoot(cwd);
  if (!root) return { config: { rules: {} } };
  const result = await loadLintConfig(root);
  if (result.errors.length) throw new CliError(`${result.errors.join('\n')}\n(or pass --no-config to ignore the file)`);
  return { config: result.config, source: result.path };
}

/** Field names a text uses that are neither system fields nor dynamic fields (for the "no fields known" note). */
export function referencedFields(text: string, kind: DocumentKind, dynamic: ReadonlySet<string>): string[] {
  const names = new Set<string>();
  for (const tag of parse(text, { kind }).tags) {
    if (tag.type === 'field') names.add(tag.name.text);
    else if ((tag.type === 'if' || tag.type === 'elseif') && tag.condition) for (const cl of tag.condition.clauses) if (cl.field) names.add(cl.field.text);
  }
  return [...names].filter((n) => n && !isSystemName(n) && !dynamic.has(n));
}

async function loadFields(opts: LintCommandOptions, io: CliIO): Promise<readonly ListField[] | undefined> {
  if (opts.fields && opts.list !== undefined) throw new CliError('Pass either --fields <file> or --list <id>, not both.');
  if (opts.fields) return readFieldsFile(path.resolve(io.cwd, opts.fields), opts.fields);
  // A connection alone (--sandbox, --base-url) means the account's default list, as `fields` does.
  if (opts.list === undefined && !opts.sandbox && !opts.baseUrl) return undefined;
  const client = connect(opts, io);
  try {
    if (!opts.quiet) io.err.write(`Reading the fields of ${opts.list === undefined ? "the account's default list" : `list ${opts.list}`}…\n`);
    return (await client.listFields({ listId: opts.list })).map(toLanguageField);
  } catch (e) {
    throw toCliError(e);
  } finally {
    client.dispose();
  }
}

export async function runLint(patterns: string[], opts: LintCommandOptions, tool: ToolInfo, io: CliIO): Promise<number> {
  const flagConfig: LintConfig = { ...rulesFromFlags(opts.rule) };
  const dynamicFlags = splitList(opts.dynamicFields);
  const { config: fileConfig, source: configSource } = await readConfig(opts.config, io.cwd);
  const merged = mergeLintConfig(fileConfig, flagConfig);
  // Without --info the email checks whose findings would not be printed (information, hints) do not run at all,
  // so a plain run pays nothing for them; raised to warning or error they run and are printed.
  const config: LintConfig = opts.info
    ? merged
    : { ...merged, rules: { ...merged.rules, ...Object.fromEntries(EMAIL_CHECK_RULES.filter((r) => !['warning', 'error'].includes(ruleSetting(r, merged))).map((r) => [r, 'off'])) } };
  const fields = await loadFields(opts, io);
  const files = await findFiles(patterns, io.cwd, !!opts.kind);

  for (const f of files) {
    if (f.explicit && !opts.kind && !isLintable(f.absolute)) {
      throw new CliError(`${f.display}: lint checks .html, .htm, .txt and .ongage-subject files; pass --kind html|text|subject to check it anyway.`);
    }
  }
  if (opts.output) {
    await refuseOverwritingInput('--output', opts.output, [
      ...files.map((f) => ({ what: 'a template being checked', file: f.display })),
      ...(opts.fields ? [{ what: 'the --fields file', file: opts.fields }] : []),
      ...(configSource ? [{ what: 'the lint configuration', file: configSource }] : []),
    ], io.cwd);
  }

  const toStdout = !opts.output;
  const outStyle = style(toStdout && wantsColor(io.out, io.env, opts.color));
  const errStyle = style(wantsColor(io.err, io.env, opts.color));
  const report: LintReport = { files: [], skipped: [], errorCount: 0, warningCount: 0, infoCount: 0 };
  const dynamic = new Set([...dynamicFlags, ...(config.dynamicFields ?? [])]);
  const unknownToUs = new Map<string, string>();
  let text = '';

  for (const f of files) {
    let content: string;
    try {
      content = fs.readFileSync(f.absolute, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`${f.display}: cannot be read (${code ?? String(e)}); check that it exists and its permissions.`);
    }
    // VS Code drops a byte order mark from the document text; so do we, so positions agree.
    if (content.charCodeAt(0) === 0xfeff) content = content.slice(1);
    if (!opts.kind && !wantsLint(f.absolute, content)) {
      const skipped: SkippedFile = { path: f.display, reason: 'plain text without Ongage tags ({{…}}); name it .ongage.txt or pass --kind text to check it' };
      report.skipped.push(skipped);
      if (f.explicit && !opts.quiet) line(io.err, `${errStyle.dim('note:')} skipped ${f.display}: ${skipped.reason}.`);
      continue;
    }
    const kind = opts.kind ?? kindOf(f.absolute);
    const linted = lintEmail(content, { kind, fields, dynamicFields: dynamicFlags.length ? dynamicFlags : undefined, config, supportScore: opts.info === true && opts.format === 'json' && kind === 'html' });
    // Hints are the editor's faint marks: the command line never prints them, and information findings only with --info.
    const diagnostics: Diagnostic[] = linted.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning' || (opts.info === true && d.severity === 'information'));
    const result: FileResult = { path: f.display, kind, diagnostics };
    if (linted.support) result.support = linted.support;
    report.files.push(result);
    const c = countBySeverity(diagnostics);
    report.errorCount += c.errors;
    report.warningCount += c.warnings;
    report.infoCount += c.infos;
    if (!fields) for (const n of referencedFields(content, kind, dynamic)) if (!unknownToUs.has(n)) unknownToUs.set(n, f.display);
    if (opts.format === 'text') {
      const chunk = formatTextFile(result, outStyle);
      if (toStdout) io.out.write(chunk);
      else text += chunk;
    }
  }

  if (opts.format === 'json') text = formatJson(report, tool);
  else if (opts.format === 'sarif') text = formatSarif(report, tool);
  if (opts.format !== 'text' && toStdout) io.out.write(text);
  if (opts.output) {
    const file = path.resolve(io.cwd, opts.output);
    try {
      await writeFileAtomic(file, text);
    } catch (e) {
      throw new CliError(`--output ${opts.output}: cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the folder and its permissions.`);
    }
  }

  if (!opts.quiet) {
    if (unknownToUs.size) {
      const names = [...unknownToUs.keys()];
      const shown = names.slice(0, 5).map((n) => `\`${n}\``).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
      line(io.err, `${errStyle.dim('note:')} no fields known for ${shown}: field names were not checked. Pass --fields <file> (from \`ongage-studio fields --save\`) or --list <id>, or --dynamic-fields for transactional fields.`);
    }
    io.err.write(formatSummary(report, errStyle));
    if (opts.output) line(io.err, `Wrote ${opts.format} results to ${opts.output}.`);
  }

  if (report.errorCount > 0) return EXIT_LINT_ERRORS;
  if (opts.maxWarnings !== undefined && report.warningCount > opts.maxWarnings) {
    line(io.err, `${errStyle.red('✖')} ${report.warningCount} warnings, more than --max-warnings ${opts.maxWarnings} allows.`);
    return EXIT_LINT_ERRORS;
  }
  return EXIT_OK;
}
