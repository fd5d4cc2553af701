/**
 * Entry point of the `ongage-studio` command line (bundled to dist/cli.js; started by bin/ongage-studio.js).
 * Everything lives in program.ts; this file only connects it to the real process.
 */
import * as readline from 'readline';
import { reportError, run } from './program';

/** Questions on stderr, answers from stdin, one line each (only used when both are a terminal). */
function ask(question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let done = false;
    rl.question(question, (answer) => {
      done = true;
      rl.close();
      resolve(answer);
    });
    rl.on('close', () => {
      if (!done) resolve(undefined);
    });
  });
}

function main(): void {
  // Whatever escapes the program's own boundary is reported the same way (masked), never as a raw stack.
  const err = { write: (s: string) => void process.stderr.write(s), isTTY: process.stderr.isTTY === true };
  const crash = (e: unknown): void => {
    const code = reportError(e, { err, env: process.env });
    process.stderr.write('', () => process.exit(code));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // A closed pipe (`ongage-studio ls | head`) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  void run(process.argv.slice(2), {
    out: { write: (s) => void process.stdout.write(s), isTTY: process.stdout.isTTY === true },
    err: { write: (s) => void process.stderr.write(s), isTTY: process.stderr.isTTY === true },
    in: { isTTY: process.stdin.isTTY === true, ask },
    env: process.env,
    cwd: process.cwd(),
  }).then((code) => {
    // End once both streams have drained: nothing else is waited for (a pipe loses output on a bare exit).
    process.exitCode = code;
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
}

main();
