/**
 * npm 11 lists every dependency whose install script `allowScripts` in package.json does not cover
 * ("install scripts not yet covered by allowScripts") on each `npm ci`, and a later npm blocks them:
 * every package the lockfile marks as having one must be reviewed there (allowed or denied).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));

test('allowScripts in package.json reviews every locked dependency that has an install script', () => {
  const lock = read('package-lock.json') as {
    packages: Record<string, { hasInstallScript?: boolean; name?: string }>;
  };
  const allow = (read('package.json') as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
  const withScripts = Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && p.hasInstallScript)
    .map(([path, p]) => p.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  assert.ok(withScripts.length > 0, 'the lockfile marks install scripts (hasInstallScript)');
  const unreviewed = withScripts.filter((name) => typeof allow[name] !== 'boolean');
  assert.deepEqual(unreviewed, [], 'add them with `npm approve-scripts <pkg>` or `npm deny-scripts <pkg>`');
});
