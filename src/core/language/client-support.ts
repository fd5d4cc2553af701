/**
 * Which HTML and CSS features an email uses (elements, attributes, links, image formats; in `<style>` and
 * `style=""`: properties, values, functions, units, at-rules, media features, selectors, pseudo-classes), each at
 * its exact range, and how the target clients support them (caniemail.ts). A value or selector holding an Ongage
 * tag is not read as CSS. Content of Outlook conditional comments is left out: only Outlook for Windows reads it.
 */
import { caniemailData, clientVersions, featureIndex, featureStatus, type CaniemailData, type CaniemailFeature, type ClientVersion, type FeatureIndex, type FeatureStatus } from './caniemail';
import type { CssDeclaration, CssSheet } from './css';
import { attr, hasTag, type EmailDocument } from './email-html';

export interface FeatureUse {
  slug: string;
  start: number;
  end: number;
}

// ------------------------------------------------------------------------------------------- detection

function cssValueUses(ix: FeatureIndex, d: CssDeclaration, out: FeatureUse[]): void {
  if (d.prop.startsWith('--')) {
    const v = ix.special.get('css-variables');
    if (v) out.push({ slug: v, start: d.propStart, end: d.propEnd });
  } else {
    const p = ix.properties.get(d.prop);
    if (p) out.push({ slug: p, start: d.propStart, end: d.propEnd });
  }
  if (d.important) {
    const s = ix.special.get('css-important');
    if (s) out.push({ slug: s, start: d.important.start, end: d.important.end });
  }
  const value = d.value;
  if (!value || hasTag(value)) return;
  const first = /^[a-z-]+/i.exec(value)?.[0].toLowerCase();
  if (first) {
    const pv = ix.propertyValues.get(`${d.prop}:${first}`);
    if (pv) out.push({ slug: pv, start: d.valueStart, end: d.valueStart + first.length });
  }
  // Strings and url(…) are not read for units and keywords.
  const plain = value.replace(/url\([^)]*\)|"[^"]*"|'[^']*'/gi, (m) => ' '.repeat(m.length));
  for (const m of plain.matchAll(/(-?[a-z][a-z0-9-]*)\(|(?<![\w#.-])(\d*\.?\d+)(%|[a-z]+)?|(?<![\w-])([a-z][a-z0-9-]*)/gi)) {
    const at = d.valueStart + (m.index ?? 0);
    if (m[1]) {
      const name = m[1].toLowerCase();
      const slug = name === 'var' ? ix.special.get('css-variables') : ix.functions.get(name);
      if (slug) out.push({ slug, start: at, end: at + m[1].length });
    } else if (m[3]) {
      const slug = ix.units.get(m[3].toLowerCase());
      if (slug) out.push({ slug, start: at + m[2].length, end: at + m[2].length + m[3].length });
    } else if (m[4]) {
      const slug = ix.valueKeywords.get(m[4].toLowerCase());
      if (slug) out.push({ slug, start: at, end: at + m[4].length });
    }
  }
}

function selectorUses(ix: FeatureIndex, sel: { text: string; start: number }, out: FeatureUse[]): void {
  const s = sel.text;
  if (hasTag(s)) return;
  const push = (kind: string, start: number, end: number): void => {
    const slug = ix.selectors.get(kind);
    if (slug) out.push({ slug, start: sel.start + start, end: sel.start + end });
  };
  let i = 0;
  let compound = 0;
  let compoundStart = 0;
  const endCompound = (at: number): void => {
    if (compound > 1) push('chaining', compoundStart, at);
    compound = 0;
  };
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c) || c === '>' || c === '+' || c === '~') {
      const from = i;
      while (i < s.length && /\s/.test(s[i])) i++;
      const comb = s[i];
      if (comb === '>' || comb === '+' || comb === '~') {
        i++;
        while (i < s.length && /\s/.test(s[i])) i++;
      }
      if (i >= s.length) break;
      endCompound(from);
      if (comb === '>') push('child', from, i);
      else if (comb === '+') push('adjacent-sibling', from, i);
      else if (comb === '~') push('general-sibling', from, i);
      else push('descendant', from, i);
      compoundStart = i;
      continue;
    }
    if (c === '.' || c === '#') {
      const m = /^[.#]-?[A-Za-z_\u00a0-\uffff][\w\u00a0-\uffff-]*/.exec(s.slice(i));
      const len = m ? m[0].length : 1;
      push(c === '.' ? 'class' : 'id', i, i + len);
      compound++;
      i += len;
      continue;
    }
    if (c === '[') {
      const close = s.indexOf(']', i);
      const end = close === -1 ? s.length : close + 1;
      push('attribute', i, end);
      compound++;
      i = end;
      continue;
    }
    if (c === ':') {
      const m = /^::?(-?[a-z-]+)/i.exec(s.slice(i));
      if (!m) {
        i++;
        continue;
      }
      const name = m[1].toLowerCase();
      const slug = m[0].startsWith('::') ? ix.pseudos.get(`::${name}`) : (ix.pseudos.get(`:${name}`) ?? ix.pseudos.get(`::${name}`));
      if (slug) out.push({ slug, start: sel.start + i, end: sel.start + i + m[0].length });
      i += m[0].length;
      if (s[i] === '(') {
        let depth = 0;
        for (; i < s.length; i++) {
          if (s[i] === '(') depth++;
          else if (s[i] === ')' && --depth === 0) {
            i++;
            break;
          }
        }
      }
      continue;
    }
    if (c === '*') {
      push('universal', i, i + 1);
      compound++;
      i++;
      continue;
    }
    if (c === '&') {
      const slug = ix.special.get('css-nesting');
      if (slug) out.push({ slug, start: sel.start + i, end: sel.start + i + 1 });
      i++;
      continue;
    }
    const m = /^[A-Za-z][\w-]*/.exec(s.slice(i));
    if (m) {
      push('type', i, i + m[0].length);
      compound++;
      i += m[0].length;
      continue;
    }
    i++;
  }
  endCompound(s.length);
}

function sheetUses(ix: FeatureIndex, sheet: CssSheet, out: FeatureUse[]): void {
  const comment = ix.special.get('css-comments');
  if (comment) for (const c of sheet.comments) out.push({ slug: comment, start: c.start, end: c.end });
  for (const at of sheet.atRules) {
    const slug = ix.atRules.get(at.name);
    if (slug) out.push({ slug, start: at.start, end: at.end });
    if (at.name === 'media' && !hasTag(at.prelude.text)) {
      for (const m of at.prelude.text.matchAll(/\(\s*((?:-[a-z]+-)?)((?:min-|max-)?)([a-z-]+)/gi)) {
        const name = `${m[1]}${m[3]}`.toLowerCase();
        const slug = ix.mediaFeatures.get(name);
        const s = at.prelude.start + (m.index ?? 0) + m[0].length - m[1].length - m[2].length - m[3].length;
        if (slug) out.push({ slug, start: s, end: s + m[1].length + m[2].length + m[3].length });
      }
    }
  }
  for (const d of sheet.atDeclarations) cssValueUses(ix, d, out);
  for (const rule of sheet.rules) {
    const inKeyframes = rule.within.some((w) => w.endsWith('keyframes'));
    if (!inKeyframes) {
      if (rule.selectors.length > 1) {
        const g = ix.selectors.get('grouping');
        if (g) out.push({ slug: g, start: rule.selectors[1].start, end: rule.selectors[1].end });
      }
      for (const sel of rule.selectors) selectorUses(ix, sel, out);
    }
    for (const d of rule.declarations) cssValueUses(ix, d, out);
  }
}

/** Every feature use of the email, in document order. */
export function featureUses(doc: EmailDocument, data: CaniemailData = caniemailData()): FeatureUse[] {
  const ix = featureIndex(data);
  const out: FeatureUse[] = [];
  const text = doc.protectedText;
  const styleCache = new Map<string, FeatureUse[]>();
  for (const el of doc.elements) {
    const name = { start: el.nameStart, end: el.nameEnd };
    for (const slug of ix.elements.get(el.name) ?? []) out.push({ slug, ...name });
    if (el.name === 'input' || el.name === 'button') {
      const type = (attr(el, 'type')?.value ?? (el.name === 'button' ? 'submit' : 'text')).toLowerCase();
      const slug = ix.typedElements.get(`${el.name}:${type}`);
      if (slug) out.push({ slug, ...name });
    }
    for (const a of el.attrs) {
      for (const slug of ix.attributes.get(a.name) ?? []) out.push({ slug, start: a.start, end: a.start + a.name.length });
    }
    if (el.name === 'a') {
      const href = attr(el, 'href');
      const v = href?.value.trim() ?? '';
      if (href && !hasTag(v.slice(0, 1))) {
        const slug = v.startsWith('#') ? ix.special.get('html-anchor-links') : /^mailto:/i.test(v) ? ix.special.get('html-mailto-links') : undefined;
        if (slug) out.push({ slug, start: href.valueStart, end: href.valueEnd });
      }
    }
    if (el.name === 'meta' && attr(el, 'name')?.value.toLowerCase() === 'color-scheme') {
      const slug = ix.special.get('html-meta-color-scheme');
      if (slug) out.push({ slug, ...name });
    }
    if (el.name === 'img') {
      const src = attr(el, 'src');
      const v = src?.value.trim() ?? '';
      if (src && v) {
        const data64 = /^data:image\/([a-z+.-]+);base64,/i.exec(v);
        if (data64) {
          const slug = ix.special.get('base64');
          if (slug) out.push({ slug, start: src.valueStart, end: src.valueStart + data64[0].length });
        }
        const path = v.replace(/[?#].*$/s, '');
        const ext = data64 ? data64[1].toLowerCase().replace('svg+xml', 'svg').replace('jpeg', 'jpg') : /\.([a-z0-9]+)$/i.exec(path)?.[1].toLowerCase();
        const slug = ext && !hasTag(ext) ? ix.imageFormats.get(ext) : undefined;
        if (slug) out.push({ slug, start: src.valueStart, end: src.valueEnd });
      }
    }
    if (el.style && el.style.length) {
      // Emails repeat the same style="" many times: its uses are found once, relative to the attribute's value.
      const sa = attr(el, 'style')!;
      const key = text.slice(sa.valueStart, sa.valueEnd);
      let rel = styleCache.get(key);
      if (!rel) {
        const found: FeatureUse[] = [];
        for (const d of el.style) cssValueUses(ix, d, found);
        rel = found.map((u) => ({ slug: u.slug, start: u.start - sa.valueStart, end: u.end - sa.valueStart }));
        styleCache.set(key, rel);
      }
      for (const u of rel) out.push({ slug: u.slug, start: u.start + sa.valueStart, end: u.end + sa.valueStart });
    }
  }
  for (const s of doc.styles) sheetUses(ix, s.sheet, out);
  out.sort((a, b) => a.start - b.start || a.end - b.end);
  return out;
}

// ------------------------------------------------------------------------------------------- support

export interface ClientGroupLine {
  family: string;
  /** "Windows 2016–2024, Outlook.com" */
  where: string;
}

export interface FeatureSupport {
  feature: CaniemailFeature;
  unsupported: ClientGroupLine[];
  partial: ClientGroupLine[];
  /** Client versions that do not get it in full. */
  cost: number;
  /** caniemail's notes for the clients named. */
  notes: string[];
  unsupportedMessage?: string;
  partialMessage?: string;
}

export interface SupportTable {
  data: CaniemailData;
  clients: ClientVersion[];
  support(slug: string): FeatureSupport | undefined;
  /** Per client version (in `clients` order): whether it gets the feature in full. */
  full(slug: string): boolean[] | undefined;
}

const tables = new Map<string, SupportTable>();

function nice(data: CaniemailData, kind: 'family' | 'platform', key: string): string {
  return data.nicenames[kind][key] ?? key;
}

/** "Windows 2016–2024" from the releases of one platform that are affected, in the order of all its releases. */
function platformLabel(data: CaniemailData, platform: string, affected: ClientVersion[], all: ClientVersion[]): string {
  const name = nice(data, 'platform', platform);
  const releases = all.filter((c) => c.platform === platform && c.release).map((c) => c.release!);
  const hit = affected.filter((c) => c.release).map((c) => c.release!);
  const evergreen = affected.some((c) => !c.release);
  if (!releases.length) return name;
  const runs: string[] = [];
  let i = 0;
  while (i < releases.length) {
    if (!hit.includes(releases[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < releases.length && hit.includes(releases[j + 1])) j++;
    runs.push(i === j ? releases[i] : `${releases[i]}–${releases[j]}`);
    i = j + 1;
  }
  if (evergreen) runs.push('current');
  return `${name} ${runs.join(', ')}`;
}

export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function groupLines(data: CaniemailData, affected: ClientVersion[], all: ClientVersion[]): ClientGroupLine[] {
  const families = [...new Set(affected.map((c) => c.family))];
  return families.map((family) => {
    const mine = affected.filter((c) => c.family === family);
    const platforms = [...new Set(mine.map((c) => c.platform))];
    return { family: nice(data, 'family', family), where: joinAnd(platforms.map((p) => platformLabel(data, p, mine.filter((c) => c.platform === p), all.filter((c) => c.family === family)))) };
  });
}

/** `border-radius`, `<div>` element, `:hover`; prose titles as written. */
export function featureLabel(f: CaniemailFeature): string {
  const t = f.title.trim();
  const code = /^(<[^>]+>)( element)?$|^([a-z-]+)( attribute| property)?$|^([@:!].*|[a-z-]+\(\)|[a-z-]+:\s?[a-z-]+)$/.exec(t);
  if (!code) return t;
  if (code[1]) return `\`${code[1]}\`${code[2] ?? ''}`;
  if (code[3]) return `\`${code[3]}\`${code[4] ?? ''}`;
  return `\`${code[5]}\``;
}

function describe(lines: ClientGroupLine[], verb: string, what: string): string {
  return lines.map((l) => `${l.family}: ${l.where} ${verb} ${what}`).join('; ');
}

export function supportTable(targets: readonly string[], data: CaniemailData = caniemailData()): SupportTable {
  const key = targets.join(',');
  const hit = tables.get(key);
  if (hit && hit.data === data) return hit;
  const clients = clientVersions(data, targets);
  const ix = featureIndex(data);
  const cache = new Map<string, FeatureSupport | undefined>();
  const fullCache = new Map<string, boolean[] | undefined>();
  const table: SupportTable = {
    data,
    clients,
    full(slug) {
      if (fullCache.has(slug)) return fullCache.get(slug);
      const feature = ix.bySlug.get(slug);
      const row = feature && clients.map((c) => {
        const s = featureStatus(feature, c).support;
        return s !== 'n' && s !== 'a';
      });
      fullCache.set(slug, row);
      return row;
    },
    support(slug) {
      if (cache.has(slug)) return cache.get(slug);
      const feature = ix.bySlug.get(slug);
      let result: FeatureSupport | undefined;
      if (feature) {
        const statuses: Array<[ClientVersion, FeatureStatus]> = clients.map((c) => [c, featureStatus(feature, c)]);
        const no = statuses.filter(([, s]) => s.support === 'n').map(([c]) => c);
        const part = statuses.filter(([, s]) => s.support === 'a').map(([c]) => c);
        const notesOf = (support: string): string[] => {
          const n = [...new Set(statuses.filter(([, s]) => s.support === support).flatMap(([, s]) => s.notes))];
          if (feature.notes) n.unshift(feature.notes);
          return n;
        };
        const what = featureLabel(feature);
        const tail = (notes: string[]): string => `${notes.length ? ` Notes: ${notes.join(' ')}` : ''} ${feature.url}`;
        const notes = [...new Set([...notesOf('n'), ...notesOf('a')])];
        result = { feature, unsupported: groupLines(data, no, clients), partial: groupLines(data, part, clients), cost: no.length + part.length, notes };
        if (no.length) result.unsupportedMessage = `${describe(result.unsupported, 'ignore', what)}.${tail(notesOf('n'))}`;
        if (part.length) result.partialMessage = `${describe(result.partial, 'support only partly', what)}.${tail(notesOf('a'))}`;
      }
      cache.set(slug, result);
      return result;
    },
  };
  tables.set(key, table);
  return table;
}

export interface SupportScore {
  /** Share of the target client versions that get every feature the email uses in full, 0–100. */
  score: number;
  clients: number;
  fullSupport: number;
  /** The features that keep the most client versions from full support, most first (up to five). */
  costliest: Array<{ feature: string; title: string; url: string; clients: number }>;
}

export function supportScore(uses: readonly FeatureUse[], table: SupportTable): SupportScore {
  const slugs = [...new Set(uses.map((u) => u.slug))];
  const ix = featureIndex(table.data);
  const failing = new Set<number>();
  const costs: SupportScore['costliest'] = [];
  for (const slug of slugs) {
    const f = ix.bySlug.get(slug);
    const row = table.full(slug);
    if (!f || !row) continue;
    let n = 0;
    row.forEach((ok, i) => {
      if (!ok) {
        failing.add(i);
        n++;
      }
    });
    if (n) costs.push({ feature: slug, title: f.title, url: f.url, clients: n });
  }
  costs.sort((a, b) => b.clients - a.clients || a.feature.localeCompare(b.feature));
  const total = table.clients.length;
  const full = total - failing.size;
  return { score: total ? Math.round((full / total) * 100) : 100, clients: total, fullSupport: full, costliest: costs.slice(0, 5) };
}

/** One line for a status bar or toolbar: "Client support 23% (3 of 13): border-radius, …". */
export function supportSummary(s: SupportScore): string {
  const costly = s.costliest.slice(0, 3).map((c) => c.title);
  return `Client support ${s.score}% (${s.fullSupport} of ${s.clients} client versions get everything)${costly.length ? `; costs most: ${costly.join(', ')}` : ''}`;
}
