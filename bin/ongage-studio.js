#!/usr/bin/env node
// The `ongage-studio` command (package.json "bin"). Runs the bundled command line, dist/cli.js. In a clone of
// the repository the bundle is (re)built first when it is missing or older than the sources it is made from,
// with esbuild (a devDependency, there after `npm ci`), so `npx ongage-studio …` works without `npm run build`
// and never runs stale code. A package without sources just runs its bundle.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'dist', 'cli.js');
const entry = path.join(root, 'src', 'cli', 'main.ts');

/** Newest modification time (ms) of the files the bundle is made from. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    } else if (st.mtimeMs > newest) {
      newest = st.mtimeMs;
    }
  };
  for (const p of ['src/cli', 'src/core', 'package.json', 'bin/ongage-studio.js']) visit(path.join(root, p));
  return newest;
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function build() {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    return false;
  }
  // Written next to the bundle and renamed into place, so a run that starts meanwhile never reads half a file.
  const tmp = `${bundle}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    esbuild.buildSync({
      absWorkingDir: root,
      entryPoints: [entry],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: false,
      logLevel: 'error',
    });
    fs.renameSync(tmp, bundle);
    return true;
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    process.stderr.write(`ongage-studio: could not build the command line (${e && e.message ? e.message.split('\n')[0] : e}).\n`);
    return false;
  }
}

function main() {
  const haveSources = fs.existsSync(entry);
  if (haveSources && mtime(bundle) < newestSource()) {
    if (!build() && !fs.existsSync(bundle)) {
      process.stderr.write('ongage-studio: dist/cli.js is missing and could not be built. Run `npm ci` (or `npm run build`) in the repository first.\n');
      process.exit(2);
    }
  } else if (!fs.existsSync(bundle)) {
    process.stderr.write('ongage-studio: dist/cli.js is missing. Run `npm run build` first.\n');
    process.exit(2);
  }
  require(bundle);
}

main();
