#!/usr/bin/env node
// The one test command (`npm test`, and what .ci/run calls). It installs what the tests need when it
// is missing (npm packages; Debian's chromium for the browser suite, redis-server for the cluster
// and --redis tests), runs every suite with node's
// test runner, and ends with one line over all suites: `N passed, M failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runPlaywright, runVitest } from './test-runners.mjs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const only = process.argv.slice(2); // e.g. `npm test -- unit integration`

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const REDIS_SERVER = process.env.REDIS_SERVER || '/usr/bin/redis-server';

// `debian`: programs a suite runs, and the Debian package that installs each.
const SUITES = [
  { name: 'unit', dir: 'test/unit' },
  { name: 'integration', dir: 'test/integration', debian: [[REDIS_SERVER, 'redis-server']] },
  // The recipes of docs/testing.md, importing `sio-proxy` as users do (its `source` export: the TS);
  // those for vitest and Playwright Test (in their own folders) run under their own runners.
  { name: 'examples', dir: 'examples', nodeArgs: ['--conditions=source'], recursive: false },
  { name: 'examples', label: 'examples (vitest)', dir: 'examples/vitest', run: runVitest },
  {
    name: 'examples',
    label: 'examples (playwright)',
    dir: 'examples/playwright',
    match: '.spec.ts',
    run: runPlaywright,
    debian: [[CHROMIUM, 'chromium']],
  },
  {
    name: 'e2e',
    dir: 'e2e',
    // redis-server: the Control tab of a dashboard over Redis (e2e/dashboard-redis-control.test.ts).
    debian: [
      [CHROMIUM, 'chromium'],
      [REDIS_SERVER, 'redis-server'],
    ],
    needsPanel: true,
  },
];

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

function ensureNodeModules() {
  const stamp = join(root, 'node_modules/.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('test: installing npm packages (npm ci)');
  if (sh('npm', ['ci', '--no-audit', '--no-fund']) !== 0) throw new Error('npm ci failed');
}

/** Returns undefined when `path` exists or Debian's `pkg` installed it, else why a suite cannot run. */
function ensureDebianPackage(path, pkg) {
  if (existsSync(path)) return undefined;
  const cmd = `apt-get update && apt-get install -y ${pkg}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return `Debian's ${pkg} is missing: run \`sudo ${cmd}\``;
  console.log(`test: installing Debian's ${pkg} (${cmd})`);
  sh('bash', ['-c', `DEBIAN_FRONTEND=noninteractive ${cmd} >/tmp/sio-proxy-apt.log 2>&1`]);
  return existsSync(path)
    ? undefined
    : `installing ${pkg} failed (see /tmp/sio-proxy-apt.log): run \`${cmd}\``;
}

/** Newest modification time of the files under `path` (or of `path` itself), 0 when missing. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path, { recursive: true })
    .map((f) => join(path, String(f)))
    .reduce((max, f) => Math.max(max, statSync(f).mtimeMs), st.mtimeMs);
}

/**
 * The dashboard tests open the built panel: build it (`npm run build:panel`) when panel/dist is
 * missing or older than its sources (panel/src, panel/index.html, the Vite config, and shared/,
 * which the panel imports). Returns the reason it cannot be built, if so.
 */
function ensurePanel() {
  const built = join(root, 'panel/dist/index.html');
  const sources = ['panel/src', 'panel/index.html', 'panel/vite.config.ts', 'shared'].map((p) =>
    join(root, p),
  );
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  if (builtAt && sources.every((p) => newest(p) <= builtAt)) return undefined;
  console.log(
    `test: building the panel (npm run build:panel): ${builtAt ? 'older than its sources' : 'not built'}`,
  );
  return sh('npm', ['run', 'build:panel']) === 0 ? undefined : 'npm run build:panel failed';
}

/**
 * The extension tests load extension/dist: build it (`npm run build:extension`) when it is missing or
 * older than its sources (extension/, less its output, and the panel and shared/ code it bundles).
 */
function ensureExtension() {
  const built = join(root, 'extension/dist/manifest.json');
  const sources = [
    'extension/src',
    'extension/build',
    'extension/panel.html',
    'extension/devtools.html',
    'extension/manifest.json',
    'panel/src',
    'shared',
  ].map((p) => join(root, p));
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  if (builtAt && sources.every((p) => newest(p) <= builtAt)) return undefined;
  console.log(`test: building the extension (npm run build:extension): ${builtAt ? 'stale' : 'not built'}`);
  return sh('npm', ['run', 'build:extension']) === 0 ? undefined : 'npm run build:extension failed';
}

function testFiles(dir, { recursive = true, match = '.test.ts' } = {}) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive })
    .map(String)
    .filter((f) => f.endsWith(match))
    .sort()
    .map((f) => join(dir, f));
}

function runSuite(suite) {
  const files = testFiles(suite.dir, suite);
  if (files.length === 0) return { passed: 0, failed: 0 };
  console.log(`\n=== ${suite.label ?? suite.name} (${files.length} files)`);
  if (suite.run) return suite.run(root);
  mkdirSync('.tmp', { recursive: true });
  const tap = join('.tmp', `${suite.name}.tap`);
  sh(process.execPath, [
    ...(suite.nodeArgs ?? []),
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-timeout=120000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const out = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
  // A suite that crashed before reporting counts as one failure rather than as nothing.
  if (!/^# pass \d+$/m.test(out)) return { passed: 0, failed: 1 };
  return { passed: count('pass'), failed: count('fail') + count('cancelled') };
}

let passed = 0;
let failed = 0;
try {
  ensureNodeModules();
} catch (err) {
  console.error(`test: ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
for (const suite of SUITES) {
  if (only.length && !only.includes(suite.name)) continue;
  if (testFiles(suite.dir, suite).length) {
    const missing =
      (suite.debian ?? []).map(([path, pkg]) => ensureDebianPackage(path, pkg)).find(Boolean) ??
      (suite.needsPanel ? (ensurePanel() ?? ensureExtension()) : undefined);
    if (missing) {
      console.error(`test: ${suite.label ?? suite.name} suite not run: ${missing}`);
      failed++;
      continue;
    }
  }
  const r = runSuite(suite);
  console.log(`${suite.label ?? suite.name}: ${r.passed} passed, ${r.failed} failed`);
  passed += r.passed;
  failed += r.failed;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
