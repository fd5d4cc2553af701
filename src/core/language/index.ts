/** Ongage's personalization language, editor-free: parser, lint, completion, hover, folding and symbols. */
export * from './ast';
export * from './positions';
export * from './catalog';
export * from './fields';
export * from './config';
export { parse, type ParseResult, type ParseOptions } from './parser';
export { lint, lintEmail, GMAIL_CLIP_BYTES, type Diagnostic, type LintOptions, type LintResult, type Severity } from './lint';
export type { SupportScore } from './client-support';
export { complete, innermostOpenTag, TRIGGER_CHARACTERS, type CompletionEntry, type CompletionKind, type CompletionResult, type CompletionContext, type CompletionPlace } from './completion';
export { hover, tagAt, type HoverResult, type HoverContext } from './hover';
export { foldingRanges, documentSymbols, type FoldingRange, type SymbolNode } from './structure';
export { scanHtml, type HtmlElement, type HtmlAttribute } from './html';
export { editDistance, nearest } from './distance';
