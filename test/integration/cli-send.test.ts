/**
 * `ongage-studio send-test` and `send`, spawned as the real bundle (as a CI job runs them) against the sandbox:
 * what lands in the outbox, --dry-run sending nothing, addresses and the workspace's guard rails refused before any
 * request, the exit codes, --json, the send log, and an ambiguous failure (exit 3) that a second run does not repeat
 * without --yes.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { startSandbox } from '../../sandbox/server';
import { SEED_IDS } from '../../sandbox/seed';
import { childEnv } from '../../scripts/child-env';

const ROOT = path.resolve(__dirname, '../..');
const ids = SEED_IDS;
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}
type Entry = { recipient: string; subject: string; from_name: string; from_address: string; reply_address: string; dynamic_fields: Record<string, unknown>; kind: string };

describe('cli process: send-test and send', function () {
  this.timeout(60_000);
  let work: string;
  let bundle: string;
  let sb: Sandbox;
  let ws: string;

  const env = (): NodeJS.ProcessEnv => {
    const out: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(childEnv())) if (!/^(ONGAGE_(?!SANDBOX_LEDGER)|NO_COLOR|FORCE_COLOR)/.test(k)) out[k] = v;
    return out;
  };
  const cli = (args: string[], cwd = ws): Promise<Result> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bundle, ...args, '--sandbox', sb.url], { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const outbox = (): Entry[] => sb.outbox() as unknown as Entry[];
  const sends = (): number => {
    const r = sb.stats().byRoute;
    return (r['POST /api/mailings'] ?? 0) + (r['POST /api/transactional/send'] ?? 0) + (r['POST /api/transactional/send_embed_content'] ?? 0);
  };
  const write = (rel: string, content: unknown): string => {
    const f = path.join(ws, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
    return f;
  };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-cli-send-'));
    bundle = path.join(work, 'cli.js');
    await esbuild.build({ absWorkingDir: ROOT, entryPoints: ['src/cli/main.ts'], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
    sb = await startSandbox();
  });
  beforeEach(() => {
    sb.reset();
    ws = fs.mkdtempSync(path.join(work, 'ws-'));
    fs.mkdirSync(path.join(ws, '.git'));
  });
  after(async () => {
    assert.equal(sb.stats().realCampaignLaunchesSinceStart, 0);
    await sb.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('send-test --dry-run prints the request (is_test) and each subject, and sends nothing', async () => {
    const r = await cli(['send-test', String(ids.emails.firstNewsletter), '--to', 'jane.doe@example.com,stranger@example.org', '--list', '10542', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Dry run: nothing was sent\. A test send would go through Amazon SES marketing \(#7102\):$/m);
    assert.match(r.stdout, /^POST \/10542\/api\/mailings$/m);
    const body = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'), r.stdout.indexOf('\nSubject per recipient')));
    assert.equal(body.is_test, true);
    assert.deepEqual(body.recipients, ['jane.doe@example.com', 'stranger@example.org']);
    assert.match(r.stdout, /^ {2}jane\.doe@example\.com {2}\[TEST\] VIP: Fresh snow, fresh trails \| January news$/m);
    assert.match(r.stdout, /^ {2}stranger@example\.org {2}\[TEST\] Fresh snow, fresh trails \| January news {2}\(not a contact of the list\)$/m);
    assert.equal(sends(), 0);
    assert.equal(outbox().length, 0);
  });

  it('send-test sends to each recipient once, logs it in .ongage/sends.jsonl, and --json reports the campaign', async () => {
    fs.mkdirSync(path.join(ws, '.ongage'));
    const r = await cli(['send-test', String(ids.emails.firstNewsletter), '--to', 'jane.doe@example.com', '--to', 'Stranger <stranger@example.org>,JANE.DOE@example.com', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.sent, true);
    assert.equal(out.statusText, 'Completed');
    assert.deepEqual(out.recipients, ['jane.doe@example.com', 'stranger@example.org']);
    assert.match(r.stderr, /Repeated address sent once: JANE\.DOE@example\.com/);
    assert.deepEqual(outbox().map((e) => [e.recipient, e.subject]).sort(), [
      ['jane.doe@example.com', '[TEST] VIP: Fresh snow, fresh trails | January news'],
      ['stranger@example.org', '[TEST] Fresh snow, fresh trails | January news'],
    ]);
    const lines = fs.readFileSync(path.join(ws, '.ongage', 'sends.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 1);
    assert.equal(lines[0].result, 'sent');
    assert.equal(lines[0].mailingId, out.mailingId);
    assert.deepEqual(lines[0].recipients, ['jane.doe@example.com', 'stranger@example.org']);
    const text = JSON.stringify(lines);
    assert.ok(!text.includes(sb.credentials.username) && !/X_PASSWORD|password|account_?code/i.test(text), 'no credential in the log');
  });

  it('a bad address is refused before any request (exit 2, naming it); so is an empty --to', async () => {
    const before = sb.stats().requests;
    const r = await cli(['send-test', String(ids.emails.firstNewsletter), '--to', 'jane.doe@example.com,bob@']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"bob@" is not an email address: the domain is missing/);
    const s = await cli(['send', String(ids.emails.orderReceipt), '--to', 'ann@localhost', '--list', '10543']);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /the domain "localhost" has no dot/);
    write('stray.json', [{ recipient: 'someone.else@example.com', key_value_collection: { first_name: 'S' } }]);
    const stray = await cli(['send', String(ids.emails.orderReceipt), '--list', '10543', '--to', 'jane.doe@example.com', '--per-recipient', 'stray.json']);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--per-recipient has values for someone\.else@example\.com, not among --to/);
    write('bad-per.json', [{ recipient: 'nobody@', key_value_collection: {} }]);
    const badPer = await cli(['send', String(ids.emails.orderReceipt), '--list', '10543', '--per-recipient', 'bad-per.json']);
    assert.equal(badPer.code, 2);
    assert.match(badPer.stderr, /--per-recipient bad-per\.json, item 1: "nobody@" is not an email address: the domain is missing/);
    write('broken.json', '{ "receipt_id": ');
    const broken = await cli(['send', String(ids.emails.orderReceipt), '--list', '10543', '--to', 'jane.doe@example.com', '--fields', 'broken.json']);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /--fields broken\.json: not valid JSON/);
    const none = await cli(['send', String(ids.emails.orderReceipt), '--list', '10543']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Pass the recipients with --to/);
    assert.equal(sb.stats().requests, before, 'no request reached the sandbox');
  });

  it('the allowlist refuses, and above confirmAbove without a terminal it refuses unless --yes', async () => {
    write('.ongage/sends.json', { allowlist: ['@example.com'], confirmAbove: 2 });
    const out = await cli(['send-test', String(ids.emails.firstNewsletter), '--to', 'jane.doe@example.com,stranger@example.org']);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /outside the sends allowlist \(.*sends\.json\): stranger@example\.org/);
    const three = 'jane.doe@example.com,john.smith@example.com,ana.garcia@example.com';
    const many = await cli(['send-test', String(ids.emails.firstNewsletter), '--to', three]);
    assert.equal(many.code, 2);
    assert.match(many.stderr, /3 recipients is more than 2 \(confirmAbove in \.ongage\/sends\.json\), and there is no terminal to ask\. Pass --yes/);
    assert.equal(sends(), 0);
    const yes = await cli(['send-test', String(ids.emails.firstNewsletter), '--to', three, '--yes']);
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal(outbox().length, 3);
  });

  it('send <id> with --fields and --per-recipient: right subject and fields per recipient; --dry-run first sends nothing', async () => {
    write('all.json', { receipt_id: 'R-ALL', order_total: '$10.00' });
    write('per.json', [{ recipient: 'new.buyer@example.org', key_value_collection: { receipt_id: 'R-2002', first_name: 'Nina' } }]);
    const args = ['send', String(ids.emails.orderReceipt), '--list', '10543', '--to', 'order.customer@example.com,new.buyer@example.org', '--fields', 'all.json', '--per-recipient', 'per.json'];
    const dry = await cli([...args, '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout);
    assert.equal(plan.dryRun, true);
    assert.equal(plan.request.path, '/10543/api/transactional/send');
    assert.deepEqual(plan.request.body.message_dynamic_fields, { receipt_id: 'R-ALL', order_total: '$10.00' });
    assert.deepEqual(plan.recipients, [
      { recipient: 'order.customer@example.com', subject: 'Your receipt R-ALL', contact: true },
      { recipient: 'new.buyer@example.org', subject: 'Your receipt R-2002', contact: false },
    ]);
    assert.equal(sends(), 0);
    const r = await cli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Sent email \d+ "Order receipt" as a transactional message to 2 recipients/);
    assert.match(r.stderr, /new\.buyer@example\.org is not a contact of the list/);
    const got = outbox();
    assert.deepEqual(got.map((e) => [e.recipient, e.subject, e.dynamic_fields]), plan.recipients.map((p: { recipient: string; subject: string }) => [p.recipient, p.subject, p.recipient === 'new.buyer@example.org' ? { receipt_id: 'R-2002', order_total: '$10.00', first_name: 'Nina' } : { receipt_id: 'R-ALL', order_total: '$10.00' }]));
  });

  it('send <file>: subject and From from the pulled settings beside it, or from the options', async () => {
    write('emails/welcome.html', '<html><body><p>Hi {{first_name:friend}}, code {{code}}</p></body></html>');
    write('emails/welcome.ongage.json', { name: 'Welcome', subject: 'Welcome, {{first_name:friend}}', addresses: [{ fromName: 'Harbor & Pine', fromAddress: 'hello@example.com', replyAddress: 'help@example.com' }] });
    write('code.json', { code: 'C-7' });
    const r = await cli(['send', 'emails/welcome.html', '--to', 'jane.doe@example.com', '--fields', 'code.json']);
    assert.equal(r.code, 0, r.stderr);
    const [e] = outbox();
    assert.deepEqual([e.subject, e.from_name, e.from_address, e.reply_address], ['Welcome, Jane', 'Harbor & Pine', 'hello@example.com', 'help@example.com']);
    write('bare.html', '<p>{{code}}</p>');
    const missing = await cli(['send', 'bare.html', '--to', 'jane.doe@example.com']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /bare\.html: no subject\. Pass --subject/);
    const noFrom = await cli(['send', 'bare.html', '--to', 'jane.doe@example.com', '--subject', 'S']);
    assert.match(noFrom.stderr, /the sender name \(From\) is missing\. Pass --from "Name <address>"/);
    const given = await cli(['send', 'bare.html', '--to', 'jane.doe@example.com', '--subject', 'Code {{code}}', '--from', 'Shop <shop@example.com>', '--fields', 'code.json']);
    assert.equal(given.code, 0, given.stderr);
    const last = outbox().at(-1)!;
    assert.deepEqual([last.subject, last.from_name, last.from_address, last.reply_address], ['Code C-7', 'Shop', 'shop@example.com', 'shop@example.com']);
  });

  it('an ambiguous failure exits 3 saying it may have gone out; the same send again is refused without --yes', async () => {
    fs.mkdirSync(path.join(ws, '.ongage'));
    sb.setFaults({ applyThenGarble: 1, path: '/transactional/send' });
    const args = ['send', String(ids.emails.orderReceipt), '--list', '10543', '--to', 'order.customer@example.com'];
    const r = await cli(args);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /may have gone out \(HTTP 200 with an answer that is not a readable Ongage answer\)\. It was not repeated, to avoid sending twice\. Before sending again, check the sandbox outbox/);
    assert.equal(outbox().length, 1, 'one delivery');
    assert.equal(sb.stats().byRoute['POST /api/transactional/send'], 1, 'not repeated');
    const again = await cli(args);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /Nothing was sent\. The same send to order\.customer@example\.com at .* may have gone out .* Pass --yes to send it again anyway\./);
    assert.equal(outbox().length, 1);
    const forced = await cli([...args, '--yes']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(outbox().length, 2);
    const results = fs.readFileSync(path.join(ws, '.ongage', 'sends.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).result);
    assert.deepEqual(results, ['maybe-sent', 'sent']);
  });

  it('a dropped connection after the send was applied exits 3 too', async () => {
    sb.setFaults({ applyThenDrop: 1, method: 'POST', path: '/api/mailings' });
    const r = await cli(['send-test', String(ids.emails.firstNewsletter), '--to', 'stranger@example.org']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /The test send of email \d+ may have gone out/);
    assert.equal(outbox().length, 1);
  });
});
