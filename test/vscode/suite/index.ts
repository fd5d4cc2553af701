// Entry of the extension-host test suite (extensionTestsPath): VS Code loads this module inside the real extension
// host with the extension under development and calls run(). Results go to results.json next to this compiled
// file (read by test/vscode/run.js), because the extension host's exit code does not tell whether tests failed.
import * as fs from 'fs';
import * as path from 'path';

interface TestResult {
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

interface Results {
  passes: number;
  failures: number;
  pending: number;
  tests: TestResult[];
  /** Set when the suite could not run at all. */
  error?: string;
}

function resultsFile(): string {
  return process.env.ONGAGE_VSCODE_RESULTS || path.join(__dirname, 'results.json');
}

function write(results: Results): void {
  const file = resultsFile();
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

export async function run(): Promise<void> {
  const results: Results = { passes: 0, failures: 0, pending: 0, tests: [] };
  try {
    // mocha stays outside the bundle: it is resolved from the project's node_modules.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const MochaCtor = require('mocha') as typeof import('mocha');
    const mocha = new MochaCtor({ ui: 'bdd', color: false, timeout: 30000, reporter: 'spec', forbidOnly: true });
    mocha.addFile(path.join(__dirname, 'tests.js'));
    mocha.addFile(path.join(__dirname, 'features.js'));
    await mocha.loadFilesAsync();
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (t) => results.tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t) => results.tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'pending' }));
      runner.on('fail', (t, err: Error) =>
        results.tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'failed', error: err?.stack || String(err) }),
      );
    });
    results.passes = results.tests.filter((t) => t.state === 'passed').length;
    results.failures = results.tests.filter((t) => t.state === 'failed').length;
    results.pending = results.tests.filter((t) => t.state === 'pending').length;
  } catch (e) {
    results.error = e instanceof Error ? e.stack || e.message : String(e);
  }
  write(results);
  if (results.error) throw new Error(results.error);
  if (results.failures > 0) throw new Error(`${results.failures} extension-host test(s) failed`);
}
