/**
 * The email's HTML as a real parser reads it (parse5, with source locations), for the client-support and
 * accessibility checks. Ongage tags are protected first: every top-level tag the language parser found is replaced
 * by filler characters of the same length, so parse5 never reads a tag's `<`, `>` or quotes as markup, offsets stay
 * those of the document, and a value or text holding a tag is recognisable (`hasTag`) and left alone. Content inside
 * Outlook conditional comments (`<!--[if mso]>…`) is a comment to parse5: only Outlook for Windows reads it.
 */
import { parse as parseHtml } from 'parse5';
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

export function readEmail(text: string, tags: readonly Tag[]): EmailDocument {
  const protectedText = protectTags(text, tags);
  const doc = parseHtml(protectedText, { sourceCodeLocationInfo: true }) as unknown as P5Node;
  const out: EmailDocument = { protectedText, elements: [], styles: [] };
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
      if (style && style.valueEnd > style.valueStart) el.style = scanDeclarations(protectedText, style.valueStart, style.valueEnd);
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
