import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import { assertEchoThrough, banner, cliArgs, runCli } from '../support/cli-process.js';
import { serveEcho, startTarget, type Target } from '../support/harness.js';

describe('CLI flags', () => {
  test('--help prints usage and exits 0', async () => {
    const run = runCli(['--help']);
    assert.equal(await run.exited, 0);
    assert.match(run.stdout(), /Usage: sio-proxy/);
    assert.match(run.stdout(), /--ui-token/);
  });

  test('--version prints the package version', async () => {
    const run = runCli(['--version']);
    assert.equal(await run.exited, 0);
    assert.match(run.stdout(), /^\d+\.\d+\.\d+\n$/);
  });

  test('an unknown flag gets one line and exit 2', async () => {
    const run = runCli(['--bogus']);
    assert.equal(await run.exited, 2);
    assert.equal(run.stderr().trim().split('\n').length, 1);
    assert.match(run.stderr(), /Unknown option '--bogus'/);
  });

  test('a malformed target gets one line and exit 2', async () => {
    const run = runCli(['--target', 'ftp://x']);
    assert.equal(await run.exited, 2);
    assert.match(run.stderr(), /must be an http:\/\/ or https:\/\/ URL/);
  });

  test('an unreachable target gets one line and exit 1', async () => {
    const port = await freePort();
    const run = runCli(cliArgs(`http://127.0.0.1:${port}`));
    assert.equal(await run.exited, 1);
    assert.match(run.stderr(), /unreachable \(ECONNREFUSED\)/);
  });
});

describe('CLI against a target', () => {
  let target: Target;
  before(async () => {
    target = await startTarget();
    serveEcho(target.io);
  });
  after(() => target.close());

  test('--target A,B: both nodes in the banner, a node that is down said and skipped', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as { port: number }).port;
    await new Promise((resolve) => down.close(resolve));
    const gone = `http://127.0.0.1:${port}`;
    const run = runCli(['--target', `${gone},${target.url}`, '--port', '0', '--ui-port', '0']);
    const { proxy } = await banner(run);
    try {
      assert.ok(run.stdout().includes(`${gone}, ${target.url}`), run.stdout());
      assert.match(
        run.stderr(),
        new RegExp(`target ${gone.replace(/[/.]/g, '\\$&')} is unreachable.*starting with the other nodes`),
      );
      // The first handshake would go to the node that is down: it is tried on the next one.
      await assertEchoThrough(proxy, 'hi', 'polling');
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });

  test('proxies a round trip, guards the dashboard with its token, and exits 0 on SIGTERM', async () => {
    const run = runCli(cliArgs(target.url, '--quiet'));
    const { proxy, dashboard } = await banner(run);
    assert.match(run.stdout(), new RegExp(`-> +${target.url.replace(/[/.]/g, '\\$&')}`));

    const client = io(proxy, { transports: ['websocket'] });
    try {
      assert.equal(await client.timeout(5000).emitWithAck('echo', 'hi'), 'hi');
    } finally {
      client.close();
    }

    const dash = new URL(dashboard);
    assert.equal(dash.hostname, '127.0.0.1', 'the dashboard binds to loopback by default');
    assert.equal((await fetch(dash)).status, 200);
    dash.searchParams.set('token', 'wrong');
    assert.equal((await fetch(dash)).status, 401);
    dash.searchParams.delete('token');
    assert.equal((await fetch(dash)).status, 401);

    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
  });

  test('--rules FILE arms its rules at start; a bad file is one line and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sio-proxy-rules-'));
    try {
      const good = join(dir, 'rules.json');
      writeFileSync(
        good,
        JSON.stringify([{ match: { event: 'echo' }, action: { kind: 'rewrite', args: ['ruled'] } }]),
      );
      const run = runCli(cliArgs(target.url, '--quiet', '--rules', good));
      const { proxy } = await banner(run);
      const client = io(proxy, { transports: ['websocket'] });
      try {
        assert.equal(await client.timeout(5000).emitWithAck('echo', 'as sent'), 'ruled');
      } finally {
        client.close();
        run.child.kill('SIGTERM');
        await run.exited;
      }
      for (const [content, why] of [
        ['{"not":"an array"}', /expected a JSON array/],
        ['[{"action":{"kind":"explode"}}]', /rules\[0\]: action\.kind/],
        ['not json', /not JSON/],
      ] as const) {
        const bad = join(dir, 'bad.json');
        writeFileSync(bad, content);
        const failed = runCli(cliArgs(target.url, '--rules', bad));
        assert.equal(await failed.exited, 2);
        assert.equal(failed.stderr().trim().split('\n').length, 1);
        assert.match(failed.stderr(), why);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a taken port gets one line and exit 1', async () => {
    const run = runCli(['--target', target.url, '--port', String(target.port), '--ui-port', '0']);
    assert.equal(await run.exited, 1);
    // The target listens in this test's own process: named when /proc tells (Linux).
    const owner = process.platform === 'linux' ? `, \\S+ \\(pid ${process.pid}\\)` : '';
    assert.match(run.stderr(), new RegExp(`already in use by another process${owner}; pick another --port`));
  });

  test('the same port for --port and --ui-port: the line says sio-proxy itself holds it', async () => {
    const port = await freePort();
    const run = runCli(['--target', target.url, '--port', String(port), '--ui-port', String(port)]);
    assert.equal(await run.exited, 1);
    assert.equal(run.stderr().trim().split('\n').length, 1);
    assert.match(
      run.stderr(),
      new RegExp(
        `127\\.0\\.0\\.1:${port} is already in use by sio-proxy itself \\(--port ${port}\\); pick another --ui-port`,
      ),
    );
  });

  test('an https:// target that speaks plain HTTP gets one line naming the http:// URL, and exit 1', async () => {
    const run = runCli(cliArgs(`https://127.0.0.1:${target.port}`));
    // Without the check it starts and serves 502s: that is a failure, not a hang.
    const started = banner(run).then(
      () => 'started',
      () => 'no banner',
    );
    const outcome = await Promise.race([run.exited, started]);
    if (outcome === 'started') run.child.kill('SIGTERM');
    assert.equal(outcome, 1);
    assert.equal(run.stderr().trim().split('\n').length, 1);
    assert.match(run.stderr(), /speaks plain HTTP, not TLS: use --target http:\/\/127\.0\.0\.1:\d+\n/);
    assert.ok(run.stderr().includes(`--target ${target.url}`), run.stderr());
  });

  test('--ui-token sets the token', async () => {
    const run = runCli(cliArgs(target.url, '--ui-token', 's3cret', '--quiet'));
    const { dashboard } = await banner(run);
    assert.match(dashboard, /token=s3cret$/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
  });
});

describe('CLI without a target', () => {
  test('starts the demo app, whose bots produce live traffic through the proxy', async () => {
    const run = runCli(['--port', '0', '--ui-port', '0', '--quiet']);
    try {
      const { proxy, dashboard } = await banner(run);
      assert.match(run.stdout(), /built-in demo app/);
      const page = await fetch(proxy + '/');
      assert.equal(page.status, 200);
      assert.match(await page.text(), /socket\.io\.js/);
      const api = new URL('/api/sessions', dashboard);
      api.search = new URL(dashboard).search;
      const deadline = Date.now() + 10_000;
      let sessions: unknown[] = [];
      while (Date.now() < deadline && sessions.length === 0) {
        sessions = ((await (await fetch(api)).json()) as { sessions: unknown[] }).sessions;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(sessions.length >= 1, 'demo bots show up as live sessions');
    } finally {
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 0);
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
