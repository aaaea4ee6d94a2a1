// A jest reporter that writes the pass/fail counts to the file named by MM_TEST_COUNTS, for the
// closing line of `npm test`. (jest's --json output cannot serialise failures that hold BigInts.)
const { writeFileSync } = require('node:fs');

class CountReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.MM_TEST_COUNTS;
    if (!file) return;
    writeFileSync(
      file,
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        suitesFailedToRun: results.numRuntimeErrorTestSuites,
      }),
    );
  }
}

module.exports = CountReporter;
