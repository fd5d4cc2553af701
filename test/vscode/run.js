#!/usr/bin/env node
// Runs the extension-host test suite (test/vscode/suite/) inside a real VS Code, offline: VS Code's own server from
// the code-server package (installed by test/e2e/setup.js into the harness cache) loads the extension as a
// development extension (extensionDevelopmentPath) and calls the compiled suite's run() (extensionTestsPath),
// opened from headless Chromium. Results are read from the JSON file the suite writes, not from an exit code.
// Prints each test, then `N passed, N failed`; writes {passes, failures, pending} to $ONGAGE_TEST_COUNTS when set.
// With --electron, the suite runs the classic @vscode/test-electron way instead (downloads VS Code, so it needs
// internet access to update.code.visualstudio.com; not possible on offline machines).
// Usage: node test/vscode/run.js [--electron]
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { chromium } = require('playwright-core');
const env = require('../e2e/harness/env');

const outDir = path.join(env.artifactsRoot, 'vscode');
const suiteOut = path.join(outDir, 'suite');
const resultsFile = path.join(suiteOut, 'results.json');
const TIMEOUT_MS = Number(process.env.ONGAGE_VSCODE_TIMEOUT_MS || 180000);

function writeCounts(c) {
  if (process.env.ONGAGE_TEST_COUNTS) fs.writeFileSync(process.env.ONGAGE_TEST_COUNTS, JSON.stringify(c));
}

async function compileSuite() {
  fs.rmSync(suiteOut, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: {
      index: path.join(__dirname, 'suite', 'index.ts'),
      tests: path.join(__dirname, 'suite', 'tests.ts'),
      features: path.join(__dirname, 'suite', 'features.ts'),
    },
    outdir: suiteOut,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'error',
  });
}

async function waitForResults(server, page) {
  const deadline = Date.now() + TIMEOUT_MS;
  let exited = null;
  server.exited.then((r) => (exited = r));
  for (;;) {
    if (fs.existsSync(resultsFile)) return JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    if (exited) throw new Error(`VS Code's server exited (${exited.code ?? exited.signal}) before the suite reported results:\n${env.tail(server.output())}`);
    if (Date.now() > deadline) {
      const loaded = /Loading development extension/.test(server.output());
      throw new Error(
        `No results after ${TIMEOUT_MS / 1000} s (${loaded ? 'the development extension loaded; the suite hung or crashed' : 'the development extension never loaded'}). ` +
          `See ${path.join(outDir, 'server.log')} and the screenshot ${path.join(outDir, 'timeout.png')}.\n${env.tail(server.output())}`,
      );
    }
    if (page && Date.now() + 1000 > deadline) await page.screenshot({ path: path.join(outDir, 'timeout.png') }).catch(() => undefined);
    await env.delay(250);
  }
}

/** The classic way: @vscode/test-electron downloads VS Code (Electron) and runs the suite in it. */
async function mainElectron(started) {
  const { runTests } = require('@vscode/test-electron');
  env.buildExtension();
  await compileSuite();
  const tmp = env.mkTemp('ongage-vscode-');
  fs.mkdirSync(path.join(tmp, 'workspace'));
  try {
    await runTests({
      extensionDevelopmentPath: env.root,
      extensionTestsPath: path.join(suiteOut, 'index.js'),
      launchArgs: [path.join(tmp, 'workspace'), '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${path.join(tmp, 'user-data')}`],
      extensionTestsEnv: { ONGAGE_VSCODE_RESULTS: resultsFile },
    });
  } catch (e) {
    // A failing suite also rejects here; the results file tells which.
    if (!fs.existsSync(resultsFile)) throw e;
  } finally {
    env.rmTemp(tmp);
  }
  if (!fs.existsSync(resultsFile)) throw new Error('VS Code ended without the suite writing its results.');
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  report(results, started);
  return results;
}

async function main() {
  const started = Date.now();
  fs.mkdirSync(outDir, { recursive: true });
  if (process.argv.includes('--electron')) return mainElectron(started);
  env.ensureDebianPackages({ needBuildTools: !env.harnessReady() });
  const p = env.ensureHarness();
  env.log('building the extension (node esbuild.js) and the extension-host suite');
  env.buildExtension();
  await compileSuite();

  const tmp = env.mkTemp('ongage-vscode-');
  const userDataDir = path.join(tmp, 'user-data');
  const folder = path.join(tmp, 'workspace');
  fs.mkdirSync(folder, { recursive: true });
  env.writeUserSettings(userDataDir);
  const port = await env.freePort();
  const logFile = path.join(outDir, 'server.log');
  fs.rmSync(logFile, { force: true });
  const server = env.startProcess(
    'vscode-server',
    p.node,
    [
      p.serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-workspace-trust',
      '--user-data-dir', userDataDir,
      '--server-data-dir', path.join(tmp, 'server-data'),
      '--extensions-dir', path.join(tmp, 'extensions'),
    ],
    { logFile, env: env.childEnv({ ONGAGE_VSCODE_RESULTS: resultsFile }, { node: p.node }) },
  );
  let browser;
  try {
    const base = `http://127.0.0.1:${port}`;
    await env.waitForHttp(`${base}/version`, server, 60000);
    const remote = (abs) => `vscode-remote://127.0.0.1:${port}${abs}`;
    const payload = [
      ['extensionDevelopmentPath', remote(env.root)],
      ['extensionTestsPath', remote(path.join(suiteOut, 'index.js'))],
    ];
    const url = `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    browser = await chromium.launch({ executablePath: env.chromiumPath, args: env.chromiumArgs, headless: true });
    const page = await browser.newPage();
    const consoleLog = fs.createWriteStream(path.join(outDir, 'browser-console.log'));
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    await page.goto(url);
    const results = await waitForResults(server, page);
    report(results, started);
    return results;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    env.rmTemp(tmp);
  }
}

function report(results, started) {
  console.log('\nOngage Studio extension-host suite (VS Code server from code-server, Chromium)');
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? '  ✔' : t.state === 'pending' ? '  -' : '  ✘';
    console.log(`${mark} ${t.fullTitle}`);
    if (t.error) console.log(t.error.split('\n').map((l) => `      ${l}`).join('\n'));
  }
  if (results.error) console.log(`\nThe suite could not run: ${results.error}`);
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().then(
  (r) => {
    const failures = r.failures + (r.error ? 1 : 0);
    const passes = r.passes;
    const broken = passes + failures === 0;
    writeCounts({ passes, failures: failures + (broken ? 1 : 0), pending: r.pending, pendingTests: r.tests.filter((t) => t.state === 'pending').map((t) => t.fullTitle) });
    const line = `${passes} passed, ${failures + (broken ? 1 : 0)} failed${r.pending ? `, ${r.pending} skipped` : ''}`;
    // Under scripts/test-all.js (counts file set) the closing totals line is that script's alone.
    console.log(process.env.ONGAGE_TEST_COUNTS ? `extension-host suite: ${line}` : line);
    process.exit(failures > 0 || broken ? 1 : 0);
  },
  (e) => {
    console.error(`extension-host suite failed to run: ${e.message}`);
    writeCounts({ passes: 0, failures: 1, pending: 0 });
    console.log(process.env.ONGAGE_TEST_COUNTS ? 'extension-host suite: did not run' : '0 passed, 1 failed');
    process.exit(1);
  },
);
