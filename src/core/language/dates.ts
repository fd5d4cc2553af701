/**
 * Dates as Ongage's list fields hold them: each date field has a format set in Fields Setup, written with the
 * tokens `yyyy`, `mm`, `dd`, `hh24` (or `hh`), `mi` and `ss` (`dd/mm/yyyy`, `mm/dd/yyyy hh24:mi`, …). A date in a
 * condition on such a field must be written in that format. A date alone is accepted for a format with a time.
 */

type Token = 'yyyy' | 'mm' | 'dd' | 'hh' | 'mi' | 'ss';
type Piece = { token: Token } | { literal: string };

function pieces(format: string): Piece[] {
  const out: Piece[] = [];
  const re = /yyyy|hh24|hh|mm|dd|mi|ss/gi;
  let last = 0;
  for (const m of format.matchAll(re)) {
    if (m.index! > last) out.push({ literal: format.slice(last, m.index) });
    const t = m[0].toLowerCase();
    out.push({ token: (t === 'hh24' ? 'hh' : t) as Token });
    last = m.index! + m[0].length;
  }
  if (last < format.length) out.push({ literal: format.slice(last) });
  return out;
}

/** The format's date part: everything before its first time token, without trailing separators. */
function datePart(ps: Piece[]): Piece[] {
  const i = ps.findIndex((p) => 'token' in p && (p.token === 'hh' || p.token === 'mi' || p.token === 'ss'));
  if (i < 0) return ps;
  const head = ps.slice(0, i);
  while (head.length && 'literal' in head[head.length - 1]) head.pop();
  return head;
}

const RANGES: Record<Token, [number, number]> = { yyyy: [1000, 9999], mm: [1, 12], dd: [1, 31], hh: [0, 23], mi: [0, 59], ss: [0, 59] };

function matches(value: string, ps: Piece[]): boolean {
  const re = new RegExp(`^${ps.map((p) => ('token' in p ? (p.token === 'yyyy' ? '(\\d{4})' : '(\\d{1,2})') : p.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ +/g, '\\s+'))).join('')}$`);
  const m = re.exec(value);
  if (!m) return false;
  const tokens = ps.filter((p): p is { token: Token } => 'token' in p).map((p) => p.token);
  const at = (t: Token) => Number(m[tokens.indexOf(t) + 1]);
  const inRange = tokens.every((t, i) => {
    const n = Number(m[i + 1]);
    return n >= RANGES[t][0] && n <= RANGES[t][1];
  });
  if (!inRange) return false;
  // A day that the month does not have (31/02) is not a date either.
  if (tokens.includes('yyyy') && tokens.includes('mm') && tokens.includes('dd')) {
    return new Date(Date.UTC(at('yyyy'), at('mm'), 0)).getUTCDate() >= at('dd');
  }
  return true;
}

/** Whether `value` is written in the list field's `format` (or in its date part alone). */
export function matchesDateFormat(value: string, format: string): boolean {
  const ps = pieces(format);
  if (!ps.some((p) => 'token' in p)) return true;
  return matches(value.trim(), ps) || matches(value.trim(), datePart(ps));
}

/**
 * A date written in a form other than the field's, when it can be read without guessing: ISO (`2026-05-14`,
 * `2026-05-14 09:30`), `2026/05/14`, or day and month in either order when one of them is over 12.
 */
export function readOtherDate(value: string): Date | undefined {
  const s = value.trim();
  let y: number, mo: number, d: number;
  let h = 0;
  let mi = 0;
  const iso = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$/.exec(s);
  const dmy = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?: (\d{1,2}):(\d{2}))?$/.exec(s);
  if (iso) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (iso[4] !== undefined) [h, mi] = [Number(iso[4]), Number(iso[5])];
  } else if (dmy) {
    const a = Number(dmy[1]);
    const b = Number(dmy[2]);
    if (a > 12 && b <= 12) [d, mo] = [a, b];
    else if (b > 12 && a <= 12) [mo, d] = [a, b];
    else return undefined;
    y = Number(dmy[3]);
    if (dmy[4] !== undefined) [h, mi] = [Number(dmy[4]), Number(dmy[5])];
  } else {
    return undefined;
  }
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi));
  if (date.getUTCMonth() !== mo - 1) return undefined;
  return date;
}

/** `date` written in the list field's format; the date part alone when `written` carries no time. */
export function formatListDate(date: Date, format: string, written?: string): string {
  let ps = pieces(format);
  if (written !== undefined && !/\d:\d/.test(written)) ps = datePart(ps);
  const pad = (n: number) => String(n).padStart(2, '0');
  const v: Record<Token, string> = {
    yyyy: String(date.getUTCFullYear()),
    mm: pad(date.getUTCMonth() + 1),
    dd: pad(date.getUTCDate()),
    hh: pad(date.getUTCHours()),
    mi: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
  };
  return ps.map((p) => ('token' in p ? v[p.token] : p.literal)).join('');
}
