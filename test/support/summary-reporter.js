/**
 * Prints one plain closing line after jest's own summary, e.g. "jest: 312 passed, 0 failed, 4 skipped",
 * so that CI logs end with the count of tests that ran.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
