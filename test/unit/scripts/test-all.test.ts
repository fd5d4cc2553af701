// The test runner itself (scripts/test-all.js), run on tiny fixture suites (test/fixtures/test-all/) through
// ONGAGE_TEST_ALL_SUITES: a suite that runs nothing, hangs or keeps an `.only` fails the run, saying which and why,
// and the closing line stays the last one.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = 'test/fixtures/test-all';

interface Suite {
  name: string;
  files?: string[];
  timeLimitS?: number;
  browser?: boolean;
}

interface Run {
  code: number | null;
  lines: string[];
  out: string;
}

function alive(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

async function runAll(suites: Suite[], opts: { env?: Record<string, string>; args?: string[]; corpus?: string } = {}): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-test-all-'));
  try {
    const planFile = path.join(dir, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify({ suites, corpus: opts.corpus }));
    const env: NodeJS.ProcessEnv = { ...process.env, ONGAGE_TEST_ALL_SUITES: planFile, ...opts.env };
    delete env.ONGAGE_TEST_COUNTS;
    delete env.ONGAGE_SKIP_E2E;
    Object.assign(env, opts.env);
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'test-all.js'), ...(opts.args ?? [])], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    return { code, out, lines: out.split('\n').filter((l) => l.trim() !== '') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const suite = (name: string, fixture: string, extra: Partial<Suite> = {}): Suite => ({ name, files: [`${FIXTURES}/${fixture}.fixture.js`], ...extra });

function closing(r: Run): string {
  return r.lines[r.lines.length - 1];
}

describe('scripts/test-all.js on fixture suites', function () {
  this.timeout(90000);

  it('a suite with a passing test: exit 0, and the plain closing line is the last line', async () => {
    const r = await runAll([suite('good', 'passing')]);
    assert.equal(r.code, 0, r.out);
    assert.equal(closing(r), '1 passed, 0 failed');
    assert.match(r.out, /harness self-tests: 0 passed, 0 failed; the product's tests: 1 passed, 0 failed/);
  });

  it('a suite whose tests are all pending fails the run, naming it', async () => {
    const r = await runAll([suite('good', 'passing'), suite('lazy', 'all-pending')]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /lazy: no test of the product passed \(0 passed, 0 failed, 2 pending\); a suite that runs nothing fails the run/);
    assert.match(r.out, /pending \(skipped\) tests: 2\n\s+- lazy: fixture: all pending is pending/);
    assert.equal(closing(r), '1 passed, 1 failed');
  });

  it('a suite with no tests at all fails the run', async () => {
    const r = await runAll([suite('hollow', 'empty')]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /hollow: no test of the product passed \(0 passed, 0 failed, 0 pending\)/);
    assert.equal(closing(r), '0 passed, 1 failed');
  });

  it('a failing test fails the run and is counted', async () => {
    const r = await runAll([suite('good', 'passing'), suite('bad', 'failing')]);
    assert.equal(r.code, 1, r.out);
    assert.equal(closing(r), '1 passed, 2 failed'); // the failing test, and the suite with no passing test
  });

  it('a hung suite meets its time limit (overridable by environment): a message names it and its process group ends', async () => {
    const pidFile = path.join(os.tmpdir(), `ongage-hung-${process.pid}.pid`);
    fs.rmSync(pidFile, { force: true });
    try {
      const r = await runAll([suite('stuck', 'hung', { timeLimitS: 600 }), suite('good', 'passing')], {
        env: { ONGAGE_TIME_LIMIT_STUCK_S: '3', ONGAGE_FIXTURE_PID_FILE: pidFile },
      });
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /stuck tests: TIME LIMIT of 3 s reached; its process group was ended \(set ONGAGE_TIME_LIMIT_STUCK_S to allow more\)/);
      // The suites after it still ran.
      assert.equal(closing(r), '1 passed, 1 failed');
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      assert.ok(pid > 0);
      const deadline = Date.now() + 10000;
      while (alive(pid) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
      assert.ok(!alive(pid), `the hung suite's child process ${pid} outlived the run`);
    } finally {
      fs.rmSync(pidFile, { force: true });
    }
  });

  it('an .only left in a suite fails the run (--forbid-only)', async () => {
    // The focused suite is written here, in a temporary folder, so that the repository itself holds no `.only`.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-only-'));
    const focused = path.join(dir, 'only.fixture.js');
    const focus = ['it', 'only'].join('.');
    fs.writeFileSync(focused, `describe('fixture: an .only left in', () => {\n  ${focus}('runs alone', () => {});\n  it('would be left out', () => {});\n});\n`);
    let r: Run;
    try {
      r = await runAll([suite('good', 'passing'), { name: 'focused', files: [focused] }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /`\.only` forbidden by --forbid-only/);
    assert.match(r.out, /focused: the runner ended \(exit 1\) without reporting results/);
    assert.equal(closing(r), '1 passed, 1 failed');
  });

  it('--skip-e2e and ONGAGE_SKIP_E2E=1 name the skipped suites before the closing line', async () => {
    const suites = [suite('good', 'passing'), suite('browser', 'passing', { browser: true })];
    const all = await runAll(suites);
    assert.equal(closing(all), '2 passed, 0 failed');
    assert.doesNotMatch(all.out, /skipped suites/);
    for (const r of [await runAll(suites, { args: ['--skip-e2e'] }), await runAll(suites, { env: { ONGAGE_SKIP_E2E: '1' } })]) {
      assert.equal(r.code, 0, r.out);
      assert.ok(r.lines.slice(0, -1).includes('skipped suites: browser (--skip-e2e or ONGAGE_SKIP_E2E=1); their tests are not in the totals'), r.out);
      assert.equal(closing(r), '1 passed, 0 failed');
    }
  });

  it('says so when the shared corpus is absent, and counts harness self-tests apart', async () => {
    const r = await runAll([suite('good', 'passing'), suite('self', 'harness')], { corpus: path.join(os.tmpdir(), 'no-such-corpus-folder') });
    assert.match(r.out, /shared corpus absent: .*no-such-corpus-folder does not exist, so the corpus tests were skipped/);
    // A suite whose only passing tests are the harness's own does not count as having run the product.
    assert.match(r.out, /self: no test of the product passed \(1 passed, 0 failed, 0 pending, of them 1 harness self-tests\)/);
    assert.match(r.out, /harness self-tests: 1 passed, 0 failed; the product's tests: 1 passed, 1 failed/);
    assert.equal(closing(r), '2 passed, 1 failed');
    const present = await runAll([suite('good', 'passing')], { corpus: ROOT });
    assert.doesNotMatch(present.out, /shared corpus absent/);
  });
});
