/**
 * Accessibility checks on the email as parse5 reads it (email-html.ts): language and direction, title, VML image
 * text, link text, heading levels, layout tables, colour contrast (WCAG AA, with culori) and small body text.
 * Colours and sizes are read only where the email itself states them, from `style=""`, `bgcolor` and the `<style>`
 * rules whose selectors are plain (type, class, id, `*`, descendant and child combinators; rules inside `@media`
 * are left out: they apply only sometimes). A value holding an Ongage tag is unknown, never guessed.
 */
import { modeHsl, modeLrgb, modeRgb, parse as parseColor, useMode, wcagContrast, type Color } from 'culori/fn';
import type { Tag } from './ast';
import type { CssDeclaration } from './css';
import { attr, descendants, hasTag, isElement, textContent, type EmailDocument, type EmailElement } from './email-html';
import { attribute, scanHtml } from './html';

useMode(modeRgb);
useMode(modeLrgb);
useMode(modeHsl);

export type A11yRule = 'html-lang' | 'html-dir' | 'missing-title' | 'vml-image-alt' | 'link-text' | 'heading-order' | 'layout-table' | 'color-contrast' | 'small-font';

export interface A11yFinding {
  rule: A11yRule;
  start: number;
  end: number;
  message: string;
}

/** Languages written right to left (primary subtags), and scripts that are. */
const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'khw', 'ks', 'ps', 'sd', 'syr', 'ug', 'ur', 'yi']);
const RTL_SCRIPTS = new Set(['arab', 'hebr', 'syrc', 'thaa', 'nkoo', 'adlm', 'rohg']);

/** Link text that says nothing about where the link goes. */
const VAGUE_LINK_TEXT = new Set(['click here', 'click', 'here', 'tap here', 'click this link', 'this link', 'link', 'more', 'read more', 'learn more', 'see more', 'more info', 'more information', 'details', 'go', 'this', 'continue']);

/** The WCAG AA minimum for normal text and for large text (24px, or 18.66px bold). */
export const AA_NORMAL = 4.5;
export const AA_LARGE = 3;
export const MIN_BODY_FONT_PX = 14;

// ------------------------------------------------------------------------------------------- styles

interface Declared {
  decl?: CssDeclaration;
  /** For `bgcolor`: the attribute's value span. */
  attr?: { value: string; start: number; end: number };
  value: string;
  important: boolean;
  specificity: number;
  order: number;
}

type StyleMap = Map<string, Declared>;

interface Compound {
  tag?: string;
  id?: string;
  classes: string[];
}

interface SimpleSelector {
  /** Rightmost compound first; `combinators[i]` joins parts[i] to parts[i + 1] (' ' or '>'). */
  parts: Compound[];
  combinators: string[];
  specificity: number;
}

function parseSelector(s: string): SimpleSelector | undefined {
  if (hasTag(s) || /[[:+~,()]/.test(s)) return undefined;
  const tokens = s.trim().split(/\s*(>)\s*|\s+/).filter((t) => t !== undefined && t !== '');
  const parts: Compound[] = [];
  const combinators: string[] = [];
  let pending = ' ';
  let spec = 0;
  for (const t of tokens) {
    if (t === '>') {
      pending = '>';
      continue;
    }
    const m = /^(\*|[a-zA-Z][\w-]*)?((?:[.#]-?[\w-]+)*)$/.exec(t);
    if (!m) return undefined;
    const c: Compound = { classes: [] };
    if (m[1] && m[1] !== '*') {
      c.tag = m[1].toLowerCase();
      spec += 1;
    }
    for (const x of m[2].match(/[.#]-?[\w-]+/g) ?? []) {
      if (x[0] === '#') {
        c.id = x.slice(1);
        spec += 10000;
      } else {
        c.classes.push(x.slice(1));
        spec += 100;
      }
    }
    if (parts.length) combinators.unshift(pending);
    parts.unshift(c);
    pending = ' ';
  }
  return parts.length ? { parts, combinators, specificity: spec } : undefined;
}

const classCache = new WeakMap<EmailElement, string[]>();
function classesOf(el: EmailElement): string[] {
  let list = classCache.get(el);
  if (!list) {
    const c = attr(el, 'class')?.value;
    list = c ? c.split(/\s+/).filter(Boolean) : [];
    classCache.set(el, list);
  }
  return list;
}

function matchesCompound(el: EmailElement, c: Compound): boolean {
  if (c.tag && el.name !== c.tag) return false;
  if (c.id && attr(el, 'id')?.value !== c.id) return false;
  if (c.classes.length) {
    const own = classesOf(el);
    if (!c.classes.every((x) => own.includes(x))) return false;
  }
  return true;
}

function matches(el: EmailElement, sel: SimpleSelector, i = 0): boolean {
  if (!matchesCompound(el, sel.parts[i])) return false;
  if (i === sel.parts.length - 1) return true;
  const comb = sel.combinators[i];
  let up = el.parent;
  if (comb === '>') return !!up && matches(up, sel, i + 1);
  for (; up; up = up.parent) if (matches(up, sel, i + 1)) return true;
  return false;
}

const WANTED = new Set(['color', 'background-color', 'background', 'background-image', 'font-size', 'font-weight', 'font', 'display', 'visibility', 'mso-hide', 'max-height', 'opacity']);

const EMPTY: StyleMap = new Map();

class Styles {
  private readonly byKey = new Map<string, Array<{ sel: SimpleSelector; decls: CssDeclaration[]; order: number }>>();
  private readonly cache = new Map<EmailElement, StyleMap>();

  constructor(doc: EmailDocument) {
    let order = 0;
    for (const { sheet } of doc.styles) {
      for (const rule of sheet.rules) {
        if (rule.within.length) continue;
        const decls = rule.declarations.filter((d) => WANTED.has(d.prop));
        if (!decls.length) continue;
        for (const s of rule.selectors) {
          const sel = parseSelector(s.text);
          if (!sel) continue;
          const right = sel.parts[0];
          const key = right.id ? `#${right.id}` : right.classes.length ? `.${right.classes[0]}` : right.tag ?? '*';
          let list = this.byKey.get(key);
          if (!list) this.byKey.set(key, (list = []));
          list.push({ sel, decls, order: order++ });
        }
      }
    }
  }

  /** The declared values of one element (not inherited), cascade applied. */
  own(el: EmailElement): StyleMap {
    const hit = this.cache.get(el);
    if (hit) return hit;
    if (!el.style?.length && !this.byKey.size && !el.attrs.length) return EMPTY;
    const map: StyleMap = new Map();
    const put = (prop: string, d: Declared): void => {
      const cur = map.get(prop);
      if (!cur || (d.important && !cur.important) || (d.important === cur.important && (d.specificity > cur.specificity || (d.specificity === cur.specificity && d.order > cur.order)))) map.set(prop, d);
    };
    const keys = ['*', el.name, ...classesOf(el).map((c) => `.${c}`)];
    const id = attr(el, 'id')?.value;
    if (id) keys.push(`#${id}`);
    for (const k of keys) {
      for (const r of this.byKey.get(k) ?? []) {
        if (!matches(el, r.sel)) continue;
        for (const d of r.decls) put(d.prop, { decl: d, value: d.value, important: !!d.important, specificity: r.sel.specificity, order: r.order });
      }
    }
    const bg = attr(el, 'bgcolor');
    if (bg) put('background-color', { attr: { value: bg.value, start: bg.valueStart, end: bg.valueEnd }, value: bg.value, important: false, specificity: -1, order: -1 });
    for (const d of el.style ?? []) if (WANTED.has(d.prop)) put(d.prop, { decl: d, value: d.value, important: !!d.important, specificity: 1_000_000, order: 0 });
    this.cache.set(el, map);
    return map;
  }
}

/** Colours read once per value (emails repeat the same few); culori's colours are only read, never changed. */
const colorCache = new Map<string, Color | 'unknown'>();
const backgroundCache = new Map<string, Color | undefined | 'unknown'>();
const CACHE_LIMIT = 2000;

function cached<T>(cache: Map<string, T>, value: string, read: (v: string) => T): T {
  if (cache.has(value)) return cache.get(value)!;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const v = read(value);
  cache.set(value, v);
  return v;
}

function colorOf(value: string): Color | undefined | 'unknown' {
  return cached(colorCache, value, (v) => {
    if (hasTag(v)) return 'unknown';
    return parseColor(v.trim()) ?? 'unknown';
  });
}

/** The background colour in a `background` shorthand, undefined for none, 'unknown' for an image or gradient. */
function backgroundColor(value: string): Color | undefined | 'unknown' {
  return cached(backgroundCache, value, (v) => {
    if (hasTag(v) || /url\(|gradient\(/i.test(v)) return 'unknown';
    for (const token of v.split(/\s+(?![^(]*\))/)) {
      const c = parseColor(token);
      if (c) return c;
    }
    return undefined;
  });
}

function px(value: string, parentPx: number): number | undefined {
  if (hasTag(value)) return undefined;
  const v = value.trim().toLowerCase();
  const m = /^(\d*\.?\d+)(px|pt|em|rem|%)?$/.exec(v);
  if (m) {
    const n = Number(m[1]);
    switch (m[2]) {
      case 'px':
        return n;
      case 'pt':
        return (n * 4) / 3;
      case 'em':
        return n * parentPx;
      case 'rem':
        return n * 16;
      case '%':
        return (n / 100) * parentPx;
      default:
        return n === 0 ? 0 : undefined;
    }
  }
  const named: Record<string, number> = { 'xx-small': 9, 'x-small': 10, small: 13, medium: 16, large: 18, 'x-large': 24, 'xx-large': 32, smaller: parentPx / 1.2, larger: parentPx * 1.2 };
  return named[v];
}

function fontSizeFromShorthand(value: string): string | undefined {
  const m = /(?:^|\s)(\d*\.?\d+(?:px|pt|em|rem|%))(?:\/\S+)?\s/.exec(`${value} `);
  return m?.[1];
}

const HEADING_PX: Record<string, number> = { h1: 32, h2: 24, h3: 18.72, h4: 16, h5: 13.28, h6: 10.72 };

interface Computed {
  color?: { color: Color; src: Declared } | 'unknown';
  background?: { color: Color; src: Declared } | 'unknown';
  fontPx: number;
  fontSrc?: Declared;
  fontKnown: boolean;
  bold: boolean;
  hidden: boolean;
}

function spanOf(d: Declared): { start: number; end: number } {
  if (d.attr) return { start: d.attr.start, end: d.attr.end };
  return { start: d.decl!.valueStart, end: d.decl!.valueEnd };
}

// ------------------------------------------------------------------------------------------- checks

export interface A11yOptions {
  enabled(rule: A11yRule): boolean;
}

export function accessibilityFindings(text: string, tags: readonly Tag[], doc: EmailDocument, options: A11yOptions): A11yFinding[] {
  const out: A11yFinding[] = [];
  const on = options.enabled;
  const html = doc.elements.find((e) => e.name === 'html');
  const isDocument = !!html || doc.elements.some((e) => e.name === 'head' || e.name === 'body');

  if (html && (on('html-lang') || on('html-dir'))) {
    const lang = attr(html, 'lang') ?? attr(html, 'xml:lang');
    const value = lang?.value.trim() ?? '';
    if (!lang || value === '') {
      if (on('html-lang')) {
        out.push({ rule: 'html-lang', start: html.nameStart, end: html.nameEnd, message: `<html> without a lang attribute: screen readers read the email in the reader's default language and may mispronounce every word. Add lang="en" (or the email's language).` });
      }
    } else if (!hasTag(value)) {
      let valid = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(value);
      if (valid) {
        try {
          Intl.getCanonicalLocales(value);
        } catch {
          valid = false;
        }
      }
      if (!valid && on('html-lang')) {
        out.push({ rule: 'html-lang', start: lang.valueStart, end: lang.valueEnd, message: `lang="${value}" is not a language tag (BCP 47): write it like "en", "en-US" or "pt-BR".` });
      }
      const parts = value.toLowerCase().split('-');
      const rtl = valid && (RTL_LANGUAGES.has(parts[0]) || parts.slice(1).some((p) => RTL_SCRIPTS.has(p)));
      const body = doc.elements.find((e) => e.name === 'body');
      const dir = (attr(html, 'dir') ?? (body && attr(body, 'dir')))?.value.trim().toLowerCase();
      if (rtl && dir !== 'rtl' && dir !== 'auto' && on('html-dir')) {
        out.push({ rule: 'html-dir', start: lang.valueStart, end: lang.valueEnd, message: `lang="${value}" is written right to left: add dir="rtl" to <html>, or clients lay the text out left to right (punctuation and numbers end up on the wrong side).` });
      }
    }
  }
  if (on('html-dir')) {
    for (const el of doc.elements) {
      const dir = attr(el, 'dir');
      if (dir && !hasTag(dir.value) && !['ltr', 'rtl', 'auto'].includes(dir.value.trim().toLowerCase())) {
        out.push({ rule: 'html-dir', start: dir.valueStart, end: dir.valueEnd, message: `dir="${dir.value}" is not a direction: use "rtl", "ltr" or "auto".` });
      }
    }
  }

  if (isDocument && on('missing-title')) {
    const title = doc.elements.find((e) => e.name === 'title');
    if (!title) {
      const head = doc.elements.find((e) => e.name === 'head') ?? html ?? doc.elements[0];
      out.push({ rule: 'missing-title', start: head.nameStart, end: head.nameEnd, message: 'No <title>: screen readers announce it when the email opens, and web views and some clients show it. Add <title> with the subject.' });
    } else if (textContent(title).trim() === '') {
      out.push({ rule: 'missing-title', start: title.nameStart, end: title.nameEnd, message: 'Empty <title>: screen readers announce it when the email opens. Put the subject in it.' });
    }
  }

  if (on('vml-image-alt') && /<v:image/i.test(text)) {
    const open: Array<{ name: string; alt: boolean }> = [];
    for (const el of scanHtml(text, tags)) {
      if (!el.name.startsWith('v:')) continue;
      if (el.closing) {
        const i = open.map((o) => o.name).lastIndexOf(el.name);
        if (i !== -1) open.length = i;
        continue;
      }
      const alt = !!attribute(el, 'alt') || !!attribute(el, 'title');
      if (el.name === 'v:image' || el.name === 'v:imagedata') {
        if (!alt && !open.some((o) => o.alt)) {
          out.push({ rule: 'vml-image-alt', start: el.nameStart, end: el.nameEnd, message: `VML image (<${el.name}>) without alt text: Outlook for Windows shows it, and its screen-reader users hear nothing. Add alt="…" (alt="" for a decorative image).` });
        }
      } else if (!text.slice(el.start, el.end).endsWith('/>')) open.push({ name: el.name, alt });
    }
  }

  if (on('link-text')) {
    for (const a of doc.elements) {
      if (a.name !== 'a' || !attr(a, 'href')) continue;
      const label = attr(a, 'aria-label')?.value.trim() || attr(a, 'title')?.value.trim();
      if (label) continue;
      const t = textContent(a);
      if (hasTag(t)) continue;
      const imgs = descendants(a, 'img');
      const alts = imgs.map((i) => attr(i, 'alt')?.value ?? '');
      if (alts.some((x) => hasTag(x))) continue;
      const name = `${t} ${alts.join(' ')}`.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      if (name === '') {
        out.push({
          rule: 'link-text',
          start: a.nameStart,
          end: a.nameEnd,
          message: imgs.length
            ? 'Image link without alt text: a screen reader reads out the link address. Give the image an alt that says where the link goes.'
            : 'Link without text: a screen reader reads out the link address. Put words in it, or an aria-label.',
        });
      } else if (VAGUE_LINK_TEXT.has(name)) {
        out.push({ rule: 'link-text', start: a.nameStart, end: a.nameEnd, message: `Link text "${t.trim() || alts.join(' ').trim()}" says nothing about where it goes (screen-reader users list links out of context). Say what it opens, e.g. "Read the full story".` });
      }
    }
  }

  if (on('heading-order')) {
    let last = 0;
    for (const el of doc.elements) {
      const m = /^h([1-6])$/.exec(el.name);
      if (!m) continue;
      const level = Number(m[1]);
      if (last && level > last + 1) {
        out.push({ rule: 'heading-order', start: el.nameStart, end: el.nameEnd, message: `<h${level}> after <h${last}> skips a level: screen-reader users move by headings and miss a level. Use <h${last + 1}> (style it as you like).` });
      }
      last = level;
    }
  }

  if (on('layout-table')) {
    for (const t of doc.elements) {
      if (t.name !== 'table') continue;
      const role = attr(t, 'role')?.value.trim().toLowerCase();
      if (role || attr(t, 'summary')) continue;
      if (descendants(t, 'th').length || descendants(t, 'caption').length || descendants(t, 'thead').length) continue;
      out.push({ rule: 'layout-table', start: t.nameStart, end: t.nameEnd, message: 'Layout table without role="presentation": screen readers announce its rows and columns before every cell. Add role="presentation".' });
    }
  }

  if (on('color-contrast') || on('small-font')) visualChecks(doc, out, on);
  out.sort((a, b) => a.start - b.start);
  return out;
}

function visualChecks(doc: EmailDocument, out: A11yFinding[], on: (rule: A11yRule) => boolean): void {
  const body = doc.root && findBody(doc.root);
  if (!body) return;
  const styles = new Styles(doc);
  const contrastSeen = new Set<string>();
  const fontSeen = new Set<Declared>();
  const walk = (el: EmailElement, parent: Computed): void => {
    const own = styles.own(el);
    const c: Computed = { ...parent };
    const color = own.get('color');
    if (color) {
      const v = colorOf(color.value);
      c.color = v === 'unknown' || v === undefined || (v.alpha ?? 1) < 1 ? 'unknown' : { color: v, src: color };
    }
    const bgc = own.get('background-color');
    const bg = own.get('background');
    const bgi = own.get('background-image');
    const pick = bg && (!bgc || bg.specificity > bgc.specificity || (bg.specificity === bgc.specificity && bg.order >= bgc.order)) ? bg : bgc;
    if (bgi && !/^\s*none\s*$/i.test(bgi.value)) c.background = 'unknown';
    else if (pick) {
      const v = pick === bg ? backgroundColor(pick.value) : colorOf(pick.value);
      if (v === 'unknown') c.background = 'unknown';
      else if (v && (v.alpha ?? 1) >= 1) c.background = { color: v, src: pick };
      else if (v && (v.alpha ?? 1) > 0) c.background = 'unknown';
    }
    const fs = own.get('font-size') ?? (own.get('font') && fontSizeFromShorthand(own.get('font')!.value) ? { ...own.get('font')!, value: fontSizeFromShorthand(own.get('font')!.value)! } : undefined);
    if (fs) {
      const v = px(fs.value, parent.fontPx);
      if (v === undefined) c.fontKnown = false;
      else {
        c.fontPx = v;
        c.fontSrc = fs;
        c.fontKnown = true;
      }
    } else if (HEADING_PX[el.name] !== undefined) {
      c.fontPx = HEADING_PX[el.name];
      c.fontSrc = undefined;
      c.fontKnown = false;
    }
    const fw = own.get('font-weight')?.value ?? (own.get('font') && /\bbold\b|\b[7-9]00\b/.test(own.get('font')!.value) ? 'bold' : undefined);
    if (fw) c.bold = /bold|[6-9]00/.test(fw);
    else if (/^h[1-6]$|^(b|strong|th)$/.test(el.name)) c.bold = true;
    const display = own.get('display')?.value.trim().toLowerCase();
    const vis = own.get('visibility')?.value.trim().toLowerCase();
    const maxH = own.get('max-height')?.value.trim();
    const opacity = own.get('opacity')?.value.trim();
    if (display === 'none' || vis === 'hidden' || own.get('mso-hide')?.value.trim().toLowerCase() === 'all' || (maxH !== undefined && /^0(px)?$/.test(maxH)) || opacity === '0' || attr(el, 'hidden') || attr(el, 'aria-hidden')?.value === 'true') {
      c.hidden = true;
    }
    if (el.name === 'sup' || el.name === 'sub') c.hidden = c.hidden || false;
    const hasText = el.children.some((n) => !isElement(n) && n.text.trim() !== '');
    if (hasText && !c.hidden && el.name !== 'sup' && el.name !== 'sub') {
      if (on('color-contrast') && c.color && c.color !== 'unknown' && c.background && c.background !== 'unknown') {
        const ratio = wcagContrast(c.color.color, c.background.color);
        const large = c.fontPx >= 24 || (c.bold && c.fontPx >= 18.66);
        const need = large ? AA_LARGE : AA_NORMAL;
        const key = `${spanOf(c.color.src).start}:${spanOf(c.background.src).start}`;
        if (ratio < need && !contrastSeen.has(key)) {
          contrastSeen.add(key);
          const at = spanOf(c.color.src);
          out.push({
            rule: 'color-contrast',
            ...at,
            message: `Text colour ${c.color.src.value.trim()} on ${c.background.src.value.trim()} has a contrast of ${ratio.toFixed(2)}:1, below WCAG AA's ${need}:1 for ${large ? 'large' : 'normal'} text: many readers cannot read it. Darken the text or lighten the background.`,
          });
        }
      }
      if (on('small-font') && c.fontKnown && c.fontSrc && c.fontPx > 2 && c.fontPx < MIN_BODY_FONT_PX && !fontSeen.has(c.fontSrc)) {
        fontSeen.add(c.fontSrc);
        const at = c.fontSrc.attr ? { start: c.fontSrc.attr.start, end: c.fontSrc.attr.end } : { start: c.fontSrc.decl!.valueStart, end: c.fontSrc.decl!.valueEnd };
        out.push({ rule: 'small-font', ...at, message: `Body text at ${+c.fontPx.toFixed(2)}px: under ${MIN_BODY_FONT_PX}px is hard to read on phones, and iOS enlarges it on its own (breaking the layout). Use ${MIN_BODY_FONT_PX}px or more.` });
      }
    }
    for (const n of el.children) if (isElement(n)) walk(n, c);
  };
  walk(body, { fontPx: 16, fontKnown: false, bold: false, hidden: false });
}

function findBody(root: EmailElement): EmailElement | undefined {
  if (root.name === 'body') return root;
  for (const c of root.children) {
    if (!isElement(c)) continue;
    const b = findBody(c);
    if (b) return b;
  }
  return undefined;
}
