/**
 * One machine pushed (issue #15): the open-file limit caps the sessions a proxy holds, two
 * descriptors each. The CLI runs under a low limit (`ulimit -n` in the shell that starts it): its
 * start says the cap, and past it the proxy says EMFILE and keeps serving once sessions close.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { describeOpenFileLimit, readOpenFileLimit, sessionCap } from '../../proxy/observe/open-files.js';
import { assertEchoThrough, banner, cliArgs, runCli } from '../support/cli-process.js';
import { serveEcho, startTarget, type Target } from '../support/harness.js';

const LIMIT = 200;

describe('the open-file limit', { timeout: 90_000 }, () => {
  let target: Target;
  before(async () => {
    target = await startTarget();
    serveEcho(target.io);
  });
  after(() => target.close());

  test('read from /proc/self/limits, and the sessions it caps', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max open files            1024                 4096                 files     ',
    ].join('\n');
    const limit = readOpenFileLimit(text);
    assert.deepEqual(limit, { soft: 1024, hard: 4096 });
    assert.equal(sessionCap(limit!), 480);
    const said = describeOpenFileLimit(limit)!;
    assert.match(
      said.line,
      /^open files 1024 \(soft limit 1024 of a hard 4096: Node could not raise it\): at most ~480 /,
    );
    assert.equal(said.low, true);
    // Node raises its own soft limit to the hard one at start: this process shows them equal.
    const own = readOpenFileLimit();
    if (own) assert.equal(own.soft, own.hard);
  });

  test('the start says the cap; past it the proxy says EMFILE, stays up, and serves again after', async () => {
    const [node, ...args] = [process.execPath, '--import', 'tsx', 'proxy/cli.ts', ...cliArgs(target.url)];
    // `ulimit -n` sets both limits of the shell, and so of the proxy it execs.
    const run = runCli(args, ['/bin/sh', '-c', `ulimit -n ${LIMIT} && exec "$0" "$@"`, node!]);
    try {
      const { proxy } = await banner(run, 30_000);
      const cap = Math.floor((LIMIT - 64) / 2);
      assert.match(
        run.stdout(),
        new RegExp(`limits: +open files ${LIMIT}: at most ~${cap} concurrent sessions`),
      );
      assert.match(run.stderr(), /low open-file limit/);

      const many: Socket[] = [];
      for (let i = 0; i < cap + 60; i++)
        many.push(io(proxy, { forceNew: true, reconnection: false, transports: ['websocket'] }));
      const deadline = Date.now() + 20_000;
      while (!/EMFILE/.test(run.stderr()) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      assert.match(run.stderr(), /the proxy is out of file descriptors \(EMFILE\)/);
      assert.equal(run.child.exitCode, null, 'the proxy is still running');
      for (const s of many) s.close();
      await new Promise((r) => setTimeout(r, 1000));

      await assertEchoThrough(proxy, 'still here', 'websocket');
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});
