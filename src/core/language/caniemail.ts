/**
 * Client support from the caniemail data set (npm `caniemail`, data MIT). Its code needs a newer Node than the
 * extension host and the command line have, so only its JSON is used (in the extension a bundle of its own,
 * dist/caniemail-data.js, required on first use) and read here by a small matcher: every feature's kind (CSS
 * property, property value, function, unit, at-rule, media feature, pseudo-class, selector, HTML element, attribute,
 * image format…) is derived from its slug, title and keywords, so a new data release brings its features along.
 *
 * Client versions: caniemail lists, per client and platform, the versions or test dates it tested. Dated versions
 * (`2024-05`) are tests of one evergreen client (webmail, mobile apps), so the latest test stands for it. Versions
 * that are years (`2016`, `2019`) are releases installed side by side (Outlook for Windows, Outlook for Mac): each
 * from MIN_RELEASE_YEAR on is a client version of its own, with the status of the latest tested release at or
 * before it. A feature a client was never tested for is unknown there and costs nothing.
 */

export interface CaniemailFeature {
  slug: string;
  title: string;
  url: string;
  category: string;
  keywords: string | null;
  notes: string | null;
  notes_by_num: Record<string, string> | null;
  stats: Record<string, Record<string, Record<string, string>>>;
}

export interface CaniemailData {
  last_update_date?: string;
  nicenames: { family: Record<string, string>; platform: Record<string, string> };
  data: CaniemailFeature[];
}

let loaded: CaniemailData | undefined;

/** The data set, read on first use. */
export function caniemailData(): CaniemailData {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('caniemail/caniemail.json') as CaniemailData);
}

/** Releases older than this are left out (no longer installed in numbers worth writing for). */
export const MIN_RELEASE_YEAR = 2016;

/**
 * The clients most emails are read in (Apple Mail, Gmail, Outlook, Yahoo! Mail), on the platforms where they are
 * read: Gmail's web app for other providers' accounts (`gmail.mobile-webmail`) and the discontinued Windows Mail app
 * are left out; name them in `ongage.checks.clients` to check them too.
 */
export const DEFAULT_CLIENTS: readonly string[] = [
  'apple-mail.macos',
  'apple-mail.ios',
  'gmail.desktop-webmail',
  'gmail.ios',
  'gmail.android',
  'outlook.windows',
  'outlook.macos',
  'outlook.outlook-com',
  'outlook.ios',
  'outlook.android',
  'yahoo.desktop-webmail',
  'yahoo.ios',
  'yahoo.android',
];

export interface ClientVersion {
  family: string;
  platform: string;
  /** A release year, or undefined for the evergreen client (its latest test). */
  release?: string;
}

export type Support = 'y' | 'n' | 'a' | 'u';

export interface FeatureStatus {
  support: Support;
  notes: string[];
}

const isYear = (v: string): boolean => /^\d{4}$/.test(v);

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The client versions the targets stand for (`gmail` is every platform of Gmail; `outlook.windows` one). */
export function clientVersions(data: CaniemailData, targets: readonly string[]): ClientVersion[] {
  const versions = new Map<string, { years: Set<string>; other: boolean }>();
  for (const f of data.data) {
    for (const [family, platforms] of Object.entries(f.stats)) {
      for (const [platform, byVersion] of Object.entries(platforms)) {
        const key = `${family}.${platform}`;
        let v = versions.get(key);
        if (!v) versions.set(key, (v = { years: new Set(), other: false }));
        for (const ver of Object.keys(byVersion)) {
          if (isYear(ver)) {
            if (Number(ver) >= MIN_RELEASE_YEAR) v.years.add(ver);
          } else v.other = true;
        }
      }
    }
  }
  const out: ClientVersion[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const [family, platform] = t.split('.');
    for (const [key, v] of versions) {
      const [f, p] = key.split('.');
      if (f !== family || (platform && p !== platform) || seen.has(key)) continue;
      seen.add(key);
      for (const y of [...v.years].sort()) out.push({ family: f, platform: p, release: y });
      if (v.other || v.years.size === 0) out.push({ family: f, platform: p });
    }
  }
  return out;
}

/** Targets that name no client or platform of the data set. */
export function unknownClients(data: CaniemailData, targets: readonly string[]): string[] {
  return targets.filter((t) => clientVersions(data, [t]).length === 0);
}

export function featureStatus(f: CaniemailFeature, c: ClientVersion): FeatureStatus {
  const byVersion = f.stats[c.family]?.[c.platform];
  if (!byVersion) return { support: 'u', notes: [] };
  const entries = Object.entries(byVersion);
  const years = entries.filter(([v]) => isYear(v)).sort((a, b) => Number(a[0]) - Number(b[0]));
  const other = entries.filter(([v]) => !isYear(v)).sort((a, b) => compareVersions(a[0], b[0]));
  let raw: string | undefined;
  if (c.release) {
    const atOrBefore = years.filter(([v]) => Number(v) <= Number(c.release));
    raw = atOrBefore.length ? atOrBefore[atOrBefore.length - 1][1] : years.length ? years[0][1] : other[other.length - 1]?.[1];
  } else {
    raw = other.length ? other[other.length - 1][1] : years[years.length - 1]?.[1];
  }
  if (!raw) return { support: 'u', notes: [] };
  const support = (['y', 'n', 'a', 'u'].includes(raw[0]) ? raw[0] : 'u') as Support;
  const notes: string[] = [];
  for (const m of raw.matchAll(/#(\d+)/g)) {
    const note = f.notes_by_num?.[m[1]];
    if (note) notes.push(note);
  }
  return { support, notes };
}

// ----------------------------------------------------------------------------------------- the matcher

/** Where each kind of thing an email can use is looked up: name → feature slugs. */
export interface FeatureIndex {
  bySlug: Map<string, CaniemailFeature>;
  properties: Map<string, string>;
  propertyValues: Map<string, string>;
  functions: Map<string, string>;
  units: Map<string, string>;
  valueKeywords: Map<string, string>;
  atRules: Map<string, string>;
  mediaFeatures: Map<string, string>;
  pseudos: Map<string, string>;
  selectors: Map<string, string>;
  elements: Map<string, string[]>;
  attributes: Map<string, string[]>;
  /** `input:checkbox`, `button:submit`. */
  typedElements: Map<string, string>;
  imageFormats: Map<string, string>;
  special: Map<string, string>;
}

const add = <K>(m: Map<K, string[]>, k: K, v: string): void => {
  const list = m.get(k);
  if (list) {
    if (!list.includes(v)) list.push(v);
  } else m.set(k, [v]);
};

/** File extensions of the image-format features (caniemail names the format; these are its usual extensions). */
const IMAGE_EXTENSIONS: Record<string, string[]> = { jpg: ['jpg', 'jpeg'], tiff: ['tif', 'tiff'], heif: ['heif', 'heic'], mp4: ['mp4'] };

let indexed: { data: CaniemailData; index: FeatureIndex } | undefined;

export function featureIndex(data: CaniemailData = caniemailData()): FeatureIndex {
  if (indexed?.data === data) return indexed.index;
  const ix: FeatureIndex = {
    bySlug: new Map(),
    properties: new Map(),
    propertyValues: new Map(),
    functions: new Map(),
    units: new Map(),
    valueKeywords: new Map(),
    atRules: new Map(),
    mediaFeatures: new Map(),
    pseudos: new Map(),
    selectors: new Map(),
    elements: new Map(),
    attributes: new Map(),
    typedElements: new Map(),
    imageFormats: new Map(),
    special: new Map(),
  };
  const keywordProps: Array<[string, string]> = [];
  for (const f of data.data) {
    ix.bySlug.set(f.slug, f);
    const title = f.title.trim();
    const slug = f.slug;
    const keywords = (f.keywords ?? '').split(',').map((k) => k.trim()).filter(Boolean);
    if (f.category === 'image') {
      const fmt = slug.replace(/^image-/, '');
      if (fmt === 'base64') ix.special.set('base64', slug);
      else for (const ext of IMAGE_EXTENSIONS[fmt] ?? [fmt]) ix.imageFormats.set(ext, slug);
      continue;
    }
    if (f.category === 'html') {
      const typed = /^<(input|button) type="(\w+)">/.exec(title);
      if (typed) {
        ix.typedElements.set(`${typed[1]}:${typed[2]}`, slug);
        continue;
      }
      if (slug === 'html-anchor-links' || slug === 'html-mailto-links' || slug === 'html-meta-color-scheme' || slug === 'html-doctype' || slug === 'html-comments') {
        ix.special.set(slug, slug);
        continue;
      }
      if (slug === 'html-image-maps') {
        add(ix.elements, 'map', slug);
        add(ix.elements, 'area', slug);
        add(ix.attributes, 'usemap', slug);
        continue;
      }
      if (slug === 'html-semantics') {
        for (const k of keywords) if (/^[a-z]+$/.test(k)) add(ix.elements, k, slug);
        continue;
      }
      const range = /<h(\d)> to <h(\d)>/.exec(title);
      if (range) {
        for (let i = Number(range[1]); i <= Number(range[2]); i++) add(ix.elements, `h${i}`, slug);
        continue;
      }
      const els = [...title.matchAll(/<([a-z][a-z0-9]*)>/g)].map((m) => m[1]);
      if (els.length) {
        for (const e of els) add(ix.elements, e, slug);
        continue;
      }
      const attrs = /^([a-z-]+(?: and [a-z-]+)*) attributes?$/.exec(title);
      if (attrs) {
        for (const a of attrs[1].split(' and ')) add(ix.attributes, a, slug);
        continue;
      }
      if (/^[a-z]+$/.test(title) && slug === `html-${title}`) add(ix.elements, title, slug);
      continue;
    }
    if (f.category !== 'css') continue;
    if (slug === 'css-important' || slug === 'css-comments' || slug === 'css-variables' || slug === 'css-nesting') {
      ix.special.set(slug, slug);
      continue;
    }
    if (slug === 'css-inert-attribute') {
      add(ix.attributes, 'inert', slug);
      continue;
    }
    if (slug.startsWith('css-selector-')) {
      ix.selectors.set(slug.slice('css-selector-'.length), slug);
      continue;
    }
    if (slug.startsWith('css-unit-')) {
      const unit = slug.slice('css-unit-'.length);
      if (unit === 'calc') ix.functions.set('calc', slug);
      else if (unit === 'initial') ix.valueKeywords.set('initial', slug);
      else ix.units.set(unit === 'percent' ? '%' : unit, slug);
      continue;
    }
    if (slug.startsWith('css-pseudo-')) {
      const m = /^(::?)?([a-z-]+)/.exec(title);
      const name = m?.[2] ?? slug.replace(/^css-pseudo-(class|element)-/, '');
      ix.pseudos.set(`${slug.startsWith('css-pseudo-element-') ? '::' : ':'}${name}`, slug);
      continue;
    }
    if (slug.startsWith('css-at-media-')) {
      for (const m of title.matchAll(/\(([a-z-]+)\)/g)) ix.mediaFeatures.set(m[1], slug);
      continue;
    }
    if (slug.startsWith('css-at-')) {
      ix.atRules.set(title.replace(/^@/, '').toLowerCase(), slug);
      continue;
    }
    const fns = [...title.matchAll(/([a-z-]+)\(\)/g)].map((m) => m[1]);
    if (fns.length) {
      for (const fn of fns) ix.functions.set(fn, slug);
      continue;
    }
    const pv = /^([a-z-]+)\s*:\s*([a-z-]+)$/.exec(title);
    if (pv) {
      ix.propertyValues.set(`${pv[1]}:${pv[2]}`, slug);
      continue;
    }
    const list = title.split(/\s*(?:,|&)\s*/).map((s) => s.replace(/ (CSS )?property$/, '').trim());
    const own = slug.replace(/^css-/, '');
    if (list.every((s) => /^-?[a-z]+(-[a-z]+)*$/.test(s))) {
      // A list that does not start like the slug is of keyword values (system-ui, ui-serif…; fit-content…).
      if (list[0].split('-')[0] !== own.split('-')[0]) {
        for (const v of list) ix.valueKeywords.set(v, slug);
        continue;
      }
      for (const p of list) if (!ix.properties.has(p)) ix.properties.set(p, slug);
    } else if (!ix.properties.has(own) && !/-(properties|logical|individual|longhand)$/.test(own)) {
      ix.properties.set(own, slug);
    }
    for (const k of keywords) if (/^[a-z]+(-[a-z]+)+$/.test(k)) keywordProps.push([k, slug]);
  }
  // Keywords name further properties of a feature (border-top for border, column-rule for columns), never one a
  // feature of its own already claims.
  for (const [k, slug] of keywordProps) if (!ix.properties.has(k)) ix.properties.set(k, slug);
  indexed = { data, index: ix };
  return ix;
}
