/**
 * `<style>` rules inside an `{{ocx_if}}` block stay in `<style>` when the email is inlined (Ongage decides them per
 * recipient), so they compete with the inlined `style` attributes like any style sheet rule: an inline declaration
 * of the same property wins unless the rule's is `!important`. This finds the declarations that lose that way on
 * some element of the inlined email (the VIP colour that never shows), with the fix: `!important`.
 *
 * Selectors read: comma-separated compound selectors of a tag name, classes and an id (`td.vip`, `.cta`, `#hero`);
 * rules with other selectors (descendants, attributes, pseudo-classes) are left alone rather than guessed at.
 */
import type { Tag } from '../language/ast';
import { attribute, scanHtml, type HtmlElement } from '../language/html';
import type { ParseResult } from '../language/parser';

export interface StyleConflict {
  /** Offsets in the template of the declaration (`color: #b8860b`). */
  start: number;
  end: number;
  /** Where ` !important` goes (after the value). */
  fixAt: number;
  selector: string;
  property: string;
  /** The element that loses it, as `<td class="vip">`. */
  element: string;
}

interface Compound {
  tag?: string;
  id?: string;
  classes: string[];
}

function compound(sel: string): Compound | undefined {
  const s = sel.trim();
  const m = /^([a-z][a-z0-9]*|\*)?((?:[.#][_a-z-][\w-]*)*)$/i.exec(s);
  if (!m || s === '' || (!m[1] && !m[2])) return undefined;
  const c: Compound = { tag: m[1] && m[1] !== '*' ? m[1].toLowerCase() : undefined, classes: [] };
  for (const part of m[2].match(/[.#][\w-]+/g) ?? []) {
    if (part[0] === '.') c.classes.push(part.slice(1));
    else if (c.id !== undefined) return undefined;
    else c.id = part.slice(1);
  }
  return c;
}

/** Inline declarations of a `style` attribute, by lower-case property: whether each is `!important`. */
function inlineDeclarations(style: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const d of style.split(';')) {
    const i = d.indexOf(':');
    if (i <= 0) continue;
    out.set(d.slice(0, i).trim().toLowerCase(), /!\s*important\s*$/i.test(d.slice(i + 1)));
  }
  return out;
}

export function conditionalStyleConflicts(template: string, parsed: ParseResult, inlined: string, inlinedParsed: ParseResult): StyleConflict[] {
  if (!/<style/i.test(template) || !template.includes('ocx_if')) return [];
  const top = parsed.tags.filter((t) => t.depth === 0);
  const rules = conditionalRules(template, top, parsed);
  if (rules.length === 0) return [];
  const out: StyleConflict[] = [];
  for (const rule of rules) {
    const elements = candidates(inlined, rule.selectors);
    for (const d of rule.declarations) {
      const hit = elements.find((el) => {
        const style = attribute(el, 'style')?.value;
        if (!style || !style.toLowerCase().includes(d.property)) return false;
        const inline = inlineDeclarations(style).get(d.property);
        if (inline === undefined) return false;
        const classes = (attribute(el, 'class')?.value ?? '').split(/\s+/);
        const id = attribute(el, 'id')?.value;
        return rule.selectors.some((c) => (!c.tag || c.tag === el.name) && (!c.id || c.id === id) && c.classes.every((k) => classes.includes(k)));
      });
      if (!hit) continue;
      const cls = attribute(hit, 'class')?.value;
      out.push({ start: d.start, end: d.end, fixAt: d.end, selector: rule.selector, property: d.property, element: `<${hit.name}${cls ? ` class="${cls}"` : ''}>` });
    }
  }
  return out;
}

/**
 * Start tags of the inlined email that may match one of the compounds and carry a `style`: found by searching for
 * each compound's class, id or tag name and reading only the tag around each hit (scanning the whole email on
 * every keystroke would cost more than the rest of the render).
 */
function candidates(html: string, selectors: readonly Compound[]): HtmlElement[] {
  const seen = new Set<number>();
  const out: HtmlElement[] = [];
  for (const c of selectors) {
    const needle = c.classes[0] ?? c.id ?? (c.tag ? `<${c.tag}` : undefined);
    if (!needle) continue;
    for (let i = html.indexOf(needle); i >= 0; i = html.indexOf(needle, i + needle.length)) {
      const lt = html.lastIndexOf('<', i);
      const gt = html.indexOf('>', i);
      if (lt < 0 || gt < 0 || seen.has(lt) || html.lastIndexOf('>', i - 1) > lt) continue;
      seen.add(lt);
      const el = scanHtml(html.slice(lt, gt + 1), [])[0];
      if (el && !el.closing && attribute(el, 'style') !== undefined) out.push(el);
    }
  }
  return out;
}

interface ConditionalRule {
  selector: string;
  selectors: Compound[];
  declarations: Array<{ property: string; start: number; end: number }>;
}

/** Plain rules (no at-rules, no tags inside) of every `<style>` that lie inside an ocx_if block. */
function conditionalRules(t: string, top: Tag[], parsed: ParseResult): ConditionalRule[] {
  const rules: ConditionalRule[] = [];
  const tagAt = new Map(top.map((x) => [x.start, x] as const));
  const inBlock = (offset: number) => parsed.blocks.some((b) => b.start < offset && offset < b.end);
  const re = /<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const cs = m.index + m[0].indexOf('>') + 1;
    const ce = cs + m[1].length;
    // Rules at the top level of the sheet: `selector { declarations }`, skipping at-rules and comments.
    let p = cs;
    let depth = 0;
    let ruleStart = cs;
    let brace = -1;
    while (p < ce) {
      const tag = tagAt.get(p);
      if (tag) {
        p = tag.end;
        if (depth === 0) ruleStart = p;
        continue;
      }
      const c = t[p];
      if (c === '/' && t[p + 1] === '*') {
        const e = t.indexOf('*/', p + 2);
        p = e < 0 ? ce : e + 2;
        if (depth === 0) ruleStart = p;
        continue;
      }
      if (c === '{') {
        if (depth === 0) brace = p;
        depth++;
      } else if (c === '}') {
        depth--;
        if (depth <= 0) {
          depth = 0;
          const selector = t.slice(ruleStart, brace).trim();
          if (brace > ruleStart && !selector.startsWith('@') && inBlock(ruleStart) && !hasTagIn(top, ruleStart, p)) {
            const selectors = selector.split(',').map(compound);
            if (selectors.every((s): s is Compound => s !== undefined)) rules.push({ selector, selectors, declarations: declarations(t, brace + 1, p) });
          }
          ruleStart = p + 1;
        }
      }
      p++;
    }
  }
  return rules;
}

/** Whether a tag starts in [start, end) (tags sorted by start). */
function hasTagIn(tags: readonly Tag[], start: number, end: number): boolean {
  let lo = 0;
  let hi = tags.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tags[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < tags.length && tags[lo].start < end;
}

function declarations(t: string, start: number, end: number): Array<{ property: string; start: number; end: number }> {
  const out: Array<{ property: string; start: number; end: number }> = [];
  let s = start;
  for (let p = start; p <= end; p++) {
    if (p < end && t[p] !== ';') continue;
    const text = t.slice(s, p);
    const colon = text.indexOf(':');
    if (colon > 0 && !/!\s*important/i.test(text)) {
      const lead = text.length - text.trimStart().length;
      const trail = text.length - text.trimEnd().length;
      out.push({ property: text.slice(0, colon).trim().toLowerCase(), start: s + lead, end: p - trail });
    }
    s = p + 1;
  }
  return out;
}
