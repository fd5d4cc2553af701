/**
 * The syntax tree of Ongage's personalization language. Every node knows its exact place in the source:
 * `start`/`end` are offsets (end exclusive) and `range` the same span as line/character positions, both in
 * UTF-16 code units.
 */
import type { SourceRange } from './positions';

/** Where a text is used: an HTML body, a plain-text body, or a subject line (which has stricter rules). */
export type DocumentKind = 'html' | 'text' | 'subject';

export interface Span {
  start: number;
  end: number;
  range: SourceRange;
}

/** A piece of source text with its span (a name, a value, a keyword). */
export interface Word extends Span {
  text: string;
}

/** `key=value` in a `[format=…]` suffix or a function argument. */
export interface Param extends Span {
  key: Word;
  /** Absent when the `=` is missing. */
  value?: Word;
}

/** The `[…]` suffix of a field, such as `[format=d/m/Y]`. The span covers the brackets. */
export interface ParamList extends Span {
  params: Param[];
  /** False when the `]` is missing. */
  closed: boolean;
}

/** A literal run inside a fallback or a function argument. */
export interface LiteralPart extends Span {
  type: 'literal';
  text: string;
}

/** The text after the colon of `{{field:fallback}}`; the span starts after the colon and ends before `}}`. */
export interface Fallback extends Span {
  /** Offset of the colon. */
  colon: number;
  parts: Array<LiteralPart | FieldTag | FunctionTag>;
  /** The fallback exactly as written. */
  text: string;
}

/** The `{…}` argument of a function; the span covers the text between the braces. */
export interface Argument extends Span {
  text: string;
  parts: Array<LiteralPart | FieldTag | FunctionTag>;
  /** `key=value` pairs when the argument is written that way (`algo=md5,data=…`), else empty. */
  params: Param[];
}

interface TagBase extends Span {
  /** True when written `\{{…}}` (the form used for a tag nested in a function argument). */
  escaped: boolean;
  /** False when the closing `}}` is missing; the span then ends after the name. */
  closed: boolean;
  /** 0 for a tag in the document, 1+ for a tag inside a fallback or function argument. */
  depth: number;
}

/** `{{name}}`, `{{name:fallback}}`, `{{name[format=…]}}`: a list field, system field or dynamic field. */
export interface FieldTag extends TagBase {
  type: 'field';
  name: Word;
  params?: ParamList;
  fallback?: Fallback;
}

/** `{{name{argument}}}`: an Ongage function such as `ocx_url_encode`. */
export interface FunctionTag extends TagBase {
  type: 'function';
  name: Word;
  argument?: Argument;
}

export type OperatorName =
  | '='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'contains'
  | 'begins_with'
  | 'ends_with'
  | 'is empty'
  | 'is null';

export interface Operator extends Span {
  text: string;
  /** The operator without its `!`; undefined when the text is not a valid operator. */
  name?: OperatorName;
  negated: boolean;
}

/** One `field operator value` comparison. */
export interface Clause extends Span {
  field?: Word;
  operator?: Operator;
  value?: Word;
}

/** `AND` / `OR` between clauses; `valid` is false for lower-case or symbolic joiners (`and`, `&&`). */
export interface Joiner extends Span {
  text: string;
  valid: boolean;
}

export interface Condition extends Span {
  clauses: Clause[];
  joiners: Joiner[];
}

/** `{{ocx_if condition}}` or `{{ocx_elseif condition}}`. */
export interface ConditionTag extends TagBase {
  type: 'if' | 'elseif';
  keyword: Word;
  condition?: Condition;
}

/** `{{ocx_else}}` or `{{ocx_endif}}`. */
export interface KeywordTag extends TagBase {
  type: 'else' | 'endif';
  keyword: Word;
}

/** Something between `{{` and `}}` that is not Ongage syntax (`{{}}`, `{{#if x}}`). */
export interface InvalidTag extends TagBase {
  type: 'invalid';
  text: string;
}

export type Tag = FieldTag | FunctionTag | ConditionTag | KeywordTag | InvalidTag;

export interface TextNode extends Span {
  type: 'text';
}

/** One branch of an ocx_if block: the tag that opens it and what follows up to the next branch or the end. */
export interface Branch extends Span {
  tag: ConditionTag | KeywordTag;
  children: Node[];
}

/** `{{ocx_if}} … {{ocx_elseif}} … {{ocx_else}} … {{ocx_endif}}`. The span runs from `{{ocx_if` to the end of
 * `{{ocx_endif}}` (or of the last content when the block is never closed). */
export interface IfBlock extends Span {
  type: 'block';
  branches: Branch[];
  endTag?: KeywordTag;
}

export type Node = TextNode | Tag | IfBlock;

export type ProblemCode =
  | 'unclosed-tag'
  | 'tag-syntax'
  | 'markup-in-tag'
  | 'block-structure'
  | 'condition-syntax'
  | 'lowercase-joiner'
  | 'misspelled-keyword';

/** A text edit: replace [start, end) by newText. */
export interface TextEdit extends Span {
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The one obvious fix (VS Code shows it first and applies it on "auto fix"). */
  preferred?: boolean;
}

/** A syntax problem found by the parser. */
export interface Problem extends Span {
  code: ProblemCode;
  message: string;
  fixes?: Fix[];
}
