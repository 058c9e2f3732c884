// The recipes of docs/testing.md that need a test runner of their own (vitest, Playwright Test):
// each runs as a child process writing a JSON report, and its counts join `npm test`'s last line.
// A runner that fails to start, finds no test or exits non-zero with no failed test counts as one
// failure: a runner that says nothing has not passed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Counts from vitest's JSON reporter (`numPassedTests`, `numFailedTests`, ...). */
export function vitestCounts(report, exitStatus) {
  if (!report || typeof report.numTotalTests !== 'number') return { passed: 0, failed: 1 };
  const passed = report.numPassedTests ?? 0;
  let failed = report.numFailedTests ?? 0;
  if (report.numTotalTests === 0 || (exitStatus !== 0 && failed === 0)) failed += 1;
  return { passed, failed };
}

/** Counts from Playwright Test's JSON reporter (`stats.expected`, `stats.unexpected`, `errors`). */
export function playwrightCounts(report, exitStatus) {
  const stats = report?.stats;
  if (!stats || typeof stats.expected !== 'number') return { passed: 0, failed: 1 };
  const passed = stats.expected + (stats.flaky ?? 0);
  let failed = stats.unexpected ?? 0;
  if (passed + failed === 0 || (exitStatus !== 0 && failed === 0)) failed += 1;
  return { passed, failed };
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // not written: the runner did not start or crashed
  }
}

function run(args, env = {}) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

/** examples/vitest: `vitest run` with the recipe's config. */
export function runVitest(root) {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const out = join(root, '.tmp/examples-vitest.json');
  rmSync(out, { force: true });
  const status = run([
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--root',
    root,
    '--config',
    join(root, 'examples/vitest/vitest.config.ts'),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  return vitestCounts(existsSync(out) ? readJson(out) : undefined, status);
}

/**
 * examples/playwright: `playwright test` with the recipe's config, importing `sio-proxy` as its
 * TypeScript (`--conditions=source`) as the node suite of examples does.
 */
export function runPlaywright(root) {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const out = join(root, '.tmp/examples-playwright.json');
  rmSync(out, { force: true });
  const status = run(
    [
      join(root, 'node_modules/@playwright/test/cli.js'),
      'test',
      '--config',
      join(root, 'examples/playwright/playwright.config.ts'),
      '--reporter=list,json',
    ],
    {
      PLAYWRIGHT_JSON_OUTPUT_NAME: out,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=source`.trim(),
    },
  );
  return playwrightCounts(existsSync(out) ? readJson(out) : undefined, status);
}
