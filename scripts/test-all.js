#!/usr/bin/env node
// Runs every test suite (type check, unit, integration, end-to-end) and closes with one line,
// `N passed, N failed`, the totals of all of them. Exit code 0 only when every suite ran and passed.
// Usage: node scripts/test-all.js [--skip-e2e]
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { childEnv } = require('./child-env');

const root = path.resolve(__dirname, '..');
const skipE2e = process.argv.includes('--skip-e2e') || process.env.ONGAGE_SKIP_E2E === '1';
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = path.join(__dirname, 'count-reporter.js');

const suites = [
  { name: 'unit', files: ['test/unit/**/*.test.ts', 'sandbox/test/**/*.test.ts'] },
  { name: 'integration', files: ['test/integration/**/*.test.ts'] },
];
if (!skipE2e) suites.push({ name: 'e2e', setup: ['node', ['test/e2e/setup.js']], files: ['test/e2e/**/*.e2e.ts'], timeout: '180000' });
// The extension-host suite (real VS Code server, offline); it reports its counts through $ONGAGE_TEST_COUNTS itself.
if (!skipE2e) suites.push({ name: 'vscode', command: [process.execPath, ['test/vscode/run.js']] });

let passed = 0;
let failed = 0;
let pending = 0;
let broken = false;

// The launch ledger of the whole run (sandbox/ledger.ts): every sandbox of every suite — in a test process or a
// child process — records its start and any real (non-test) campaign launch here. Checked once, at the very end.
const ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-ledger-'));
const ledger = path.join(ledgerDir, 'launches.jsonl');
fs.writeFileSync(ledger, '');

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: childEnv(env) });
  return r.status === null ? 1 : r.status;
}

console.log('== type check');
if (run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.']) !== 0) {
  console.log('type check failed');
  failed += 1;
  broken = true;
}

for (const suite of suites) {
  console.log(`\n== ${suite.name} tests`);
  if (suite.setup && run(suite.setup[0], suite.setup[1]) !== 0) {
    console.log(`${suite.name}: setup failed; its tests did not run`);
    failed += 1;
    broken = true;
    continue;
  }
  const countsFile = path.join(os.tmpdir(), `ongage-counts-${process.pid}-${suite.name}.json`);
  fs.rmSync(countsFile, { force: true });
  const args = [mocha, '--config', '.mocharc.json', '--require', 'tsx/cjs', '--require', 'test/launch-guard.ts', '--reporter', reporter];
  if (suite.timeout) args.push('--timeout', suite.timeout);
  if (suite.files) args.push(...suite.files);
  const [cmd, cmdArgs] = suite.command || [process.execPath, args];
  const code = run(cmd, cmdArgs, { ONGAGE_TEST_COUNTS: countsFile, ONGAGE_SANDBOX_LEDGER: ledger });
  if (!fs.existsSync(countsFile)) {
    console.log(`${suite.name}: the runner ended (exit ${code}) without reporting results`);
    failed += 1;
    broken = true;
    continue;
  }
  const c = JSON.parse(fs.readFileSync(countsFile, 'utf8'));
  fs.rmSync(countsFile, { force: true });
  passed += c.passes;
  failed += c.failures;
  pending += c.pending;
  if (code !== 0 && c.failures === 0) {
    failed += 1;
    broken = true;
  }
}

// Zero real campaign launches across every suite; a ledger with no sandbox start means the check is not wired.
console.log('\n== launch ledger');
{
  const lines = fs.readFileSync(ledger, 'utf8').split('\n').filter((l) => l.trim());
  fs.rmSync(ledgerDir, { recursive: true, force: true });
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

if (passed === 0) broken = true;
console.log('');
console.log(`${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
process.exit(failed > 0 || broken ? 1 : 0);
