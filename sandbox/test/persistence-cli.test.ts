import { strict as assert } from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SEED_IDS } from '../seed';
import { startSandbox } from '../server';
import { Client, control, expectError } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const ids = SEED_IDS;

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-sandbox-'));
}

describe('sandbox persistence (--data)', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps state across a restart, written with no temp file left behind', async () => {
    const file = path.join(dir, 'state.json');
    const first = await startSandbox({ dataFile: file });
    const api = new Client(first);
    const created = await api.post('/api/emails', { type: 'email_message', name: 'Survivor', description: '', subject: 'Hi {{first_name}}', content_html: '<p>x</p>', content_text: 'x' });
    await api.put(`/api/emails/${ids.emails.birthday}/favourite`, {});
    await api.post('/api/mailings', { is_test: true, name: 't', email_message: [ids.emails.birthday], recipients: ['jane.doe@example.com'], esp_connection_id: ids.connections.marketing });
    await first.close();
    assert.ok(fs.existsSync(file));
    assert.deepEqual(fs.readdirSync(dir), ['state.json']);

    const second = await startSandbox({ dataFile: file });
    try {
      const api2 = new Client(second);
      const back = await api2.get(`/api/emails/${created.body.payload.id}`);
      assert.equal(back.status, 200);
      assert.equal(back.body.payload.name, 'Survivor');
      assert.equal((await api2.get(`/api/emails/${ids.emails.birthday}`)).body.payload.favorite, '0');
      assert.equal((await control(second, 'GET', '/__sandbox/outbox')).json.total, 1);
      // Ids keep counting from where they were.
      const next = await api2.post('/api/emails', { type: 'folder', name: 'Next', description: '', subject: '', content_html: '', content_text: '' });
      assert.ok(Number(next.body.payload.id) > Number(created.body.payload.id));
    } finally {
      await second.close();
    }
  });

  it('refuses a corrupt data file with a message saying what to do', async () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{"version": 1, "emails": [');
    await assert.rejects(startSandbox({ dataFile: file }), /not valid sandbox state.*Delete it/);
  });

  it('resets a persisted sandbox back to the seed', async () => {
    const file = path.join(dir, 'state.json');
    const sb = await startSandbox({ dataFile: file });
    const api = new Client(sb);
    const created = await api.post('/api/emails', { type: 'folder', name: 'Gone after reset', description: '', subject: '', content_html: '', content_text: '' });
    await control(sb, 'POST', '/__sandbox/reset');
    await sb.close();
    const again = await startSandbox({ dataFile: file });
    try {
      expectError(await new Client(again).get(`/api/emails/${created.body.payload.id}`), 404);
    } finally {
      await again.close();
    }
  });
});

describe('sandbox command line', () => {
  const cli = (args: string[]): ChildProcess =>
    spawn(process.execPath, ['--require', 'tsx/cjs', path.join(root, 'sandbox', 'main.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });

  function waitForUrl(child: ChildProcess): Promise<{ url: string; out: () => string }> {
    let out = '';
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (m && /Press Ctrl\+C/.test(out)) resolve({ url: m[1], out: () => out });
      });
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => reject(new Error(`exited with ${code} before listening: ${out}`)));
    });
  }

  it('prints its URL and credentials, serves the API, and saves and stops cleanly on SIGTERM', async function () {
    this.timeout(30000);
    const dir = tmpDir();
    const file = path.join(dir, 'cli-state.json');
    const child = cli(['--port', '0', '--data', file, '--rate-limit', '50']);
    try {
      const { url, out } = await waitForUrl(child);
      assert.match(out(), /sandbox@example\.com/);
      assert.match(out(), /Account code:\s+sandbox/);
      const headers = { X_USERNAME: 'sandbox@example.com', X_PASSWORD: 'sandbox', X_ACCOUNT_CODE: 'sandbox', 'Content-Type': 'application/json' };
      const res = await fetch(`${url}/10542/api/emails`, { method: 'POST', headers, body: JSON.stringify({ type: 'folder', name: 'Made via CLI', description: '', subject: '', content_html: '', content_text: '' }) });
      assert.equal(res.status, 200);
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exit, 0);
      assert.match(out(), /Sandbox stopped/);
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.ok(saved.emails.some((e: { name: string }) => e.name === 'Made via CLI'));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops on SIGINT too', async function () {
    this.timeout(30000);
    const child = cli(['--port', '0']);
    try {
      await waitForUrl(child);
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      assert.equal(await exit, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('documents its flags in --help and rejects bad values', function () {
    this.timeout(30000);
    const help = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(root, 'sandbox', 'main.ts'), '--help'], { cwd: root, encoding: 'utf8' });
    assert.equal(help.status, 0);
    for (const flag of ['--port', '--data', '--latency-ms', '--error-rate', '--rate-limit', '--max-in-flight', '--large']) assert.ok(help.stdout.includes(flag), flag);
    const bad = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(root, 'sandbox', 'main.ts'), '--error-rate', '2'], { cwd: root, encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--error-rate must be a number from 0 to 1/);
  });
});
