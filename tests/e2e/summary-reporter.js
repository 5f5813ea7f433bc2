// Prints one machine-readable line after everything else: `<label>: N passed, N failed[, N skipped]`
// (the label is the reporter option `label`, `e2e` by default; the interop suite uses `interop`).
class SummaryReporter {
  constructor({ label = 'e2e' } = {}) {
    this.label = label;
    this.passed = 0;
    this.failed = 0;
    this.skipped = 0;
    this.globalErrors = 0;
  }

  printsToStdio() {
    return false;
  }

  onError() {
    // A failure outside any test (e.g. the web server did not start) must not read as green.
    this.globalErrors += 1;
  }

  onEnd(result) {
    for (const test of this.suite.allTests()) {
      const outcome = test.outcome();
      if (outcome === 'expected' || outcome === 'flaky') this.passed += 1;
      else if (outcome === 'skipped') this.skipped += 1;
      else this.failed += 1;
    }
    if (result.status !== 'passed' && this.failed === 0) this.failed += Math.max(this.globalErrors, 1);
  }

  onBegin(config, suite) {
    this.suite = suite;
  }

  // onExit runs after the list reporter's summary and the web server shutdown, so this line is last.
  async onExit() {
    const skipped = this.skipped ? `, ${this.skipped} skipped` : '';
    process.stdout.write(`${this.label}: ${this.passed} passed, ${this.failed} failed${skipped}\n`);
  }
}

module.exports = SummaryReporter;
