// The harness's own guarantees: servers never outlive the test process, and failures say what happened.
import * as assert from 'assert';
import { spawn } from 'child_process';
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
