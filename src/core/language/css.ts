/**
 * A small, forgiving CSS scanner for the email checks: rules with their selectors, declarations, at-rules and
 * comments of a `<style>` element or a `style=""` attribute, every part with its offsets in the document. It never
 * throws and never builds more than it needs; Ongage tags were already replaced by the caller with filler
 * characters of the same length (see `email-html.ts`), so a value holding a tag is recognisable and never read as CSS.
 */

export interface CssSpan {
  text: string;
  start: number;
  end: number;
}

export interface CssDeclaration {
  /** Lower-case property name. */
  prop: string;
  propStart: number;
  propEnd: number;
  /** The value as written, without `!important`, trimmed. */
  value: string;
  valueStart: number;
  valueEnd: number;
  important?: { start: number; end: number };
}

export interface CssRule {
  /** The selectors of the rule, one per comma-separated part, trimmed. */
  selectors: CssSpan[];
  declarations: CssDeclaration[];
  /** Names of the at-rules the rule sits in (`media`, `supports`, `keyframes`…), outermost first. */
  within: string[];
}

export interface CssAtRule {
  /** Lower-case name without `@`. */
  name: string;
  /** The `@name` span. */
  start: number;
  end: number;
  prelude: CssSpan;
}

export interface CssSheet {
  rules: CssRule[];
  atRules: CssAtRule[];
  comments: Array<{ start: number; end: number }>;
  /** Declarations directly in at-rule blocks such as `@font-face` and `@page`. */
  atDeclarations: CssDeclaration[];
}

const OPEN = 123; // {
const CLOSE = 125; // }
const SEMI = 59;

/** Skips a comment or string at `i`, recording comments; returns the index after it, or `i` when neither. */
function skipCommentOrString(text: string, i: number, end: number, comments?: Array<{ start: number; end: number }>): number {
  const c = text.charCodeAt(i);
  if (c === 47 && text.charCodeAt(i + 1) === 42) {
    const close = text.indexOf('*/', i + 2);
    const e = close === -1 || close + 2 > end ? end : close + 2;
    comments?.push({ start: i, end: e });
    return e;
  }
  if (c === 34 || c === 39) {
    let j = i + 1;
    while (j < end && text.charCodeAt(j) !== c) {
      if (text.charCodeAt(j) === 92) j++;
      if (text.charCodeAt(j) === 10) break;
      j++;
    }
    return Math.min(j + 1, end);
  }
  return i;
}

function trimmed(text: string, start: number, end: number): CssSpan {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { text: text.slice(start, end), start, end };
}

/** Splits at top-level commas (not inside parentheses, brackets or strings). */
function splitTop(text: string, start: number, end: number, sep: number): CssSpan[] {
  const out: CssSpan[] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const skip = skipCommentOrString(text, i, end);
    if (skip !== i) {
      i = skip - 1;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91) depth++;
    else if ((c === 41 || c === 93) && depth > 0) depth--;
    else if (c === sep && depth === 0) {
      out.push(trimmed(text, from, i));
      from = i + 1;
    }
  }
  out.push(trimmed(text, from, end));
  return out.filter((s) => s.text !== '');
}

/** The declarations of a block or a `style` attribute between `start` and `end`. */
export function scanDeclarations(text: string, start: number, end: number, comments?: Array<{ start: number; end: number }>): CssDeclaration[] {
  const out: CssDeclaration[] = [];
  let from = start;
  let depth = 0;
  const finish = (to: number): void => {
    const colon = findColon(text, from, to);
    if (colon !== -1) {
      const name = trimmed(text, from, colon);
      let value = trimmed(text, colon + 1, to);
      if (/^-?-?[A-Za-z_][\w-]*$/.test(name.text)) {
        const m = /!\s*important\s*$/i.exec(value.text);
        let important: CssDeclaration['important'];
        if (m) {
          important = { start: value.start + m.index, end: value.end };
          value = trimmed(text, value.start, value.start + m.index);
        }
        const d: CssDeclaration = { prop: name.text.toLowerCase(), propStart: name.start, propEnd: name.end, value: value.text, valueStart: value.start, valueEnd: value.end };
        if (important) d.important = important;
        out.push(d);
      }
    }
  };
  for (let i = start; i < end; i++) {
    const skip = skipCommentOrString(text, i, end, comments);
    if (skip !== i) {
      // A comment between declarations is not part of the next one's name.
      if (text.charCodeAt(i) === 47 && text.slice(from, i).trim() === '') from = skip;
      i = skip - 1;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && depth > 0) depth--;
    else if (c === SEMI && depth === 0) {
      finish(i);
      from = i + 1;
    }
  }
  finish(end);
  return out;
}

function findColon(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const skip = skipCommentOrString(text, i, end);
    if (skip !== i) {
      i = skip - 1;
      continue;
    }
    if (text.charCodeAt(i) === 58) return i;
  }
  return -1;
}

/** At-rules whose block holds rules (the others hold declarations). */
const GROUPING = new Set(['media', 'supports', 'document', '-moz-document', 'container', 'layer', 'scope']);

/** Scans a style sheet between `start` and `end` of `text`. */
export function scanCss(text: string, start: number, end: number): CssSheet {
  const sheet: CssSheet = { rules: [], atRules: [], comments: [], atDeclarations: [] };
  const within: string[] = [];
  let i = start;
  let from = start;
  while (i < end) {
    const skip = skipCommentOrString(text, i, end, sheet.comments);
    if (skip !== i) {
      if (text.charCodeAt(i) === 47 && text.slice(from, i).trim() === '') from = skip;
      i = skip;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === CLOSE) {
      within.pop();
      i++;
      from = i;
      continue;
    }
    if (c === SEMI) {
      const prelude = trimmed(text, from, i);
      if (prelude.text.startsWith('@')) sheet.atRules.push(atRule(text, prelude));
      i++;
      from = i;
      continue;
    }
    if (c !== OPEN) {
      i++;
      continue;
    }
    const prelude = trimmed(text, from, i);
    if (prelude.text.startsWith('@')) {
      const at = atRule(text, prelude);
      sheet.atRules.push(at);
      if (GROUPING.has(at.name) || at.name.endsWith('keyframes')) {
        within.push(at.name);
        i++;
        from = i;
        continue;
      }
      const close = blockEnd(text, i + 1, end);
      sheet.atDeclarations.push(...scanDeclarations(text, i + 1, close, sheet.comments));
      i = Math.min(close + 1, end);
      from = i;
      continue;
    }
    const close = blockEnd(text, i + 1, end);
    sheet.rules.push({ selectors: splitTop(text, prelude.start, prelude.end, 44), declarations: scanDeclarations(text, i + 1, close, sheet.comments), within: [...within] });
    i = Math.min(close + 1, end);
    from = i;
  }
  return sheet;
}

function atRule(text: string, prelude: CssSpan): CssAtRule {
  const m = /^@([\w-]+)/.exec(prelude.text);
  const nameEnd = prelude.start + (m ? m[0].length : 1);
  return { name: (m?.[1] ?? '').toLowerCase(), start: prelude.start, end: nameEnd, prelude: trimmed(text, nameEnd, prelude.end) };
}

/** The `}` that closes a declaration block opened before `start` (nested braces counted), or `end`. */
function blockEnd(text: string, start: number, end: number): number {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const skip = skipCommentOrString(text, i, end);
    if (skip !== i) {
      i = skip - 1;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === OPEN) depth++;
    else if (c === CLOSE) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return end;
}
