// Mocha reporter: the usual spec output, plus the totals written as JSON to $ONGAGE_TEST_COUNTS
// so scripts/test-all.js can print one closing line for every suite together:
//   { passes, failures, pending, harness: { passes, failures, pending }, pendingTests: [full titles] }
// `harness` counts the harness's own self-tests (isHarnessFile), which are in the totals too.
const Mocha = require('mocha');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

/** Whether a test file tests the test harness itself (the e2e harness, the test runner scripts) rather than the product. */
function isHarnessFile(file) {
  if (!file) return false;
  const rel = path.relative(root, file).split(path.sep).join('/');
  return rel === 'test/e2e/harness.e2e.ts' || rel.startsWith('test/unit/scripts/') || /(^|\/)harness[^/]*\.(test|e2e|fixture)\.[jt]s$/.test(rel);
}

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const harness = { passes: 0, failures: 0, pending: 0 };
    const pendingTests = [];
    const fileOf = (t) => {
      for (let r = t; r; r = r.parent) if (r.file) return r.file;
      return undefined;
    };
    runner.on('pass', (t) => isHarnessFile(fileOf(t)) && harness.passes++);
    runner.on('fail', (t) => isHarnessFile(fileOf(t)) && harness.failures++);
    runner.on('pending', (t) => {
      pendingTests.push(t.fullTitle());
      if (isHarnessFile(fileOf(t))) harness.pending++;
    });
    runner.once('end', () => {
      const file = process.env.ONGAGE_TEST_COUNTS;
      if (!file) return;
      const { passes = 0, failures = 0, pending = 0 } = this.stats;
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending, harness, pendingTests }));
    });
  }
}

CountReporter.isHarnessFile = isHarnessFile;
module.exports = CountReporter;
