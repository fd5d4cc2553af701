#!/usr/bin/env node
// Gets the machine ready for the end-to-end journeys (npm run test:e2e), the extension-host suite
// (npm run test:vscode) and the demo (npm run demo):
// 1. Debian packages chromium and libkrb5-dev, installed with apt-get only when missing;
// 2. Node 24 and code-server (VS Code's workbench), installed once into ~/.cache/ongage-studio-e2e/<key>/ (key = hash
//    of test/e2e/harness/*/package*.json; override the folder with ONGAGE_E2E_CACHE), so later runs skip this;
// 3. ongage-studio.vsix, built with `npm run package` (skipped with --no-vsix).
// Usage: node test/e2e/setup.js [--no-vsix]
'use strict';
const env = require('./harness/env');

function main() {
  const started = Date.now();
  try {
    env.ensureDebianPackages({ needBuildTools: !env.harnessReady() });
    const p = env.ensureHarness();
    env.log(`harness ready: ${p.dir}`);
    if (!process.argv.includes('--no-vsix')) env.buildVsix();
  } catch (e) {
    console.error(`e2e setup failed: ${e.message}`);
    process.exit(1);
  }
  env.log(`setup done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();
