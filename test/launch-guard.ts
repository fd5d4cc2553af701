/**
 * Mocha root hooks (`--require test/launch-guard.ts`) for the suites that start sandboxes: at the very end of the
 * run, the launch ledger (sandbox/ledger.ts) must hold no real (non-test) campaign launch. Every sandbox of the run
 * — in this process or a child process (the journeys' `npm run sandbox`, spawned command lines) — writes its start
 * and each launch to the file named by ONGAGE_SANDBOX_LEDGER; this sets one up when the runner did not.
 * A launch fails the run, naming the campaign and the sandbox it reached.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LEDGER_VARIABLE, ledgerVerdict, readLedgerFile } from '../sandbox/ledger';

let ownFile: string | undefined;

export const mochaHooks = {
  beforeAll(): void {
    if (process.env[LEDGER_VARIABLE]) return;
    ownFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-ledger-')), 'launches.jsonl');
    fs.writeFileSync(ownFile, '');
    process.env[LEDGER_VARIABLE] = ownFile;
  },
  afterAll(): void {
    const file = process.env[LEDGER_VARIABLE]!;
    const { entries, problems } = readLedgerFile(file);
    if (ownFile) {
      fs.rmSync(path.dirname(ownFile), { recursive: true, force: true });
      delete process.env[LEDGER_VARIABLE];
      ownFile = undefined;
    }
    const v = ledgerVerdict(entries);
    if (problems.length) throw new Error(`The launch ledger could not be read whole: ${problems.join('; ')}`);
    if (v.unexpected.length) throw new Error(`${v.summary}. No code of Ongage Studio may create a campaign that is not a test.`);
    process.stdout.write(`\n  launch ledger: ${v.summary}\n`);
  },
};
