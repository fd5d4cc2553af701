import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CheckClient } from '../../../src/check-worker/client';
import { lint, supportScoreOf } from '../../../src/core/language/lint';
import { LatestWorker } from '../../../src/workers/latest';

const ECHO = path.join(__dirname, 'fixtures', 'echo-worker.js');
const CHECK_WORKER = path.join(__dirname, '..', '..', '..', 'src', 'check-worker', 'worker.ts');
const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');

type Echo = { text: string; seen: string[] };

describe('a worker that works on the latest request of each key', function () {
  this.timeout(30000);
  const workers: Array<{ dispose(): void }> = [];
  const echo = () => {
    const w = new LatestWorker<{ text: string; delay?: number }, Echo>({ script: ECHO, name: 'echo worker' });
    workers.push(w);
    return w;
  };
  afterEach(() => workers.splice(0).forEach((w) => w.dispose()));

  it('keeps one waiting request per key: a newer one replaces it, other keys keep theirs, in order', async () => {
    const w = echo();
    const running = w.run('a', { text: 'a1', delay: 150 });
    const a2 = w.run('a', { text: 'a2' });
    const b1 = w.run('b', { text: 'b1' });
    const a3 = w.run('a', { text: 'a3' });
    assert.strictEqual((await running)?.result.text, 'A1', 'the running request is never dropped');
    assert.strictEqual(await a2, undefined, 'overtaken by a3 while waiting');
    assert.deepStrictEqual((await b1)?.result.seen, ['a1', 'b1']);
    assert.deepStrictEqual((await a3)?.result.seen, ['a1', 'b1', 'a3']);
  });

  it('warms only when idle, and a warm-up never displaces a request', async () => {
    const w = echo();
    const first = w.run('a', { text: 'x', delay: 100 });
    w.warm('a', { text: 'warm' });
    assert.strictEqual(w.busy, true);
    assert.deepStrictEqual((await first)?.result.seen, ['x']);
    w.warm('a', { text: 'warm' });
    const next = await w.run('b', { text: 'y' });
    assert.deepStrictEqual(next?.result.seen, ['x', 'warm', 'y']);
  });

  it('names itself in a time-limit error and starts again for the next request', async () => {
    const w = new LatestWorker<{ text: string; delay?: number }, Echo>({ script: ECHO, name: 'echo worker', timeoutMs: 100 });
    workers.push(w);
    await assert.rejects(w.run('a', { text: 'slow', delay: 5000 }), /the echo worker took over 100 ms and was stopped/);
    assert.strictEqual(w.started, false);
    assert.deepStrictEqual((await w.run('a', { text: 'ok' }))?.result.seen, ['ok'], 'a new worker, which saw nothing before');
  });
});

describe('the check worker (the editor\'s diagnostics and the preview\'s support score, off the extension host)', function () {
  this.timeout(60000);
  let client: CheckClient;
  before(() => {
    client = new CheckClient({ script: CHECK_WORKER, execArgv: ['--require', 'tsx/cjs'] });
  });
  after(() => client.dispose());

  const email = '<!DOCTYPE html><html><head><title>Hi</title><style>p{border-radius:4px}</style></head><body><p>Hi {{frist_name}}</p><img src="a.png"></body></html>';
  const fields = [{ name: 'first_name', type: 'string' as const }];

  it('answers exactly what lint answers in the host, email checks included', async () => {
    const options = { kind: 'html' as const, fields: fields as never, config: { rules: {} } };
    const r = await client.lint('doc', email, options);
    assert.ok(r);
    assert.deepStrictEqual(r.diagnostics, lint(email, options));
    const rules: string[] = r.diagnostics.map((d) => d.rule);
    assert.ok(rules.includes('unknown-field'), rules.join());
    for (const rule of ['client-unsupported', 'img-alt', 'html-lang']) assert.ok(rules.includes(rule), `${rule} in ${rules.join()}`);
  });

  it('scores client support as the host would', async () => {
    assert.deepStrictEqual(await client.support('doc', email), supportScoreOf(email));
    assert.deepStrictEqual(await client.support('doc', email, ['gmail']), supportScoreOf(email, ['gmail']));
  });

  it('answers only the latest text of a document typed into while a check runs', async function () {
    const big = path.join(CORPUS, 'large-100kb.html');
    if (!fs.existsSync(big)) this.skip();
    const text = fs.readFileSync(big, 'utf8');
    const unknown = (r: { diagnostics: { rule: string; message: string }[] } | undefined) =>
      r?.diagnostics.filter((d) => d.rule === 'unknown-field' && /"unknown_\d"/.test(d.message)).map((d) => /unknown_\d/.exec(d.message)![0]);
    const answers = await Promise.all([0, 1, 2, 3].map((i) => client.lint('big', text.replace('</body>', `{{unknown_${i}}}</body>`), { kind: 'html', fields: fields as never })));
    assert.deepStrictEqual(unknown(answers[0]), ['unknown_0'], 'the first check was already running');
    assert.strictEqual(answers[1], undefined);
    assert.strictEqual(answers[2], undefined);
    assert.deepStrictEqual(unknown(answers[3]), ['unknown_3']);
  });
});
