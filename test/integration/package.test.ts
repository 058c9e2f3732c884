/**
 * `npm pack` gives a tarball that installs in an empty folder and runs: `npx sio-proxy --help`, and
 * a round trip through the installed proxy. Slow (it installs from the registry), so it runs once.
 */
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { io } from 'socket.io-client';
import { banner, cliArgs, runCli } from '../support/cli-process.js';
import { serveEcho, startTarget, type Target } from '../support/harness.js';

const run = promisify(execFile);
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

test('the demo app is not a runtime dependency: without socket.io, no --target says what to do', async () => {
  const installed = (pkg: string) =>
    run(process.execPath, ['-e', `require.resolve(${JSON.stringify(pkg)})`], { cwd: dir }).then(
      () => true,
      () => false,
    );
  assert.equal(await installed('socket.io'), false, 'socket.io was installed with the package');
  assert.equal(await installed('socket.io-parser'), true, 'a runtime dependency is missing');
  const bin = join(dir, 'node_modules/.bin/sio-proxy');
  const started = await run(bin, ['--port', '0', '--ui-port', '0'], { cwd: dir, timeout: 15_000 }).then(
    () => undefined,
    (err: { code?: number; stderr?: string }) => err,
  );
  assert.ok(started, 'sio-proxy without --target and without socket.io should stop');
  assert.equal(started.code, 2);
  assert.match(started.stderr ?? '', /needs the socket\.io package.*--target/s);
});

test('the installed proxy relays a round trip, and its reader thread streams it', async () => {
  const bin = join(dir, 'node_modules/.bin/sio-proxy');
  // The reader thread (the default) loads its worker file from the installed package (dist/), not
  // the sources.
  const run = runCli(cliArgs(target.url, '--quiet'), [bin]);
  try {
    const { proxy, dashboard } = await banner(run);
    const client = io(proxy);
    try {
      assert.equal(await client.timeout(5000).emitWithAck('echo', 'packed'), 'packed');
    } finally {
      client.close();
    }
    const events = new URL(dashboard);
    events.protocol = 'ws:';
    events.pathname = '/api/events';
    const ws = new WebSocket(events);
    const echoed = await new Promise<boolean>((resolve, reject) => {
      ws.on('message', (data) => {
        const batch = JSON.parse(String(data)) as Array<{ sio?: { event?: string } }>;
        if (batch.some((e) => e.sio?.event === 'echo')) resolve(true);
      });
      ws.once('error', reject);
    });
    ws.terminate();
    assert.ok(echoed, 'the echo is in the event stream');
  } finally {
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
  }
});

test('the installed library: an ESM import runs a round trip with a fault and a waitFor', async () => {
  // socket.io-client is the consumer's own dependency; here it comes from this repo.
  const client = pathToFileURL(createRequire(join(root, 'package.json')).resolve('socket.io-client')).href;
  writeFileSync(
    join(dir, 'consumer.mjs'),
    `import { createProxy } from 'sio-proxy';
import { io } from ${JSON.stringify(client)};
const proxy = await createProxy({ target: process.env.TARGET });
const socket = io(proxy.url, { transports: ['websocket'], reconnectionDelay: 100 });
const connect = await proxy.waitFor({ type: 'connect', nsp: '/' }, { timeout: 5000 });
await proxy.fault(connect.sessionId, { kind: 'close-transport' });
await proxy.waitFor((e) => e.type === 'attempt' && e.outcome === 'connected' && e.attempt >= 1, { timeout: 5000 });
const echoed = await socket.timeout(5000).emitWithAck('echo', 'packed');
socket.close();
await proxy.close();
console.log(echoed);
`,
  );
  // Not execFileSync: the target lives in this process and must go on answering meanwhile.
  const { stdout: out } = await run(process.execPath, ['consumer.mjs'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TARGET: target.url },
    timeout: 20_000,
  });
  assert.equal(out.trim(), 'packed');
});

test('the installed types check under strict, moduleResolution nodenext', () => {
  // A consumer with @types/node and nothing else of ours: the public types must not need our devDependencies.
  mkdirSync(join(dir, 'types'), { recursive: true });
  symlinkSync(join(root, 'node_modules/@types/node'), join(dir, 'types/node'));
  writeFileSync(
    join(dir, 'consumer.ts'),
    `import { createProxy, SioProxyError, type ProxyEvent, type SioProxy } from 'sio-proxy';
const proxy: SioProxy = await createProxy({ target: 'http://127.0.0.1:3000', dashboard: { port: 0 } });
const e: ProxyEvent = await proxy.waitFor({ type: 'connect', nsp: '/' }, { timeout: 100 });
if (e.type === 'connect') console.log(e.socketId.length);
const rule = proxy.rules.add({ match: { event: '/^order/' }, action: { kind: 'pause' } });
const held = await proxy.nextPaused((p) => p.event === 'order:create');
held.forward({ args: [{ qty: 2 }] });
rule.remove();
const fault = await proxy.fault('sid', { kind: 'latency', ms: 50 });
fault.remove();
const err: unknown = undefined;
if (err instanceof SioProxyError && err.code === 'TIMEOUT') console.log(err.message);
await proxy.close();
`,
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        noEmit: true,
        types: ['node'],
        typeRoots: ['./types'],
      },
      files: ['consumer.ts'],
    }),
  );
  execFileSync('npm', ['pkg', 'set', 'type=module'], { cwd: dir });
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
    cwd: dir,
    encoding: 'utf8',
  });
});
