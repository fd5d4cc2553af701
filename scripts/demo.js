#!/usr/bin/env node
// `npm run demo`: one command from a fresh clone to the extension running in a real VS Code workbench in the
// browser, already connected to the local sandbox.
// 1. the end-to-end setup (test/e2e/setup.js): Debian packages when missing, Node 24 + code-server in the harness
//    cache (about 3 minutes the first time, instant afterwards), the VSIX built with `npm run package`;
// 2. the sandbox (`npm run sandbox` with its seed library) on port 4780, or a free port when 4780 is taken;
// 3. code-server on 127.0.0.1 with a throwaway profile, the VSIX installed, and the settings ongage.sandbox.url and
//    ongage.sandbox.autoConnect so the Library shows the sandbox at once.
// Prints the URL to open; Ctrl-C stops everything and removes the throwaway profile.
// Usage: npm run demo [-- --port <workbench port>] [--sandbox-port <port>] [--folder <workspace folder>]
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const env = require('../test/e2e/harness/env');

function option(name) {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (!v || v.startsWith('--')) fail(`${name} needs a value.`);
  return v;
}

function portOption(name) {
  const raw = option(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`${name} must be a port number from 1 to 65535 (got ${raw}).`);
  return n;
}

function fail(msg) {
  console.error(`demo: ${msg}`);
  process.exit(1);
}

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log('Usage: npm run demo [-- --port <workbench port>] [--sandbox-port <port>] [--folder <workspace folder>]');
    return;
  }
  const workbenchPort = portOption('--port');
  let sandboxPort = portOption('--sandbox-port');
  const folderOpt = option('--folder');
  if (folderOpt && !fs.existsSync(folderOpt)) fail(`--folder ${folderOpt} does not exist.`);
  if (workbenchPort && !(await env.portIsFree(workbenchPort))) fail(`port ${workbenchPort} is in use; pass another --port or leave it out for a free one.`);
  if (sandboxPort && !(await env.portIsFree(sandboxPort))) fail(`port ${sandboxPort} is in use; pass another --sandbox-port or leave it out.`);

  const setup = spawnSync(process.execPath, [path.join(env.root, 'test', 'e2e', 'setup.js')], { stdio: 'inherit', env: env.childEnv() });
  if (setup.status !== 0) fail('the setup failed (see above); fix what it says and run `npm run demo` again.');

  const logs = path.join(env.artifactsRoot, 'demo');
  fs.mkdirSync(logs, { recursive: true });
  if (!sandboxPort) sandboxPort = (await env.portIsFree(4780)) ? 4780 : await env.freePort();
  env.log(`starting the sandbox on port ${sandboxPort}`);
  const sandbox = await env.startSandbox({ port: sandboxPort, logFile: path.join(logs, 'sandbox.log') });

  const folder = folderOpt ? path.resolve(folderOpt) : env.mkTemp('ongage-demo-workspace-');
  if (!folderOpt) writeSampleEmail(folder);
  env.log('starting the VS Code workbench (code-server) with the extension installed');
  const workbench = await env.startCodeServer({
    folder,
    port: workbenchPort,
    vsix: env.vsixPath,
    settings: { 'ongage.sandbox.url': sandbox.url, 'ongage.sandbox.autoConnect': true },
    logFile: path.join(logs, 'code-server.log'),
  });

  const credentials = sandbox.proc
    .output()
    .split('\n')
    .map((l) => /^\s+(Username|Password|Account code):\s*(\S.*)$/i.exec(l))
    .filter(Boolean)
    .map((m) => `  Sandbox ${m[1].toLowerCase().replace(' code', '')}:`.padEnd(22) + m[2])
    .join('\n');
  console.log('');
  console.log('Ongage Studio demo is running.');
  console.log(`  Open in a browser:  ${workbench.url}`);
  console.log(`  Sandbox API:        ${sandbox.url}${credentials ? `\n${credentials}` : ''}`);
  console.log(`  Logs:               ${logs}`);
  console.log('  The Ongage view (envelope icon in the activity bar) shows the sandbox library.');
  console.log('Press Ctrl-C to stop everything.');

  // The harness's own signal handlers stop both process groups and remove the throwaway folders.
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      stopping = true;
      console.log('\nStopping the workbench and the sandbox…');
    });
  }
  // Either server ending on its own ends the demo (the other one is stopped too).
  const ended = await Promise.race([
    sandbox.proc.exited.then((r) => ({ name: 'sandbox', r, log: 'sandbox.log' })),
    workbench.proc.exited.then((r) => ({ name: 'code-server', r, log: 'code-server.log' })),
  ]);
  if (stopping) return;
  console.error(`demo: the ${ended.name} stopped unexpectedly (${ended.r.code ?? ended.r.signal}); see ${path.join(logs, ended.log)}.`);
  await Promise.all([sandbox.close(), workbench.close()]);
  process.exit(1);
}

main().catch((e) => fail(`${e.message}`));

/**
 * A small email in the throwaway workspace, to try highlighting, completion (type `{{`), hover, checks and the
 * live preview (Ctrl+K V), with sample profiles in .ongage/samples.json.
 */
function writeSampleEmail(folder) {
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Spring is here, {{first_name:friend}}</title>
<style>.btn{background:#1f6f5c;color:#fff;padding:12px 24px}@media (max-width:600px){.wrap{width:100%!important}}</style>
</head>
<body>
<table class="wrap" width="600" role="presentation"><tr><td>
<p>Hi {{first_name:there}},</p>
{{ocx_if vip = 1}}
<p>As a VIP member in {{city:your city}}, you get early access.</p>
{{ocx_else}}
<p>Our spring collection is here.</p>
{{ocx_endif}}
<p>Member since {{signup_date[format=F Y]}}.</p>
<p><a class="btn" href="https://www.example.com/spring?c={{ocx_contact_id}}">Shop now</a></p>
<p><a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></p>
</td></tr></table>
</body>
</html>
`;
  fs.writeFileSync(path.join(folder, 'spring-welcome.html'), html);
  // Two contacts to switch between in the preview's Sample list.
  const samples = {
    profiles: [
      { label: 'VIP in Lisbon', values: { first_name: 'Ada', vip: 1, city: 'Lisbon' } },
      { label: 'No first name', values: { first_name: '', vip: 0 } },
    ],
  };
  fs.mkdirSync(path.join(folder, '.ongage'), { recursive: true });
  fs.writeFileSync(path.join(folder, '.ongage', 'samples.json'), `${JSON.stringify(samples, null, 2)}\n`);
}
