/**
 * `lint`'s output formats: `text` (one line per finding, `path:line:col  severity  rule  message`, which VS
 * Code's terminal turns into links and a problem matcher can read), `json` (the core's diagnostics as they are,
 * plus 1-based line and column), and `sarif` (SARIF 2.1.0, for GitHub code scanning).
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { DocumentKind, Fix } from '../core/language/ast';
import { RULES } from '../core/language/config';
import type { SupportScore } from '../core/language/client-support';
import type { Diagnostic, Severity } from '../core/language/lint';
import type { SourceRange } from '../core/language/positions';
import { terminalSafe, type Style } from './io';

export type OutputFormat = 'text' | 'json' | 'sarif';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];

export interface FileResult {
  /** As shown (relative to the working folder, forward slashes). */
  path: string;
  kind: DocumentKind;
  diagnostics: Diagnostic[];
  /** The client-support score of an HTML body (in the JSON output). */
  support?: SupportScore;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface LintReport {
  files: FileResult[];
  skipped: SkippedFile[];
  errorCount: number;
  warningCount: number;
  /** Findings of severity information (client support, accessibility); they never fail a run. */
  infoCount: number;
}

export interface ToolInfo {
  name: string;
  version: string;
  /** Folder the paths are relative to. */
  cwd: string;
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

/** SARIF's level for a severity (SARIF has no "hint": both advisory severities are notes). */
export function sarifLevel(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' || s === 'warning' ? s : 'note';
}

// ------------------------------------------------------------------------------------------- text

/** The lines for one file's findings (each ends with a newline). */
export function formatTextFile(file: FileResult, s: Style): string {
  let out = '';
  for (const d of file.diagnostics) {
    const where = `${file.path}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
    const sev = d.severity === 'error' ? s.red('error') : d.severity === 'warning' ? s.yellow('warning') : s.dim(d.severity === 'information' ? 'info' : 'hint');
    out += `${terminalSafe(where)}  ${sev}  ${s.dim(d.rule)}  ${terminalSafe(d.message)}\n`;
  }
  return out;
}

/** The closing summary (for stderr). */
export function formatSummary(report: LintReport, s: Style): string {
  const checked = report.files.length;
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  const skipped = report.skipped.length ? `, ${n(report.skipped.length, 'file')} skipped` : '';
  const infos = report.infoCount ? ` (and ${report.infoCount} information finding${report.infoCount === 1 ? '' : 's'})` : '';
  if (report.errorCount === 0 && report.warningCount === 0) return `${s.green('✔')} ${n(checked, 'file')} checked, no problems${infos}${skipped}.\n`;
  const withProblems = report.files.filter((f) => f.diagnostics.some((d) => d.severity === 'error' || d.severity === 'warning')).length;
  const mark = report.errorCount ? s.red('✖') : s.yellow('⚠');
  return `${mark} ${n(report.errorCount, 'error')} and ${n(report.warningCount, 'warning')} in ${withProblems} of ${n(checked, 'file')}${infos}${skipped}.\n`;
}

// ------------------------------------------------------------------------------------------- json

export interface JsonDiagnostic extends Diagnostic {
  /** 1-based, as editors show it. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function toJsonDiagnostic(d: Diagnostic): JsonDiagnostic {
  return {
    ...d,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
  };
}

export function formatJson(report: LintReport, tool: ToolInfo): string {
  const doc = {
    tool: { name: tool.name, version: tool.version },
    errorCount: report.errorCount,
    warningCount: report.warningCount,
    infoCount: report.infoCount,
    files: report.files.map((f) => {
      const c = countBySeverity(f.diagnostics);
      const file: Record<string, unknown> = { path: f.path, kind: f.kind, errorCount: c.errors, warningCount: c.warnings, infoCount: c.infos, diagnostics: f.diagnostics.map(toJsonDiagnostic) };
      if (f.support) file.support = f.support;
      return file;
    }),
    skipped: report.skipped,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

// ------------------------------------------------------------------------------------------- sarif

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

/** SARIF regions are 1-based with an exclusive end column, in UTF-16 code units (SARIF's default column kind). */
function region(r: SourceRange): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

function artifactUri(p: string): { uri: string; uriBaseId?: string } {
  if (path.isAbsolute(p)) return { uri: pathToFileURL(p).href };
  return { uri: p.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function sarifFix(fix: Fix, location: { uri: string; uriBaseId?: string }): unknown {
  return {
    description: { text: fix.title },
    artifactChanges: [
      {
        artifactLocation: location,
        replacements: fix.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
      },
    ],
  };
}

export function formatSarif(report: LintReport, tool: ToolInfo): string {
  const ruleIndex = new Map<string, number>(RULES.map((r, i) => [r.id, i]));
  const results = report.files.flatMap((f) => {
    const location = artifactUri(f.path);
    return f.diagnostics.map((d) => {
      const result: Record<string, unknown> = {
        ruleId: d.rule,
        ruleIndex: ruleIndex.get(d.rule),
        level: sarifLevel(d.severity),
        message: { text: d.message },
        locations: [{ physicalLocation: { artifactLocation: location, region: region(d.range) } }],
      };
      if (d.fixes?.length) result.fixes = d.fixes.map((x) => sarifFix(x, location));
      if (d.href) result.properties = { helpUri: d.href };
      return result;
    });
  });
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.id.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
              shortDescription: { text: r.description },
              defaultConfiguration: { level: sarifLevel(r.default) },
              ...(r.id.startsWith('client-') ? { helpUri: 'https://www.caniemail.com/' } : {}),
            })),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(tool.cwd.endsWith(path.sep) ? tool.cwd : tool.cwd + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
