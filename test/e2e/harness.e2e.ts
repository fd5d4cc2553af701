// The harness's own guarantees: servers never outlive the test process, and failures say what happened.
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as env from './harness/env';

/** Whether `pid` runs (a zombie waiting to be reaped counts as ended). */
function alive(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Running (not zombie) processes of process group `pgid`, from /proc. */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(d));
    } catch {
      /* ended meanwhile */
    }
  }
  return out;
}

async function until(what: string, f: () => boolean, timeout = 15000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await env.delay(100);
  }
}

describe('e2e harness', function () {
  it('ends a started process group, grandchildren included, when the parent is killed with SIGKILL', async () => {
    const envJs = path.join(__dirname, 'harness', 'env.js');
    const script = `
      const env = require(${JSON.stringify(envJs)});
      const p = env.startProcess('sleeper', 'bash', ['-c', 'sleep 300 & echo "child $!"; sleep 300']);
      p.child.stdout.on('data', (d) => { const m = /child (\\d+)/.exec(String(d)); if (m) console.log(p.pid + ' ' + m[1]); });
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
      parent.on('exit', () => reject(new Error(`parent exited early: ${out}`)));
    });
    const [guardPid, grandchild] = line.split(' ').map(Number);
    assert.ok(alive(guardPid) && alive(grandchild), 'the guarded processes did not start');
    parent.kill('SIGKILL');
    await until('the guard and the grandchild are gone', () => !alive(guardPid) && !alive(grandchild));
  });

  it('stop() ends the whole group and reports how the command ended', async () => {
    const p = env.startProcess('sleeper', 'bash', ['-c', 'sleep 300 & sleep 300']);
    await env.delay(300);
    const r = await p.stop(2000);
    assert.ok(r.code !== 0 || r.signal, `unexpected clean exit: ${JSON.stringify(r)}`);
    assert.deepStrictEqual(groupMembers(p.pid), []);
  });

  it('waitForHttp fails with the output of a server that exits before answering', async () => {
    const p = env.startProcess('broken-server', 'bash', ['-c', 'echo "cannot bind: port taken" >&2; exit 3']);
    const port = await env.freePort();
    await assert.rejects(env.waitForHttp(`http://127.0.0.1:${port}/`, p, 10000), /broken-server exited \(3\)[\s\S]*cannot bind: port taken/);
  });
});

describe('e2e harness: installs started from inside `npm run`', function () {
  this.timeout(120000);

  it('the nested install and its install scripts run on Node 24 and say so in their npm user agent', function () {
    const p = env.harnessPaths();
    if (!fs.existsSync(p.node)) throw new Error(`Node 24 is not installed at ${p.node}; node test/e2e/setup.js installs it`);
    const tmp = env.mkTemp('ongage-nested-install-');
    const inner = path.join(tmp, 'inner');
    const outer = path.join(tmp, 'outer');
    fs.mkdirSync(inner);
    fs.mkdirSync(outer);
    const record = path.join(tmp, 'seen.json');
    // A package with no dependencies (no network) whose install script records what it runs on, as code-server's
    // postinstall.sh reads the Node version from $npm_config_user_agent.
    fs.writeFileSync(
      path.join(inner, 'record.js'),
      `require('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ node: process.version, userAgent: process.env.npm_config_user_agent }));\n`,
    );
    fs.writeFileSync(
      path.join(inner, 'package.json'),
      JSON.stringify({ name: 'nested-install-probe', version: '1.0.0', private: true, scripts: { install: 'node record.js' } }),
    );
    // The outer package's script calls the harness's nested-install helper, as `npm test` → setup.js does.
    const envJs = path.join(__dirname, 'harness', 'env.js');
    fs.writeFileSync(path.join(outer, 'probe.js'), `require(${JSON.stringify(envJs)}).npmInstall(${JSON.stringify(inner)}, { node: ${JSON.stringify(p.node)} });\n`);
    fs.writeFileSync(path.join(outer, 'package.json'), JSON.stringify({ name: 'outer', version: '1.0.0', private: true, scripts: { probe: 'node probe.js' } }));
    // The outer npm runs on this (older) Node, as a developer's `npm test` does.
    const r = spawnSync('npm', ['run', '--silent', 'probe'], {
      cwd: outer,
      encoding: 'utf8',
      env: env.childEnv({}, { node: process.execPath }),
    });
    assert.equal(r.status, 0, `npm run probe failed:\n${r.stdout}\n${r.stderr}`);
    const seen = JSON.parse(fs.readFileSync(record, 'utf8')) as { node: string; userAgent: string };
    assert.match(seen.node, /^v24\./, `the install script ran on ${seen.node}`);
    assert.match(seen.userAgent, / node\/v24\./, `the inner npm's user agent names another Node: ${seen.userAgent}`);
    env.rmTemp(tmp);
  });
});
