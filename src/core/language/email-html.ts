/**
 * The email's HTML as a real parser reads it (parse5, with source locations), for the client-support and
 * accessibility checks. Ongage tags are protected first: every top-level tag the language parser found is replaced
 * by filler characters of the same length, so parse5 never reads a tag's `<`, `>` or quotes as markup, offsets stay
 * those of the document, and a value or text holding a tag is recognisable (`hasTag`) and left alone. Content inside
 * Outlook conditional comments (`<!--[if mso]>…`) is a comment to parse5: only Outlook for Windows reads it.
 */
import { InsertionMode, Parser } from 'parse5';
import type { Tag } from './ast';
import { scanCss, scanDeclarations, type CssDeclaration, type CssSheet } from './css';

/** Stands for the characters of an Ongage tag in the protected text. */
export const FILLER = '\uE000';

export function hasTag(s: string): boolean {
  return s.includes(FILLER);
}

export interface EmailAttribute {
  /** Lower-case name. */
  name: string;
  value: string;
  start: number;
  end: number;
  /** The value's span without quotes (equal to `end` for a bare attribute). */
  valueStart: number;
  valueEnd: number;
}

export interface EmailElement {
  name: string;
  /** The `<` of the start tag, and the end of the element (its end tag, or where parse5 closed it). */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  /** Whether the start tag is in the source (parse5 adds html, head, body, tbody when they are not). */
  written: boolean;
  attrs: EmailAttribute[];
  parent?: EmailElement;
  children: EmailNode[];
  /** Parsed `style=""`, when present. */
  style?: CssDeclaration[];
}

export interface EmailText {
  text: string;
  start: number;
  end: number;
}

export type EmailNode = EmailElement | EmailText;

export function isElement(n: EmailNode): n is EmailElement {
  return (n as EmailElement).children !== undefined;
}

export interface EmailDocument {
  /** The text with Ongage tags replaced by FILLER. */
  protectedText: string;
  /** Every element written in the source, in document order. */
  elements: EmailElement[];
  root?: EmailElement;
  styles: Array<{ element: EmailElement; sheet: CssSheet }>;
  doctype?: { start: number; end: number };
}

export function attr(el: EmailElement, name: string): EmailAttribute | undefined {
  return el.attrs.find((a) => a.name === name);
}

/** `text` with the top-level tags replaced by filler of the same length. */
export function protectTags(text: string, tags: readonly Tag[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const t of tags) {
    if (t.depth !== 0 || t.start < at) continue;
    parts.push(text.slice(at, t.start), FILLER.repeat(t.end - t.start));
    at = t.end;
  }
  if (at === 0) return text;
  parts.push(text.slice(at));
  return parts.join('');
}

interface P5Location {
  startOffset: number;
  endOffset: number;
  startTag?: { startOffset: number; endOffset: number };
  attrs?: Record<string, { startOffset: number; endOffset: number }>;
}

interface P5Node {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: P5Node[];
  content?: P5Node;
  sourceCodeLocation?: P5Location | null;
}

/** The parts of parse5's tokenizer (8.x, internal) that `fastRuns` reads and moves on. */
interface P5Tokenizer {
  preprocessor: { html: string; pos: number; line: number; lineStartPos: number; isEol: boolean };
  runEnd: number;
  consumedAfterSnapshot: number;
  inForeignNode: boolean;
  handler: { insertionMode: InsertionMode };
  _stateData(cp: number): void;
  _stateRawtext(cp: number): void;
  _stateComment(cp: number): void;
}

/**
 * parse5 reads its input one code point at a time through its state machine. Most of an email is plain text,
 * indentation, CSS and comments, where every code point only extends the token being built: after parse5 handled
 * one such code point, the ones after it that it would handle the same way are taken in one step, leaving the
 * tokenizer exactly as the one-at-a-time reading would (position, line, the run of input the token holds).
 * In text a run of one kind (whitespace or not) is taken; where the tree builder treats whitespace and other
 * characters alike (in body, a cell, a caption, a template, a select, and the text of `<style>`), a run that began
 * with a character also takes the whitespace after it, as one token instead of a token per word and per space: the
 * tree builder appends both to the same text node, so the tree is parse5's own. Carriage returns, NUL, surrogates
 * and `<`, `&` (and `-` in comments) go the usual way.
 */
/** What a run takes: whitespace; in text, other characters, or both; in `<style>`, the same; in a comment. */
const enum Run {
  Space,
  TextChar,
  TextAny,
  RawChar,
  RawAny,
  Comment,
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 12;

/** Takes the code points after the current one while they are of the run's kind. */
function take(tok: P5Tokenizer, kind: Run): void {
  const pre = tok.preprocessor;
  const html = pre.html;
  const n = html.length;
  let j = pre.pos + 1;
  let line = pre.line;
  let lineStart = pre.lineStartPos;
  let eol = pre.isEol;
  for (; j < n; j++) {
    const c = html.charCodeAt(j);
    if (c === 13 || c === 0 || (c >= 0xd800 && c <= 0xdfff)) break;
    let ok: boolean;
    switch (kind) {
      case Run.Space:
        ok = isSpace(c);
        break;
      case Run.TextChar:
        ok = c !== 60 && c !== 38 && !isSpace(c);
        break;
      case Run.TextAny:
        ok = c !== 60 && c !== 38;
        break;
      case Run.RawChar:
        ok = c !== 60 && !isSpace(c);
        break;
      case Run.RawAny:
        ok = c !== 60;
        break;
      default:
        ok = c !== 45 && c !== 60;
    }
    if (!ok) break;
    if (eol) {
      line++;
      lineStart = j;
      eol = false;
    }
    if (c === 10) eol = true;
  }
  const taken = j - 1 - pre.pos;
  if (taken <= 0) return;
  pre.pos = j - 1;
  pre.line = line;
  pre.lineStartPos = lineStart;
  pre.isEol = eol;
  tok.consumedAfterSnapshot += taken;
  tok.runEnd = pre.pos + 1;
}

/** A code point that parse5 only appends to the token being built (no CR, NUL, surrogate or end of input). */
const plain = (cp: number): boolean => cp !== 13 && cp !== 0 && cp !== -1 && cp < 0xd800;

/** Whether the tree builder now inserts whitespace and other characters alike (parser/index.js, onCharacter). */
function alike(tok: P5Tokenizer): boolean {
  if (tok.inForeignNode) return false;
  const m = tok.handler.insertionMode;
  return m === InsertionMode.IN_BODY || m === InsertionMode.IN_CELL || m === InsertionMode.IN_CAPTION || m === InsertionMode.IN_TEMPLATE || m === InsertionMode.IN_SELECT || m === InsertionMode.IN_SELECT_IN_TABLE;
}

let states: Pick<P5Tokenizer, '_stateData' | '_stateRawtext' | '_stateComment'> | undefined;

/** Gives the tokenizer the fast path (the same three functions for every tokenizer, made once). */
function fastRuns(tok: P5Tokenizer): void {
  // Another parse5 (its internals changed) reads the usual way.
  const pre = tok.preprocessor as Partial<P5Tokenizer['preprocessor']> | undefined;
  if (typeof tok.runEnd !== 'number' || typeof pre?.pos !== 'number' || typeof pre.line !== 'number' || typeof pre.lineStartPos !== 'number' || typeof pre.isEol !== 'boolean' || typeof tok.handler?.insertionMode !== 'number') return;
  if (!states) {
    const proto = Object.getPrototypeOf(tok) as P5Tokenizer;
    if (typeof proto._stateData !== 'function' || typeof proto._stateRawtext !== 'function' || typeof proto._stateComment !== 'function') return;
    const data = proto._stateData;
    const rawtext = proto._stateRawtext;
    const comment = proto._stateComment;
    states = {
      _stateData(this: P5Tokenizer, cp: number) {
        data.call(this, cp);
        if (cp !== 60 && cp !== 38 && plain(cp)) take(this, isSpace(cp) ? Run.Space : alike(this) ? Run.TextAny : Run.TextChar);
      },
      _stateRawtext(this: P5Tokenizer, cp: number) {
        rawtext.call(this, cp);
        if (cp !== 60 && plain(cp)) take(this, isSpace(cp) ? Run.Space : !this.inForeignNode && this.handler.insertionMode === InsertionMode.TEXT ? Run.RawAny : Run.RawChar);
      },
      _stateComment(this: P5Tokenizer, cp: number) {
        comment.call(this, cp);
        if (cp !== 45 && cp !== 60 && plain(cp)) take(this, Run.Comment);
      },
    };
  }
  tok._stateData = states._stateData;
  tok._stateRawtext = states._stateRawtext;
  tok._stateComment = states._stateComment;
}

/** parse5's document of `html`, with source locations. */
function parseDocument(html: string): P5Node {
  const parser = new Parser({ sourceCodeLocationInfo: true });
  fastRuns(parser.tokenizer as unknown as P5Tokenizer);
  parser.tokenizer.write(html, true);
  return parser.document as unknown as P5Node;
}

function moved(d: CssDeclaration, by: number): CssDeclaration {
  const m: CssDeclaration = { prop: d.prop, propStart: d.propStart + by, propEnd: d.propEnd + by, value: d.value, valueStart: d.valueStart + by, valueEnd: d.valueEnd + by };
  if (d.important) m.important = { start: d.important.start + by, end: d.important.end + by };
  return m;
}

export function readEmail(text: string, tags: readonly Tag[]): EmailDocument {
  const protectedText = protectTags(text, tags);
  const doc = parseDocument(protectedText);
  const out: EmailDocument = { protectedText, elements: [], styles: [] };
  // Emails repeat the same style="" many times: each value is scanned once, its declarations moved to each place.
  const scanned = new Map<string, CssDeclaration[]>();
  const declarationsAt = (start: number, end: number): CssDeclaration[] => {
    const key = protectedText.slice(start, end);
    const rel = scanned.get(key);
    if (rel) return rel.map((d) => moved(d, start));
    const found = scanDeclarations(protectedText, start, end);
    scanned.set(key, found.map((d) => moved(d, -start)));
    return found;
  };
  const visit = (node: P5Node, parent: EmailElement | undefined): void => {
    for (const child of node.childNodes ?? []) {
      const loc = child.sourceCodeLocation;
      if (child.nodeName === '#documentType') {
        if (loc) out.doctype = { start: loc.startOffset, end: loc.endOffset };
        continue;
      }
      if (child.nodeName === '#comment') continue;
      if (child.nodeName === '#text') {
        if (parent && loc) parent.children.push({ text: child.value ?? '', start: loc.startOffset, end: loc.endOffset });
        continue;
      }
      if (!child.tagName) continue;
      const start = loc?.startTag?.startOffset ?? loc?.startOffset ?? parent?.start ?? 0;
      const written = !!loc?.startTag;
      const nameStart = written ? start + 1 : start;
      const el: EmailElement = {
        name: child.tagName.toLowerCase(),
        start,
        end: loc?.endOffset ?? start,
        nameStart,
        nameEnd: written ? nameStart + child.tagName.length : start,
        written,
        attrs: [],
        parent,
        children: [],
      };
      for (const a of child.attrs ?? []) {
        const al = loc?.attrs?.[a.name];
        if (!al) continue;
        const raw = protectedText.slice(al.startOffset, al.endOffset);
        const eq = raw.indexOf('=');
        let valueStart = al.endOffset;
        let valueEnd = al.endOffset;
        if (eq !== -1) {
          let vs = al.startOffset + eq + 1;
          while (vs < al.endOffset && /\s/.test(protectedText[vs])) vs++;
          const q = protectedText[vs];
          valueStart = q === '"' || q === "'" ? vs + 1 : vs;
          valueEnd = q === '"' || q === "'" ? Math.max(valueStart, al.endOffset - 1) : al.endOffset;
        }
        el.attrs.push({ name: a.name.toLowerCase(), value: a.value, start: al.startOffset, end: al.endOffset, valueStart, valueEnd });
      }
      const style = attr(el, 'style');
      if (style && style.valueEnd > style.valueStart) el.style = declarationsAt(style.valueStart, style.valueEnd);
      if (parent) parent.children.push(el);
      else out.root = el;
      if (written) out.elements.push(el);
      if (el.name === 'style' && written) {
        const body = child.childNodes?.find((n) => n.nodeName === '#text')?.sourceCodeLocation;
        if (body) out.styles.push({ element: el, sheet: scanCss(protectedText, body.startOffset, body.endOffset) });
        continue;
      }
      visit(child.tagName === 'template' && child.content ? child.content : child, el);
    }
  };
  visit(doc, undefined);
  return out;
}

/** The text inside an element (descendants included), and whether an image or a tag stands in it. */
export function textContent(el: EmailElement): string {
  let s = '';
  const walk = (e: EmailElement): void => {
    for (const c of e.children) {
      if (isElement(c)) {
        if (c.name === 'style' || c.name === 'script') continue;
        walk(c);
      } else s += c.text;
    }
  };
  walk(el);
  return s;
}

export function descendants(el: EmailElement, name: string): EmailElement[] {
  const out: EmailElement[] = [];
  const walk = (e: EmailElement): void => {
    for (const c of e.children) {
      if (!isElement(c)) continue;
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}
