import assert from 'node:assert/strict';
import { test } from 'node:test';
import { playwrightCounts, vitestCounts } from '../../scripts/test-runners.mjs';

test("vitest's report: its passes and failures; silence or a bad exit is a failure", () => {
  const report = { numTotalTests: 3, numPassedTests: 2, numFailedTests: 1 };
  assert.deepEqual(vitestCounts(report, 1), { passed: 2, failed: 1 });
  assert.deepEqual(vitestCounts({ ...report, numPassedTests: 3, numFailedTests: 0 }, 0), {
    passed: 3,
    failed: 0,
  });
  // No report (the runner did not start), no test found, or an error outside the tests.
  assert.deepEqual(vitestCounts(undefined, 1), { passed: 0, failed: 1 });
  assert.deepEqual(vitestCounts({ numTotalTests: 0, numPassedTests: 0, numFailedTests: 0 }, 0), {
    passed: 0,
    failed: 1,
  });
  assert.deepEqual(vitestCounts({ ...report, numPassedTests: 3, numFailedTests: 0 }, 1), {
    passed: 3,
    failed: 1,
  });
});

test("Playwright Test's report: expected and flaky pass, unexpected fail; silence is a failure", () => {
  assert.deepEqual(playwrightCounts({ stats: { expected: 2, unexpected: 1, flaky: 1, skipped: 0 } }, 1), {
    passed: 3,
    failed: 1,
  });
  assert.deepEqual(playwrightCounts({ stats: { expected: 2, unexpected: 0, flaky: 0 } }, 0), {
    passed: 2,
    failed: 0,
  });
  assert.deepEqual(playwrightCounts(undefined, 1), { passed: 0, failed: 1 });
  assert.deepEqual(playwrightCounts({ stats: { expected: 0, unexpected: 0, flaky: 0 }, errors: [{}] }, 1), {
    passed: 0,
    failed: 1,
  });
  assert.deepEqual(playwrightCounts({ stats: { expected: 2, unexpected: 0, flaky: 0 } }, 1), {
    passed: 2,
    failed: 1,
  });
});
