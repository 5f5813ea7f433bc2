// Prints one machine-readable line after everything else: `interop: N passed, M failed[, K skipped]`.
export default class SummaryReporter {
  passed = 0;
  failed = 0;
  skipped = 0;
  globalErrors = 0;

  printsToStdio() {
    return false;
  }

  onBegin(config, suite) {
    this.suite = suite;
  }

  onError() {
    // A failure outside any test (a server that did not answer, say) must not read as green.
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

  async onExit() {
    const skipped = this.skipped ? `, ${this.skipped} skipped` : '';
    process.stdout.write(`interop: ${this.passed} passed, ${this.failed} failed${skipped}\n`);
  }
}
