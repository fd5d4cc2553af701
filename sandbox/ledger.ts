/**
 * The launch ledger: proof, across a whole test run, that no real (non-test) campaign ever reached a sandbox.
 *
 * Every sandbox records its start and every real campaign launch (POST /api/mailings without is_test) here, in
 * memory for its own process and — when `ONGAGE_SANDBOX_LEDGER` names a file — as one JSON line in that file, so
 * sandboxes started as child processes (the end-to-end journeys, the command line) add to the same record. Neither
 * reset() nor close() clears it. The test runs read it at their end (test/launch-guard.ts, scripts/test-all.js):
 * a launch that the sandbox was not told to expect fails the run.
 *
 * Only the sandbox's own tests of launch recording start a sandbox with `expectRealLaunches: true`.
 */
import * as fs from 'fs';

export const LEDGER_VARIABLE = 'ONGAGE_SANDBOX_LEDGER';

export type LedgerEntry =
  | { event: 'start'; at: string; pid: number; url: string; expectRealLaunches: boolean }
  | {
      event: 'launch';
      at: string;
      pid: number;
      url: string;
      /** The sandbox was started to test launch recording itself. */
      expected: boolean;
      mailingId: number;
      listId: number;
      name: string;
      emailIds: number[];
      segments: number[];
    };

const entries: LedgerEntry[] = [];

function record(e: LedgerEntry): void {
  entries.push(e);
  const file = process.env[LEDGER_VARIABLE];
  if (!file) return;
  try {
    // One short line per append: O_APPEND keeps lines whole across processes.
    fs.appendFileSync(file, `${JSON.stringify(e)}\n`, 'utf8');
  } catch (err) {
    process.stderr.write(`sandbox: could not write the launch ledger ${file}: ${(err as Error).message}\n`);
  }
}

export function recordStart(url: string, expectRealLaunches: boolean): void {
  record({ event: 'start', at: new Date().toISOString(), pid: process.pid, url, expectRealLaunches });
}

export function recordLaunch(
  url: string,
  expected: boolean,
  launch: { mailing_id: number; list_id: number; name: string; email_message: number[]; segments: number[] },
): void {
  record({
    event: 'launch',
    at: new Date().toISOString(),
    pid: process.pid,
    url,
    expected,
    mailingId: launch.mailing_id,
    listId: launch.list_id,
    name: launch.name,
    emailIds: [...launch.email_message],
    segments: [...launch.segments],
  });
}

/** What this process's sandboxes recorded. */
export function processLedger(): LedgerEntry[] {
  return [...entries];
}

/** The entries of a ledger file (unreadable lines are reported as problems, never skipped silently). */
export function readLedgerFile(file: string): { entries: LedgerEntry[]; problems: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [] };
    return { entries: [], problems: [`cannot read ${file}: ${(e as Error).message}`] };
  }
  const out: LedgerEntry[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const v = JSON.parse(line) as LedgerEntry;
      if (v.event !== 'start' && v.event !== 'launch') throw new Error('no event');
      out.push(v);
    } catch {
      problems.push(`${file}:${i + 1}: not a ledger line: ${line.slice(0, 120)}`);
    }
  });
  return { entries: out, problems };
}

export interface LedgerVerdict {
  starts: number;
  /** Launches no sandbox was told to expect: each one is a real campaign some code sent. */
  unexpected: Extract<LedgerEntry, { event: 'launch' }>[];
  expected: number;
  /** One line for a report. */
  summary: string;
}

export function ledgerVerdict(list: LedgerEntry[]): LedgerVerdict {
  const starts = list.filter((e) => e.event === 'start').length;
  const launches = list.filter((e): e is Extract<LedgerEntry, { event: 'launch' }> => e.event === 'launch');
  const unexpected = launches.filter((e) => !e.expected);
  const expected = launches.length - unexpected.length;
  const summary =
    unexpected.length === 0
      ? `${starts} sandbox${starts === 1 ? '' : 'es'} recorded 0 real campaign launches${expected ? ` (besides ${expected} by the sandbox's own launch tests)` : ''}`
      : `${unexpected.length} REAL CAMPAIGN LAUNCH${unexpected.length > 1 ? 'ES' : ''} reached a sandbox: ${unexpected
          .map((e) => `campaign ${e.mailingId} "${e.name}" (emails ${e.emailIds.join(', ')}, segments ${e.segments.join(', ')}) at ${e.url}, pid ${e.pid}`)
          .join('; ')}`;
  return { starts, unexpected, expected, summary };
}
