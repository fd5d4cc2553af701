// Mocha reporter: the usual spec output, plus the totals written as JSON to $ONGAGE_TEST_COUNTS
// so scripts/test-all.js can print one closing line for every suite together.
const Mocha = require('mocha');
const fs = require('fs');

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.ONGAGE_TEST_COUNTS;
      if (!file) return;
      const { passes = 0, failures = 0, pending = 0 } = this.stats;
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending }));
    });
  }
}

module.exports = CountReporter;
