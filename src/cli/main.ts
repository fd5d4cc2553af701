/**
 * Entry point of the `ongage-studio` command line (bundled to dist/cli.js; started by bin/ongage-studio.js).
 * Everything lives in program.ts; this file only connects it to the real process.
 */
import { run } from './program';

function main(): void {
  // A closed pipe (`ongage-studio ls | head`) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  void run(process.argv.slice(2), {
    out: { write: (s) => void process.stdout.write(s), isTTY: process.stdout.isTTY === true },
    err: { write: (s) => void process.stderr.write(s), isTTY: process.stderr.isTTY === true },
    env: process.env,
    cwd: process.cwd(),
  }).then((code) => {
    // End once both streams have drained: nothing else is waited for (a pipe loses output on a bare exit).
    process.exitCode = code;
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
}

main();
