// The environment for every npm or node process the project starts (harness installs, the demo, the test runners,
// benchmarks). Started from inside `npm run …` / `npm test`, a process inherits the outer npm's variables:
// `npm_config_user_agent` (which names the outer npm's Node: an inner `npm ci` takes it as its own `user-agent`
// setting, and code-server's postinstall reads the Node version from it), `npm_config_*` settings, lifecycle and
// package variables, `NODE` and `INIT_CWD`, and npm's node-gyp shim on PATH. `childEnv()` drops all of them, so an
// inner npm reads its own configuration (the same npmrc files) and describes its own Node, and puts the intended
// Node first on PATH. Plain CommonJS: scripts/, test/e2e/harness/ and bench/ all require it without a compile step.
'use strict';
const path = require('path');

/** Whether `name` is a variable npm sets for the scripts it runs (not one the user set). */
function isNpmVariable(name) {
  return /^npm_/i.test(name) || name === 'NODE' || name === 'INIT_CWD';
}

/**
 * A copy of `base` (default process.env) without the outer npm's variables, with the folder of `node` (when given)
 * first on PATH and npm's node-gyp shim folder removed from it, then `extra` laid over it.
 * @param {Record<string, string | undefined>} [extra]
 * @param {{ node?: string, base?: NodeJS.ProcessEnv }} [opts]
 */
function childEnv(extra = {}, { node, base = process.env } = {}) {
  const env = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !isNpmVariable(k)) env[k] = v;
  }
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') || 'PATH';
  let entries = (env[pathKey] || '').split(path.delimiter).filter((p) => p && !/[\\/]@npmcli[\\/]run-script[\\/]/.test(p));
  if (node) {
    const dir = path.dirname(node);
    entries = [dir, ...entries.filter((p) => path.resolve(p) !== path.resolve(dir))];
  }
  env[pathKey] = entries.join(path.delimiter);
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

module.exports = { childEnv, isNpmVariable };
