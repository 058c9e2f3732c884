/**
 * `npm pack` gives a tarball that installs in an empty folder and runs: `npx sio-proxy --help`, and
 * a round trip through the installed proxy. Slow (it installs from the registry), so it runs once.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { banner, cliArgs, runCli } from '../support/cli-process.js';
import { serveEcho, startTarget, type Target } from '../support/harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let target: Target;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sio-proxy-pack-'));
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
    cwd: root,
    encoding: 'utf8',
  });
  const tarball = join(dir, out.trim().split('\n').pop() ?? '');
  execFileSync('npm', ['init', '-y'], { cwd: dir, stdio: 'ignore' });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: dir, stdio: 'ignore' });
  target = await startTarget();
  serveEcho(target.io);
});

after(async () => {
  await target?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the packed tarball installs and `npx sio-proxy --help` works', () => {
  const help = execFileSync('npx', ['--no-install', 'sio-proxy', '--help'], { cwd: dir, encoding: 'utf8' });
  assert.match(help, /Usage: sio-proxy/);
});

test('the installed proxy relays a round trip', async () => {
  const bin = join(dir, 'node_modules/.bin/sio-proxy');
  const run = runCli(cliArgs(target.url, '--quiet'), [bin]);
  try {
    const { proxy } = await banner(run);
    const client = io(proxy);
    try {
      assert.equal(await client.timeout(5000).emitWithAck('echo', 'packed'), 'packed');
    } finally {
      client.close();
    }
  } finally {
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
  }
});
