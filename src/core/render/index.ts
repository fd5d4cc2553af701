/** The editor-free renderer of the live preview and `ongage-studio render`. */
export * from './types';
export { evaluate, evaluateParsed, escapeHtml, rawUrlEncode, type EvaluateNote, type EvaluateResult, type EvaluationState, type EvaluateExtras } from './evaluate';
export { formatPhpDate, parseDateValue } from './dates';
