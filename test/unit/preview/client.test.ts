import * as assert from 'assert';
import * as path from 'path';
import { RenderClient, RenderTimeoutError } from '../../../src/preview/client';

const FIXTURE = path.join(__dirname, 'fixtures', 'misbehaving-worker.js');
const REAL = path.join(__dirname, '..', '..', '..', 'src', 'preview', 'worker.ts');

describe('render worker client', function () {
  this.timeout(20000);
  const clients: RenderClient[] = [];
  const make = (script = FIXTURE, timeoutMs = 5000) => {
    const c = new RenderClient({ script, timeoutMs, execArgv: script.endsWith('.ts') ? ['--require', 'tsx/cjs'] : [] });
    clients.push(c);
    return c;
  };
  afterEach(() => clients.splice(0).forEach((c) => c.dispose()));

  it('renders with the real renderer in a worker thread', async () => {
    const c = make(REAL);
    const r = await c.render(
      { html: '<html><head><style>p{color:#ff0000}</style></head><body><p>Hi {{first_name:Friend}}</p></body></html>', subject: 'For {{first_name}}' },
      { values: { first_name: 'Ada' } },
    );
    assert.ok(r);
    assert.match(r.result.html, /<p style="color: ?#ff0000;?">Hi Ada<\/p>/);
    assert.strictEqual(r.result.subject, 'For Ada');
  });

  it('answers only the latest of the requests made while one runs', async () => {
    const c = make();
    const first = c.render({ html: 'a' }, { values: { delay: 150 } });
    const dropped = c.render({ html: 'b' }, { values: {} });
    const latest = c.render({ html: 'c' }, { values: {} });
    assert.strictEqual((await first)?.result.html, 'A');
    assert.strictEqual(await dropped, undefined);
    assert.strictEqual((await latest)?.result.html, 'C');
  });

  it('stops a render that runs too long, says so, and renders the next one', async () => {
    const c = make(FIXTURE, 300);
    await assert.rejects(c.render({ html: 'hang' }, { values: {} }), (e: Error) => e instanceof RenderTimeoutError && /took over/.test(e.message));
    assert.strictEqual((await c.render({ html: 'ok' }, { values: {} }))?.result.html, 'OK');
  });

  it('survives a crashed worker: the render fails with the exit code, the next starts a new worker', async () => {
    const c = make();
    await assert.rejects(c.render({ html: 'crash' }, { values: {} }), /the render worker stopped \(exit code 3\)/);
    assert.strictEqual((await c.render({ html: 'again' }, { values: {} }))?.result.html, 'AGAIN');
  });

  it('reports an error the worker answers with, first line only', async () => {
    const c = make();
    await assert.rejects(c.render({ html: 'throw' }, { values: {} }), (e: Error) => e.message === 'Error: broken template');
  });

  it('stop ends the worker and drops pending renders; the next render starts a new worker', async () => {
    const c = make();
    const running = c.render({ html: 'x' }, { values: { delay: 200 } });
    c.stop();
    assert.strictEqual(await running, undefined);
    assert.strictEqual((await c.render({ html: 'after' }, { values: {} }))?.result.html, 'AFTER');
  });

  it('after dispose, pending renders resolve to nothing and new ones are refused', async () => {
    const c = make();
    const running = c.render({ html: 'x' }, { values: { delay: 200 } });
    const waiting = c.render({ html: 'y' }, { values: {} });
    c.dispose();
    assert.strictEqual(await running, undefined);
    assert.strictEqual(await waiting, undefined);
    await assert.rejects(c.render({ html: 'z' }, { values: {} }), /closed/);
  });
});
