/**
 * The thin VS Code layer over src/core/language: completion, hover, diagnostics with quick fixes, folding and
 * document symbols for Ongage templates. Every provider reads one parse per document version (cached); diagnostics
 * are debounced and computed in the check worker, for the latest text only, so nothing heavier than a parse runs on
 * the extension host per keystroke and nothing touches the network.
 */
import * as vscode from 'vscode';
import type { DocumentKind, Fix } from '../../core/language/ast';
import type { SourceRange } from '../../core/language/positions';
import { complete, TRIGGER_CHARACTERS, type CompletionKind } from '../../core/language/completion';
import { mergeLintConfig, parseLintConfig, type LintConfig } from '../../core/language/config';
import { loadLintConfig } from '../../core/language/config-loader';
import type { FieldSource } from '../../core/language/fields';
import { hover } from '../../core/language/hover';
import type { Diagnostic } from '../../core/language/lint';
import type { CheckClient } from '../../check-worker/client';
import { parse, type ParseResult } from '../../core/language/parser';
import { documentSymbols, foldingRanges, type SymbolNode } from '../../core/language/structure';

export interface LanguageDeps {
  log: vscode.LogOutputChannel;
  fields: FieldSource;
  /** Runs the checks off the extension host's thread (dist/check-worker.js). */
  checker: CheckClient;
}

/** Library documents use this scheme; every document in it gets the language features. */
export const ONGAGE_SCHEME = 'ongage';

export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  { language: 'html' },
  { language: 'plaintext' },
  { language: 'ongage-text' },
  { language: 'ongage-subject' },
  { scheme: ONGAGE_SCHEME },
];

/**
 * Diagnostics wait for a pause in typing: 150 ms, or eight times what the document's last check took, up to 600 ms
 * (a 100 KB email's checks take tens of milliseconds of a core, which typing and the preview need more: with a
 * shorter pause they ran between two keystrokes of someone typing slowly, beside the preview's render).
 */
const DEBOUNCE_MS = 150;
const COST_FACTOR = 8;
const MAX_DEBOUNCE_MS = 600;

/** How a document is checked: a subject line, an HTML body, or a plain-text body. */
export function documentKind(doc: vscode.TextDocument): DocumentKind {
  if (doc.languageId === 'ongage-subject' || /\.subject(\.txt)?$|\/subject$/i.test(doc.uri.path)) return 'subject';
  if (doc.languageId === 'html' || /\.html?$/i.test(doc.uri.path)) return 'html';
  return 'text';
}

/**
 * Library documents and Ongage languages are always checked. Files outside the Ongage scheme are checked once
 * they use a tag, so a web project's HTML or a log file gets no email warnings; `ongage.lint.htmlFiles: "all"`
 * checks every HTML file (an email folder whose emails have no tags yet).
 */
function wantsLint(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme === 'output' || doc.uri.scheme === 'vscode-settings' || doc.uri.scheme === 'git') return false;
  // An item's settings (`.ongage.json`) are JSON, checked by their schema, not as an email.
  if (doc.uri.scheme === ONGAGE_SCHEME) return doc.languageId !== 'json' && !doc.uri.path.endsWith('.ongage.json');
  if (doc.languageId.startsWith('ongage-')) return true;
  if (doc.languageId === 'html' && vscode.workspace.getConfiguration('ongage.lint', doc.uri).get<string>('htmlFiles') === 'all') return true;
  return (doc.languageId === 'html' || doc.languageId === 'plaintext') && doc.getText().includes('{{');
}

class ParseCache {
  private readonly entries = new Map<string, { version: number; kind: DocumentKind; parsed: ParseResult }>();

  get(doc: vscode.TextDocument): ParseResult {
    const key = doc.uri.toString();
    const kind = documentKind(doc);
    const hit = this.entries.get(key);
    if (hit && hit.version === doc.version && hit.kind === kind) return hit.parsed;
    const parsed = parse(doc.getText(), { kind });
    this.entries.set(key, { version: doc.version, kind, parsed });
    return parsed;
  }

  delete(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }
}

function toRange(r: SourceRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

const COMPLETION_KINDS: Record<CompletionKind, vscode.CompletionItemKind> = {
  field: vscode.CompletionItemKind.Field,
  dynamic: vscode.CompletionItemKind.Variable,
  sample: vscode.CompletionItemKind.Value,
  system: vscode.CompletionItemKind.Constant,
  function: vscode.CompletionItemKind.Function,
  keyword: vscode.CompletionItemKind.Keyword,
  snippet: vscode.CompletionItemKind.Snippet,
  operator: vscode.CompletionItemKind.Operator,
  joiner: vscode.CompletionItemKind.Keyword,
  format: vscode.CompletionItemKind.Value,
  'format-token': vscode.CompletionItemKind.Constant,
  value: vscode.CompletionItemKind.Value,
};

/** Settings, read once and again when they change. */
function settingsConfig(): { enabled: boolean; config: LintConfig; errors: string[] } {
  const cfg = vscode.workspace.getConfiguration('ongage.lint');
  const clients = vscode.workspace.getConfiguration('ongage.checks').get<unknown>('clients');
  const { config, errors } = parseLintConfig(
    { rules: cfg.get('rules') ?? {}, dynamicFields: cfg.get('dynamicFields') ?? [], ...(Array.isArray(clients) && clients.length ? { clients } : {}) },
    'Settings (ongage.lint, ongage.checks)',
  );
  return { enabled: cfg.get<boolean>('enabled', true), config, errors };
}

const SEVERITY: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function registerLanguageFeatures(context: vscode.ExtensionContext, deps: LanguageDeps): void {
  const { log, fields } = deps;
  const cache = new ParseCache();
  const collection = vscode.languages.createDiagnosticCollection('ongage');
  const lastLint = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** How long each document's last check took in the worker (its next check waits for a pause that long). */
  const costs = new Map<string, number>();
  let settings = settingsConfig();
  const fileConfigs = new Map<string, LintConfig>();
  context.subscriptions.push(collection);

  const configFor = (doc: vscode.TextDocument): LintConfig => {
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri) ?? vscode.workspace.workspaceFolders?.[0];
    const file = folder ? fileConfigs.get(folder.uri.toString()) : undefined;
    return mergeLintConfig(settings.config, file);
  };

  const lintNow = async (doc: vscode.TextDocument): Promise<void> => {
    const key = doc.uri.toString();
    if (!settings.enabled || !wantsLint(doc)) {
      collection.delete(doc.uri);
      lastLint.delete(key);
      return;
    }
    try {
      const version = doc.version;
      const text = doc.getText();
      const answer = await deps.checker.lint(key, text, {
        kind: documentKind(doc),
        fields: fields.fields(key),
        dynamicFields: fields.dynamicFields?.(key),
        unsubscribeDefaultLink: fields.unsubscribeDefaultLink?.(key),
        composedTemplates: fields.composedTemplates?.(key),
        config: configFor(doc),
      });
      // Overtaken by a newer check of the document, changed since (its change checks it again), or closed.
      if (!answer || doc.isClosed || doc.version !== version) return;
      if (!settings.enabled || !wantsLint(doc)) return;
      const { diagnostics, ms } = answer;
      costs.set(key, ms);
      lastLint.set(key, { version, diagnostics });
      collection.set(
        doc.uri,
        diagnostics.map((d) => {
          const v = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity]);
          v.source = 'ongage';
          v.code = d.href ? { value: d.rule, target: vscode.Uri.parse(d.href) } : d.rule;
          return v;
        }),
      );
      if (ms > 50) log.debug(`lint ${doc.uri.path}: ${Math.round(ms)} ms in the check worker for ${text.length} characters`);
    } catch (e) {
      log.error(`Checking ${doc.uri.toString(true)} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const schedule = (doc: vscode.TextDocument, delay?: number): void => {
    const key = doc.uri.toString();
    delay ??= Math.min(MAX_DEBOUNCE_MS, Math.max(DEBOUNCE_MS, COST_FACTOR * (costs.get(key) ?? 0)));
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        void lintNow(doc);
      }, delay),
    );
  };
  const relintAll = (): void => vscode.workspace.textDocuments.forEach((d) => schedule(d, 0));

  const loadFileConfigs = async (): Promise<void> => {
    fileConfigs.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const result = await loadLintConfig(folder.uri.fsPath);
      if (result.found) fileConfigs.set(folder.uri.toString(), result.config);
      for (const err of result.errors) log.warn(err);
    }
    relintAll();
  };

  const watcher = vscode.workspace.createFileSystemWatcher('**/.ongage/lint.json');
  context.subscriptions.push(
    watcher,
    watcher.onDidChange(() => void loadFileConfigs()),
    watcher.onDidCreate(() => void loadFileConfigs()),
    watcher.onDidDelete(() => void loadFileConfigs()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void loadFileConfigs()),
    vscode.workspace.onDidOpenTextDocument((d) => schedule(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      const key = d.uri.toString();
      clearTimeout(timers.get(key));
      timers.delete(key);
      costs.delete(key);
      cache.delete(d.uri);
      lastLint.delete(key);
      collection.delete(d.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('ongage.lint') && !e.affectsConfiguration('ongage.checks')) return;
      settings = settingsConfig();
      for (const err of settings.errors) log.warn(err);
      relintAll();
    }),
    fields.onDidChange(() => relintAll()),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  for (const err of settings.errors) log.warn(err);
  void loadFileConfigs();

  // Completion
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(
      DOCUMENT_SELECTOR,
      {
        provideCompletionItems(doc, position) {
          const uri = doc.uri.toString();
          const offset = doc.offsetAt(position);
          const result = complete(doc.getText(), offset, {
            kind: documentKind(doc),
            fields: fields.fields(uri),
            dynamicFields: [...(fields.dynamicFields?.(uri) ?? []), ...(configFor(doc).dynamicFields ?? [])],
            sample: fields.sample(uri),
            parsed: cache.get(doc),
          });
          if (!result) return undefined;
          return result.items.map((e) => {
            const item = new vscode.CompletionItem({ label: e.label, description: e.detail }, COMPLETION_KINDS[e.kind]);
            item.insertText = e.snippet ? new vscode.SnippetString(e.insertText) : e.insertText;
            item.range = new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end));
            item.sortText = e.sortText;
            if (e.filterText) item.filterText = e.filterText;
            if (e.detail) item.detail = e.detail;
            if (e.documentation) item.documentation = new vscode.MarkdownString(e.documentation);
            return item;
          });
        },
      },
      ...TRIGGER_CHARACTERS,
    ),
  );

  // Hover
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(DOCUMENT_SELECTOR, {
      provideHover(doc, position) {
        const uri = doc.uri.toString();
        const h = hover(doc.getText(), doc.offsetAt(position), {
          kind: documentKind(doc),
          fields: fields.fields(uri),
          dynamicFields: [...(fields.dynamicFields?.(uri) ?? []), ...(configFor(doc).dynamicFields ?? [])],
          sample: fields.sample(uri),
          parsed: cache.get(doc),
        });
        if (h) return new vscode.Hover(new vscode.MarkdownString(h.markdown), new vscode.Range(doc.positionAt(h.start), doc.positionAt(h.end)));
        return clientSupportHover(doc, lastLint.get(uri), doc.offsetAt(position));
      },
    }),
  );

  // Quick fixes: the fixes lint computed for the diagnostics under the cursor.
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(
      DOCUMENT_SELECTOR,
      {
        provideCodeActions(doc, _range, ctx) {
          const last = lastLint.get(doc.uri.toString());
          if (!last || last.version !== doc.version) return undefined;
          const actions: vscode.CodeAction[] = [];
          for (const vd of ctx.diagnostics) {
            if (vd.source !== 'ongage') continue;
            const code = typeof vd.code === 'object' ? vd.code.value : vd.code;
            const d = last.diagnostics.find((x) => x.rule === code && toRange(x.range).isEqual(vd.range));
            for (const fix of d?.fixes ?? []) actions.push(toAction(doc, fix, vd));
          }
          return actions;
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );

  // Folding and symbols
  context.subscriptions.push(
    vscode.languages.registerFoldingRangeProvider(DOCUMENT_SELECTOR, {
      provideFoldingRanges(doc) {
        return foldingRanges(cache.get(doc)).map((r) => new vscode.FoldingRange(r.startLine, r.endLine, vscode.FoldingRangeKind.Region));
      },
    }),
    vscode.languages.registerDocumentSymbolProvider(
      DOCUMENT_SELECTOR,
      {
        provideDocumentSymbols(doc) {
          return documentSymbols(cache.get(doc)).map(toSymbol);
        },
      },
      { label: 'Ongage conditions' },
    ),
  );

  vscode.workspace.textDocuments.forEach((d) => schedule(d, 0));
}

/** Over a feature some target clients ignore or support partly: which clients, caniemail's notes, its page. */
function clientSupportHover(doc: vscode.TextDocument, last: { version: number; diagnostics: Diagnostic[] } | undefined, offset: number): vscode.Hover | undefined {
  if (!last || last.version !== doc.version) return undefined;
  const here = last.diagnostics.filter((d) => (d.rule === 'client-unsupported' || d.rule === 'client-partial') && d.start <= offset && offset < d.end);
  if (!here.length) return undefined;
  const md = new vscode.MarkdownString();
  for (const d of here) {
    const [clients, ...rest] = d.message.replace(/\s*https:\/\/\S+$/, '').split(' Notes: ');
    md.appendMarkdown(`**${d.rule === 'client-unsupported' ? 'Not supported' : 'Partly supported'}** — ${clients.split('; ').join('  \n')}\n\n`);
    if (rest.length) md.appendMarkdown(`${rest.join(' Notes: ')}\n\n`);
    if (d.href) md.appendMarkdown(`[caniemail.com](${d.href})\n\n`);
  }
  return new vscode.Hover(md, new vscode.Range(doc.positionAt(here[0].start), doc.positionAt(here[0].end)));
}

function toAction(doc: vscode.TextDocument, fix: Fix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
  action.edit = edit;
  action.diagnostics = [diagnostic];
  action.isPreferred = fix.preferred === true;
  return action;
}

function toSymbol(s: SymbolNode): vscode.DocumentSymbol {
  const sym = new vscode.DocumentSymbol(s.name, s.detail, vscode.SymbolKind.Namespace, toRange(s.range), toRange(s.selection.range));
  sym.children = s.children.map(toSymbol);
  return sym;
}
