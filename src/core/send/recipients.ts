/**
 * Recipients as people type them: several at once, separated by commas, semicolons, spaces or new lines, plain
 * (`ann@example.com`) or with a display name (`Ann Lee <ann@example.com>`, `"Lee, Ann" <ann@example.com>`). Each is
 * checked with the RFC 5322 parser `email-addresses`, then with what sending services require on top of it (a
 * domain with a dot, no quoted local part, no IP literal, the length limits). Duplicates are removed without regard
 * to case. Every problem says what to fix. Editor-free.
 */
import emailAddresses from 'email-addresses';

export interface RecipientProblem {
  /** The entry as typed (cut to 320 characters). */
  input: string;
  /** What is wrong and what to fix, e.g. `"bob@" is not an email address: the domain is missing.` */
  message: string;
}

export interface ParsedRecipients {
  /** The accepted addresses, without display names, in the order typed, each once. */
  addresses: string[];
  problems: RecipientProblem[];
  /** Entries dropped because the same address (ignoring case) came earlier. */
  duplicates: string[];
}

/** Longest address SMTP carries (RFC 5321: 254 characters; local part 64). */
const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
/** Longest entry looked at (a display name and an address); longer ones are refused without parsing. */
const MAX_ENTRY = 1000;

/** Splits the text into entries, then checks each. */
export function parseRecipients(input: string | string[] | undefined | null): ParsedRecipients {
  const texts = input === undefined || input === null ? [] : Array.isArray(input) ? input : [input];
  const entries: string[] = [];
  for (const t of texts) entries.push(...splitEntries(String(t ?? '')));
  const addresses: string[] = [];
  const problems: RecipientProblem[] = [];
  const duplicates: string[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const r = checkEntry(entry);
    if ('message' in r) {
      problems.push({ input: entry.length > 320 ? `${entry.slice(0, 320)}…` : entry, message: r.message });
      continue;
    }
    const key = r.address.toLowerCase();
    if (seen.has(key)) {
      duplicates.push(r.address);
      continue;
    }
    seen.add(key);
    addresses.push(r.address);
  }
  return { addresses, problems, duplicates };
}

/** One sentence for a ParsedRecipients' problems, or undefined when there are none. */
export function describeRecipientProblems(p: Pick<ParsedRecipients, 'problems'>): string | undefined {
  if (p.problems.length === 0) return undefined;
  if (p.problems.length === 1) return `${p.problems[0].message} Correct it and try again.`;
  return `${p.problems.length} recipients are not usable: ${p.problems.map((x) => x.message.replace(/\.$/, '')).join('; ')}. Correct them and try again.`;
}

/**
 * The addresses an allowlist does not allow. Entries are addresses (`ann@example.com`) or domains (`@example.com`;
 * a bare `example.com` is read as a domain), matched without regard to case; a domain matches that domain only,
 * not its subdomains. An empty allowlist allows every address.
 */
export function allowlistViolations(addresses: string[], allowlist: string[] | undefined): string[] {
  const entries = (allowlist ?? []).map((x) => String(x).trim().toLowerCase()).filter((x) => x !== '');
  if (entries.length === 0) return [];
  const exact = new Set<string>();
  const domains = new Set<string>();
  for (const e of entries) {
    if (e.startsWith('@')) domains.add(e.slice(1));
    else if (e.includes('@')) exact.add(e);
    else domains.add(e);
  }
  return addresses.filter((a) => {
    const lower = a.trim().toLowerCase();
    if (exact.has(lower)) return false;
    const at = lower.lastIndexOf('@');
    return !(at >= 0 && domains.has(lower.slice(at + 1)));
  });
}

/** Is this allowlist entry usable? Undefined when it is, else what to fix. */
export function checkAllowlistEntry(entry: unknown): string | undefined {
  if (typeof entry !== 'string' || entry.trim() === '') return `${JSON.stringify(entry)} is not an address or @domain`;
  const e = entry.trim();
  if (e.startsWith('@') || !e.includes('@')) {
    const d = e.startsWith('@') ? e.slice(1) : e;
    const p = /\s/.test(d) ? 'it holds a space' : domainProblem(d);
    return p ? `"${show(e)}" is not a domain: ${p}` : undefined;
  }
  const r = checkEntry(e);
  return 'message' in r ? r.message.replace(/\.$/, '') : undefined;
}

// ------------------------------------------------------------------------------------------- splitting

/**
 * Entries are separated by commas, semicolons and line breaks, and by spaces between addresses. Quotes and angle
 * brackets hold their separators (`"Lee, Ann" <ann@x.com>`), and words without an "@" before an `<address>` are its
 * display name.
 */
function splitEntries(text: string): string[] {
  const out: string[] = [];
  let words: string[] = [];
  let word = '';
  let quote = false;
  let angle = false;
  let paren = 0;
  const endWord = (): void => {
    if (word !== '') words.push(word);
    word = '';
  };
  const endEntry = (): void => {
    endWord();
    out.push(...groupWords(words));
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      word += c;
      if (c === '\\' && i + 1 < text.length) word += text[++i];
      else if (c === '"') quote = false;
      continue;
    }
    if (paren > 0) {
      word += c;
      if (c === '(') paren++;
      else if (c === ')') paren--;
      continue;
    }
    if (c === '"') {
      quote = true;
      word += c;
    } else if (c === '(') {
      paren = 1;
      word += c;
    } else if (c === '<' && !angle) {
      // "Ann<ann@x.com>": the address starts a word of its own.
      if (word !== '' && !word.includes('@')) endWord();
      angle = true;
      word += c;
    } else if (c === '>' && angle) {
      angle = false;
      word += c;
      endWord();
    } else if (angle && (c === ',' || c === ';' || c === '\n' || c === '\r')) {
      // An unclosed "<" ends at the entry's end.
      angle = false;
      endEntry();
    } else if (c === ',' || c === ';' || c === '\n' || c === '\r') {
      endEntry();
    } else if (/\s/.test(c)) {
      if (angle) word += c;
      else endWord();
    } else {
      word += c;
    }
  }
  endEntry();
  return out.filter((e) => e.trim() !== '');
}

/** Words of one comma-free stretch: `Ann Lee <a@x.com> b@y.com` → [`Ann Lee <a@x.com>`, `b@y.com`]. */
function groupWords(words: string[]): string[] {
  const out: string[] = [];
  let name: string[] = [];
  for (const w of words) {
    if (w.startsWith('<')) {
      out.push([...name, w].join(' '));
      name = [];
    } else if (hasBareAt(w) || w.startsWith('@')) {
      out.push(...name, w);
      name = [];
    } else {
      name.push(w);
    }
  }
  if (name.length) {
    // Words with no address after them: each is reported on its own, unless they are one quoted name.
    out.push(...(name.some((w) => w.startsWith('"')) ? [name.join(' ')] : name));
  }
  return out;
}

/** An "@" outside quotes and comments. */
function hasBareAt(w: string): boolean {
  let quote = false;
  let paren = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (paren) {
      if (c === '(') paren++;
      else if (c === ')') paren--;
    } else if (c === '"') quote = true;
    else if (c === '(') paren = 1;
    else if (c === '@') return true;
  }
  return false;
}

// -------------------------------------------------------------------------------------------- checking

function checkEntry(entry: string): { address: string } | { message: string } {
  const raw = entry.trim();
  const shown = `"${show(raw)}"`;
  const not = (why: string): { message: string } => ({ message: `${shown} is not an email address: ${why}.` });
  if (raw.length > MAX_ENTRY) return not(`it is ${raw.length} characters long (an address has at most ${MAX_ADDRESS})`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return not('it contains a control character; retype it');
  if (/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(raw)) return not('it contains an invisible formatting character; retype it');
  // The address part: inside <…> when there is one.
  let addr = raw;
  const lt = raw.lastIndexOf('<');
  if (lt >= 0 || raw.endsWith('>')) {
    const gt = raw.lastIndexOf('>');
    if (lt < 0) return not('a ">" has no "<" before it');
    if (gt < lt) return not('the "<" is not closed with ">"');
    if (raw.slice(gt + 1).trim() !== '') return not(`"${show(raw.slice(gt + 1).trim())}" follows the ">"`);
    addr = raw.slice(lt + 1, gt).trim();
    if (addr === '') return not('the <> holds no address');
  }
  const parsed = emailAddresses.parseOneAddress({ input: raw, rfc6532: true, rejectTLD: true });
  if (parsed && parsed.type === 'group') return not('it is a group of addresses; list the addresses themselves');
  const local = localPart(addr);
  const domain = local === undefined ? undefined : addr.slice(local.length + 1);
  if (!parsed || parsed.type !== 'mailbox') {
    // Say what is wrong, from the most basic.
    if (!addr.includes('@')) return not('the "@" is missing (an address looks like name@example.com)');
    if (addr.startsWith('@')) return not('the name before the "@" is missing');
    if (addr.endsWith('@')) return not('the domain is missing');
    if (local === undefined || domain === undefined || domain.includes('@')) return not('it has more than one "@"');
    const dp = domainProblem(domain);
    if (dp) return not(dp);
    const lp = localProblem(local);
    if (lp) return not(lp);
    if (lt >= 0) return not('the name before the <address> is not valid; put it in double quotes');
    return not('it has characters an address cannot hold');
  }
  const address = parsed.address;
  const pl = parsed.local;
  const pd = parsed.domain;
  if (parsed.parts.local.tokens.trim().startsWith('"') || /\s/.test(address)) {
    return not('a quoted name before the "@" is not accepted by sending services; use a plain address');
  }
  if (pd.startsWith('[')) return not(`the domain "${show(pd)}" is an IP address; sending services need a domain name`);
  const dp = domainProblem(pd);
  if (dp) return not(dp);
  if (pl.length > MAX_LOCAL) return not(`the part before the "@" is ${pl.length} characters long (at most ${MAX_LOCAL})`);
  if (address.length > MAX_ADDRESS) return not(`it is ${address.length} characters long (at most ${MAX_ADDRESS})`);
  return { address };
}

/** The part before the last unquoted "@" (undefined when there is none). */
function localPart(addr: string): string | undefined {
  let quote = false;
  let at = -1;
  for (let i = 0; i < addr.length; i++) {
    const c = addr[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === '@') {
      if (at >= 0) return undefined;
      at = i;
    }
  }
  return at < 0 ? undefined : addr.slice(0, at);
}

function localProblem(local: string): string | undefined {
  if (local.startsWith('.') || local.endsWith('.')) return 'the part before the "@" cannot start or end with a dot';
  if (local.includes('..')) return 'the part before the "@" has two dots in a row';
  const bad = local.match(/[^\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]/u);
  if (bad) return `the part before the "@" holds "${show(bad[0])}", which an address cannot hold`;
  return undefined;
}

function domainProblem(domain: string): string | undefined {
  const d = domain.replace(/\.$/, '');
  if (d === '') return 'the domain is missing';
  if (!d.includes('.')) return `the domain "${show(d)}" has no dot (did you mean ${show(d)}.com?)`;
  if (d.includes('..')) return `the domain "${show(d)}" has two dots in a row`;
  if (d.length > 253) return 'the domain is longer than 253 characters';
  for (const label of d.split('.')) {
    if (label === '') return `the domain "${show(d)}" cannot start with a dot`;
    if (label.length > 63) return `the domain "${show(d)}" has a part longer than 63 characters`;
    if (!/^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u.test(label)) {
      const bad = label.match(/[^\p{L}\p{N}-]/u);
      return bad
        ? `the domain "${show(d)}" holds "${show(bad[0])}", which a domain cannot hold`
        : `a part of the domain "${show(d)}" starts or ends with "-"`;
    }
  }
  const tld = d.slice(d.lastIndexOf('.') + 1);
  if (/^\d+$/.test(tld)) return `the domain "${show(d)}" ends in a number; use a domain name`;
  return undefined;
}

/** Text safe to quote in a message: control characters escaped, cut at 60 characters. */
function show(s: string): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}
