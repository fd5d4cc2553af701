/** The editor-free renderer of the live preview and `ongage-studio render`. */
export * from './types';
export { renderEmail } from './render';
export { evaluate, evaluateParsed, escapeHtml, rawUrlEncode, type EvaluateNote, type EvaluateResult, type EvaluationState, type EvaluateExtras } from './evaluate';
export { composeHtml, composeMapped, sourceOf, type ComposedHtml, type ComposeSegment, type ComposedPart } from './compose';
export { clearInlineCache, inlineCss, inlineTemplate, patchText, type InlineOutcome } from './inline';
export { formatPhpDate, parseDateValue } from './dates';
export { titleOf } from './title';
