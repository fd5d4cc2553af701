import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LEDGER_VARIABLE, ledgerVerdict, readLedgerFile } from '../ledger';
import { startSandbox } from '../server';

const root = path.resolve(__dirname, '..', '..');

/** Runs `fn` with the ledger pointed at a file of its own (the run's own ledger is put back after). */
async function withLedger(fn: (file: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-ledger-test-'));
  const file = path.join(dir, 'ledger.jsonl');
  const saved = process.env[LEDGER_VARIABLE];
  process.env[LEDGER_VARIABLE] = file;
  try {
    await fn(file);
  } finally {
    if (saved === undefined) delete process.env[LEDGER_VARIABLE];
    else process.env[LEDGER_VARIABLE] = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const realCampaign = (sb: { ids: { emails: { birthday: number }; segments: { allActive: number } } }) => ({
  name: 'A real one',
  email_message: [sb.ids.emails.birthday],
  segments: [sb.ids.segments.allActive],
});

describe('sandbox launch ledger (proof of zero real launches across a run)', () => {
  it('records starts and launches, through reset() and close(); an unexpected launch is named', async () => {
    await withLedger(async (file) => {
      const sb = await startSandbox();
      const post = (body: unknown) =>
        fetch(`${sb.url}/api/mailings`, { method: 'POST', headers: { ...sb.authHeaders, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await post({ is_test: true, name: 't', email_message: [sb.ids.emails.birthday], recipients: ['a@example.com'], esp_connection_id: sb.ids.connections.marketing })).status, 200);
      assert.equal(ledgerVerdict(readLedgerFile(file).entries).unexpected.length, 0, 'a test send is not a launch');
      assert.equal((await post(realCampaign(sb))).status, 200);
      assert.equal(sb.stats().realCampaignLaunches, 1);
      sb.reset();
      assert.equal(sb.stats().realCampaignLaunches, 0, 'reset clears the per-reset count');
      assert.equal(sb.stats().realCampaignLaunchesSinceStart, 1, '…but not the count since start');
      await sb.close();
      const v = ledgerVerdict(readLedgerFile(file).entries);
      assert.equal(v.starts, 1);
      assert.equal(v.unexpected.length, 1);
      assert.match(v.summary, /^1 REAL CAMPAIGN LAUNCH reached a sandbox: campaign \d+ "A real one" \(emails 2048, segments 1429\) at http:\/\/127\.0\.0\.1:\d+/);
    });
  });

  it('a sandbox started to test launches records them as expected', async () => {
    await withLedger(async (file) => {
      const sb = await startSandbox({ expectRealLaunches: true });
      await fetch(`${sb.url}/api/mailings`, { method: 'POST', headers: { ...sb.authHeaders, 'Content-Type': 'application/json' }, body: JSON.stringify(realCampaign(sb)) });
      await sb.close();
      const v = ledgerVerdict(readLedgerFile(file).entries);
      assert.deepEqual([v.starts, v.unexpected.length, v.expected], [1, 0, 1]);
      assert.match(v.summary, /1 sandbox recorded 0 real campaign launches \(besides 1 by the sandbox's own launch tests\)/);
    });
  });

  it('a sandbox in a child process (npm run sandbox) writes to the same ledger', async function () {
    this.timeout(30000);
    await withLedger(async (file) => {
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(root, 'sandbox', 'main.ts'), '--port', '0'], {
        cwd: root,
        env: { ...process.env, [LEDGER_VARIABLE]: file },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
            if (m) resolve(m[1]);
          });
          child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${out}`)));
        });
        const r = await fetch(`${url}/api/mailings`, {
          method: 'POST',
          headers: { X_USERNAME: 'sandbox@example.com', X_PASSWORD: 'sandbox', X_ACCOUNT_CODE: 'sandbox', 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'From a child', email_message: [2048], segments: [1429] }),
        });
        assert.equal(r.status, 200);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      const v = ledgerVerdict(readLedgerFile(file).entries);
      assert.equal(v.starts, 1);
      assert.equal(v.unexpected.length, 1);
      assert.equal(v.unexpected[0].name, 'From a child');
      assert.notEqual(v.unexpected[0].pid, process.pid);
    });
  });

  it('a broken ledger line is a problem, not silently skipped', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-ledger-test-'));
    try {
      const file = path.join(dir, 'l.jsonl');
      fs.writeFileSync(file, '{"event":"start","at":"x","pid":1,"url":"u","expectRealLaunches":false}\n{"event":"lau\n');
      const r = readLedgerFile(file);
      assert.equal(r.entries.length, 1);
      assert.match(r.problems[0], /l\.jsonl:2: not a ledger line/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
