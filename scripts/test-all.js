#!/usr/bin/env node
// Runs every test suite (type check, unit, integration, end-to-end, extension host) and closes with one line,
// `N passed, N failed`, the totals of all of them; it is always the last line printed. Exit code 0 only when every
// suite ran and passed. The run fails when an expected suite reports no passing test of the product (all pending, or
// none at all), when a suite exceeds its time limit (its process group is ended), or when mocha finds an `.only`
// (--forbid-only). Before the closing line it says which suites were skipped, which tests were skipped (the shared
// corpus's when ../shared/corpus is absent) and how many of the totals are the harness's own self-tests.
//
// Usage: node scripts/test-all.js [--skip-e2e]            (ONGAGE_SKIP_E2E=1 does the same as --skip-e2e)
// Time limits: ONGAGE_TIME_LIMIT_<SUITE>_S overrides a suite's limit in seconds (SUITE: TYPECHECK, UNIT,
// INTEGRATION, E2E_SETUP, E2E, VSCODE).
// ONGAGE_TEST_ALL_SUITES=<file.json> runs the suites that file lists instead (the runner's own tests use it):
//   { "suites": [{ "name": "x", "files": ["…"], "timeLimitS": 10, "browser": false }], "typecheck": false, "ledger": false,
//     "corpus": "<folder whose absence means the corpus tests were skipped>" }
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { childEnv } = require('./child-env');

const root = path.resolve(__dirname, '..');
const skipE2e = process.argv.includes('--skip-e2e') || process.env.ONGAGE_SKIP_E2E === '1';
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = path.join(__dirname, 'count-reporter.js');

function loadPlan() {
  const file = process.env.ONGAGE_TEST_ALL_SUITES;
  const plan = file
    ? { typecheck: false, ledger: false, corpus: undefined, ...JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) }
    : {
        typecheck: true,
        ledger: true,
        corpus: path.resolve(root, '..', 'shared', 'corpus'),
        suites: [
          { name: 'unit', files: ['test/unit/**/*.test.ts', 'sandbox/test/**/*.test.ts'], timeLimitS: 600 },
          { name: 'integration', files: ['test/integration/**/*.test.ts'], timeLimitS: 900 },
          {
            name: 'e2e',
            browser: true,
            setup: { command: ['node', ['test/e2e/setup.js']], timeLimitS: 1200 },
            files: ['test/e2e/**/*.e2e.ts'],
            mochaTimeout: '180000',
            timeLimitS: 2700,
          },
          // The extension-host suite (real VS Code server, offline); it reports its counts through $ONGAGE_TEST_COUNTS itself.
          { name: 'vscode', browser: true, command: [process.execPath, ['test/vscode/run.js']], timeLimitS: 900 },
        ],
      };
  // --skip-e2e leaves out the suites that need the browser harness (`browser: true`).
  const skipped = skipE2e ? plan.suites.filter((s) => s.browser) : [];
  return { ...plan, suites: plan.suites.filter((s) => !skipped.includes(s)), skipped: skipped.map((s) => s.name) };
}

const plan = loadPlan();

let passed = 0;
let failed = 0;
let pending = 0;
let broken = false;
const harness = { passes: 0, failures: 0, pending: 0 };
const pendingTests = [];
const problems = [];

/** The time limit of a step in seconds: $ONGAGE_TIME_LIMIT_<KEY>_S, else its default. */
function timeLimit(key, fallback) {
  const v = process.env[`ONGAGE_TIME_LIMIT_${key.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_S`];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

const running = new Set();
function endGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* the group is gone */
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of running) endGroup(c, 'SIGKILL');
    process.exit(1);
  });
}

/**
 * Runs `cmd args` in a process group of its own (stdout and stderr shared), at most `limitS` seconds; past that the
 * whole group is ended (TERM, then KILL after 5 s). Resolves { code, timedOut }.
 */
function run(cmd, args, env, limitS) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: childEnv(env), detached: true });
    running.add(child);
    let timedOut = false;
    let killer;
    const timer = setTimeout(() => {
      timedOut = true;
      endGroup(child, 'SIGTERM');
      killer = setTimeout(() => endGroup(child, 'SIGKILL'), 5000);
    }, limitS * 1000);
    const done = (code) => {
      clearTimeout(timer);
      running.delete(child);
      // Whatever the group still holds (a server a test left behind) ends with it.
      endGroup(child, 'SIGKILL');
      if (killer) clearTimeout(killer);
      resolve({ code, timedOut });
    };
    child.on('error', (e) => {
      console.log(`could not start ${cmd}: ${e.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code === null ? (signal ? 1 : 1) : code));
  });
}

function fail(message) {
  console.log(message);
  problems.push(message);
  failed += 1;
  broken = true;
}

function timeLimitMessage(what, key, limitS) {
  return `${what}: TIME LIMIT of ${limitS} s reached; its process group was ended (set ONGAGE_TIME_LIMIT_${key}_S to allow more)`;
}

async function main() {
  if (plan.typecheck) {
    console.log('== type check');
    const limit = timeLimit('typecheck', 600);
    const r = await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.'], {}, limit);
    if (r.timedOut) fail(timeLimitMessage('type check', 'TYPECHECK', limit));
    else if (r.code !== 0) fail('type check failed');
  }

  // The launch ledger of the whole run (sandbox/ledger.ts): every sandbox of every suite — in a test process or a
  // child process — records its start and any real (non-test) campaign launch here. Checked once, at the very end.
  const ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-ledger-'));
  const ledger = path.join(ledgerDir, 'launches.jsonl');
  fs.writeFileSync(ledger, '');

  for (const suite of plan.suites) {
    console.log(`\n== ${suite.name} tests`);
    const key = suite.name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    if (suite.setup) {
      const limit = timeLimit(`${suite.name}_setup`, suite.setup.timeLimitS || 1200);
      const r = await run(suite.setup.command[0], suite.setup.command[1], {}, limit);
      if (r.timedOut || r.code !== 0) {
        fail(r.timedOut ? `${timeLimitMessage(`${suite.name} setup`, `${key}_SETUP`, limit)}; its tests did not run` : `${suite.name}: setup failed; its tests did not run`);
        continue;
      }
    }
    const countsFile = path.join(os.tmpdir(), `ongage-counts-${process.pid}-${suite.name}.json`);
    fs.rmSync(countsFile, { force: true });
    const args = [mocha, '--config', '.mocharc.json', '--require', 'tsx/cjs', '--require', 'test/launch-guard.ts', '--forbid-only', '--reporter', reporter];
    if (suite.mochaTimeout) args.push('--timeout', suite.mochaTimeout);
    if (suite.files) args.push(...suite.files);
    const [cmd, cmdArgs] = suite.command || [process.execPath, args];
    const limit = timeLimit(suite.name, suite.timeLimitS || 900);
    const r = await run(cmd, cmdArgs, { ONGAGE_TEST_COUNTS: countsFile, ONGAGE_SANDBOX_LEDGER: ledger }, limit);
    if (r.timedOut) {
      fs.rmSync(countsFile, { force: true });
      fail(`${timeLimitMessage(`${suite.name} tests`, key, limit)}; its results are not counted`);
      continue;
    }
    if (!fs.existsSync(countsFile)) {
      fail(`${suite.name}: the runner ended (exit ${r.code}) without reporting results (its error is above: a file that does not load, an .only refused by --forbid-only)`);
      continue;
    }
    const c = JSON.parse(fs.readFileSync(countsFile, 'utf8'));
    fs.rmSync(countsFile, { force: true });
    const h = c.harness || { passes: 0, failures: 0, pending: 0 };
    passed += c.passes;
    failed += c.failures;
    pending += c.pending;
    harness.passes += h.passes;
    harness.failures += h.failures;
    harness.pending += h.pending;
    for (const t of c.pendingTests || []) pendingTests.push(`${suite.name}: ${t}`);
    if (r.code !== 0 && c.failures === 0) {
      fail(`${suite.name}: the runner exited ${r.code} with no failing test (an error outside the tests, or an .only that --forbid-only refused)`);
    }
    const productPasses = c.passes - h.passes;
    if (productPasses <= 0) {
      fail(
        `${suite.name}: no test of the product passed (${c.passes} passed, ${c.failures} failed, ${c.pending} pending${h.passes ? `, of them ${h.passes} harness self-tests` : ''}); a suite that runs nothing fails the run`,
      );
    }
  }

  // Zero real campaign launches across every suite; a ledger with no sandbox start means the check is not wired.
  if (plan.ledger) {
    console.log('\n== launch ledger');
    const lines = fs.readFileSync(ledger, 'utf8').split('\n').filter((l) => l.trim());
    let starts = 0;
    let expected = 0;
    const unexpected = [];
    const unreadable = [];
    for (const l of lines) {
      let e;
      try {
        e = JSON.parse(l);
      } catch {
        unreadable.push(l.slice(0, 120));
        continue;
      }
      if (e.event === 'start') starts++;
      else if (e.event === 'launch' && e.expected) expected++;
      else if (e.event === 'launch') unexpected.push(`campaign ${e.mailingId} "${e.name}" at ${e.url} (pid ${e.pid})`);
      else unreadable.push(l.slice(0, 120));
    }
    if (unexpected.length) {
      console.log(`FAILED: ${unexpected.length} real campaign launch(es) reached a sandbox during the run: ${unexpected.join('; ')}`);
      failed += 1;
    } else if (unreadable.length) {
      console.log(`FAILED: the launch ledger has unreadable lines: ${unreadable.join(' | ')}`);
      failed += 1;
    } else if (starts === 0) {
      console.log('FAILED: no sandbox recorded its start in the launch ledger, so zero launches proves nothing (is ONGAGE_SANDBOX_LEDGER passed on?)');
      failed += 1;
    } else {
      console.log(`${starts} sandboxes across the run recorded 0 real campaign launches${expected ? ` (besides ${expected} by the sandbox's own launch tests)` : ''}`);
      passed += 1;
    }
  }
  fs.rmSync(ledgerDir, { recursive: true, force: true });

  if (passed === 0) broken = true;
  console.log('\n== summary');
  if (plan.skipped.length) {
    console.log(`skipped suites: ${plan.skipped.join(', ')} (--skip-e2e or ONGAGE_SKIP_E2E=1); their tests are not in the totals`);
  }
  if (plan.corpus && !fs.existsSync(plan.corpus)) {
    const n = pendingTests.filter((t) => /corpus/i.test(t)).length;
    console.log(`shared corpus absent: ${plan.corpus} does not exist, so the corpus tests were skipped (${n} pending)`);
  }
  if (pending) {
    console.log(`pending (skipped) tests: ${pending}`);
    for (const t of pendingTests.slice(0, 30)) console.log(`  - ${t}`);
    if (pendingTests.length > 30) console.log(`  … and ${pendingTests.length - 30} more`);
  }
  console.log(
    `harness self-tests: ${harness.passes} passed, ${harness.failures} failed; the product's tests: ${passed - harness.passes} passed, ${failed - harness.failures} failed (the closing line counts both)`,
  );
  if (problems.length) console.log(`the run failed because: ${problems.join(' | ')}`);
  console.log('');
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || broken ? 1 : 0);
}

main().catch((e) => {
  console.log(`the test runner broke: ${e && e.stack ? e.stack : e}`);
  console.log('');
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
