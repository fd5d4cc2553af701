// Runs one command inside this process's group and ends the whole group when the parent goes away.
// Started by harness/env.js startProcess() as the leader of a new process group (spawn detached), with a pipe on
// stdin: when that pipe closes (the parent exited, was killed, or crashed), every process of the group, the command
// and anything it started, gets SIGTERM and, 3 seconds later, SIGKILL. When the command exits by itself, whatever
// it left in the group is ended too. Usage: node guard.js <command> [args...]
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  process.stderr.write('usage: node guard.js <command> [args...]\n');
  process.exit(2);
}

const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let ending = false;

/** Other processes of this group (Linux /proc), so leftovers can be ended without ending this one. */
function groupMembers() {
  const out = [];
  let entries = [];
  try {
    entries = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const d of entries) {
    const pid = Number(d);
    if (pid === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === process.pid) out.push(pid);
    } catch {
      /* ended meanwhile */
    }
  }
  return out;
}

function endGroup() {
  if (ending) return;
  ending = true;
  try {
    process.kill(-process.pid, 'SIGTERM');
  } catch {
    /* nothing left */
  }
  setTimeout(() => {
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      process.exit(1);
    }
  }, 3000);
}

// The group's SIGTERM reaches this process too: stay until the command has gone, then leave.
process.on('SIGTERM', () => endGroup());
process.on('SIGINT', () => endGroup());
process.on('SIGHUP', () => endGroup());
process.stdin.on('end', endGroup);
process.stdin.on('close', endGroup);
process.stdin.on('error', endGroup);
process.stdin.resume();

child.on('error', (e) => {
  process.stderr.write(`could not start ${cmd}: ${e.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 128 : 1);
  // Leftovers of the command (helpers it forked into the group) end with it.
  for (const pid of groupMembers()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  process.exit(process.exitCode);
});
