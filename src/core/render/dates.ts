/**
 * Dates for the renderer: reading a value the way a list stores it (the list field's own format such as
 * `dd/mm/yyyy hh24:mi`, ISO `yyyy-mm-dd[Thh:mm[:ss]]`, or Unix seconds as the contacts API returns system dates),
 * and writing it with a PHP `date()` format string, which is what `[format=…]` takes. Everything is in UTC:
 * Ongage stores Unix time (UTC), and the preview must not depend on the machine's time zone.
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_MS = 86_400_000;

function pad(n: number, width = 2): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date | null {
  if (!(mo >= 1 && mo <= 12) || !(d >= 1 && d <= daysInMonth(y, mo)) || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Years 0–99 would otherwise be read as 1900–1999.
  date.setUTCFullYear(y);
  return date;
}

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A date from a stored value: Unix seconds (a number, or 9–10 digits; 12–13 digits are milliseconds), the list
 * field's format (`dd/mm/yyyy`, `mm-dd-yyyy hh24:mi:ss`, …: the numbers in the order the format names them), or
 * ISO. Null when the value is none of these or names an impossible date (31/02).
 */
export function parseDateValue(value: string | number, listFormat?: string | null): Date | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    const d = new Date(Math.abs(value) >= 1e11 ? value : value * 1000);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const s = value.trim();
  if (!s) return null;
  if (/^\d{9,10}$/.test(s)) return new Date(Number(s) * 1000);
  if (/^\d{12,13}$/.test(s)) return new Date(Number(s));
  if (listFormat) {
    const order: string[] = listFormat.toLowerCase().match(/yyyy|hh24|dd|mm|mi|ss/g) ?? [];
    const nums: string[] = s.match(/\d+/g) ?? [];
    if (order.length >= 3 && nums.length >= 3 && nums.length <= order.length && /^\d[\d\s/.:T-]*$/i.test(s)) {
      const part: Record<string, number> = {};
      order.forEach((k, i) => {
        if (nums[i] !== undefined) part[k] = Number(nums[i]);
      });
      const yearDigits = nums[order.indexOf('yyyy')]?.length ?? 0;
      if (yearDigits === 4 && part.mm !== undefined && part.dd !== undefined) {
        const d = utc(part.yyyy, part.mm, part.dd, part.hh24 ?? 0, part.mi ?? 0, part.ss ?? 0);
        if (d) return d;
      }
    }
  }
  const m = ISO.exec(s);
  if (!m) return null;
  const d = utc(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  if (!d || !m[7] || /^z$/i.test(m[7])) return d;
  const sign = m[7][0] === '-' ? -1 : 1;
  const digits = m[7].slice(1).replace(':', '');
  const offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  return new Date(d.getTime() - offsetMin * 60_000);
}

/** ISO-8601 week number and week-based year. */
function isoWeek(d: Date): { week: number; year: number } {
  const day = d.getUTCDay() || 7;
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 4 - day));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return { week: Math.ceil(((thursday.getTime() - yearStart) / DAY_MS + 1) / 7), year: thursday.getUTCFullYear() };
}

function ordinal(day: number): string {
  if (day % 100 >= 11 && day % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][day % 10] ?? 'th';
}

/**
 * PHP `date()` in UTC. Every documented format character is supported; a backslash makes the next character
 * literal; any other character is copied.
 */
export function formatPhpDate(d: Date, format: string): string {
  const year = d.getUTCFullYear();
  const mon = d.getUTCMonth();
  const day = d.getUTCDate();
  const wd = d.getUTCDay();
  const h = d.getUTCHours();
  const mi = d.getUTCMinutes();
  const sec = d.getUTCSeconds();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    switch (c) {
      case '\\':
        if (i + 1 < format.length) out += format[++i];
        break;
      case 'd': out += pad(day); break;
      case 'D': out += DAYS[wd].slice(0, 3); break;
      case 'j': out += String(day); break;
      case 'l': out += DAYS[wd]; break;
      case 'N': out += String(wd || 7); break;
      case 'S': out += ordinal(day); break;
      case 'w': out += String(wd); break;
      case 'z': out += String(Math.round((Date.UTC(year, mon, day) - Date.UTC(year, 0, 1)) / DAY_MS)); break;
      case 'W': out += pad(isoWeek(d).week); break;
      case 'F': out += MONTHS[mon]; break;
      case 'm': out += pad(mon + 1); break;
      case 'M': out += MONTHS[mon].slice(0, 3); break;
      case 'n': out += String(mon + 1); break;
      case 't': out += String(daysInMonth(year, mon + 1)); break;
      case 'L': out += leap ? '1' : '0'; break;
      case 'o': out += String(isoWeek(d).year); break;
      case 'X': case 'x': out += (year >= 10000 ? '+' : year < 0 ? '' : c === 'X' ? '+' : '') + pad(year, 4); break;
      case 'Y': out += String(year); break;
      case 'y': out += pad(year % 100); break;
      case 'a': out += h < 12 ? 'am' : 'pm'; break;
      case 'A': out += h < 12 ? 'AM' : 'PM'; break;
      case 'B': out += pad(Math.floor((((h * 3600 + mi * 60 + sec + 3600) % 86400) / 86.4)), 3); break;
      case 'g': out += String(h % 12 || 12); break;
      case 'G': out += String(h); break;
      case 'h': out += pad(h % 12 || 12); break;
      case 'H': out += pad(h); break;
      case 'i': out += pad(mi); break;
      case 's': out += pad(sec); break;
      case 'u': out += pad(d.getUTCMilliseconds() * 1000, 6); break;
      case 'v': out += pad(d.getUTCMilliseconds(), 3); break;
      case 'e': out += 'UTC'; break;
      case 'I': out += '0'; break;
      case 'O': out += '+0000'; break;
      case 'P': out += '+00:00'; break;
      case 'p': out += 'Z'; break;
      case 'T': out += 'UTC'; break;
      case 'Z': out += '0'; break;
      case 'c': out += formatPhpDate(d, 'Y-m-d\\TH:i:sP'); break;
      case 'r': out += formatPhpDate(d, 'D, d M Y H:i:s O'); break;
      case 'U': out += String(Math.floor(d.getTime() / 1000)); break;
      default: out += c;
    }
  }
  return out;
}
