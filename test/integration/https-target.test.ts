/**
 * An https target with a self-signed certificate, as a development server usually has: refused (as a
 * down server would be, with a log line that names the certificate and the flag) unless `insecure`
 * (`--insecure`) says to accept it; then relayed and observed over both transports.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import type { Logger } from '../../proxy/log.js';
import { banner, cliArgs, runCli } from '../support/cli-process.js';
import { closeIoServer, engineId, startProxy, startTarget } from '../support/harness.js';

const TLS = new URL('../fixtures/tls/', import.meta.url);

let https: HttpsServer;
let target: Server;
let url: string;

before(async () => {
  https = createServer({
    key: readFileSync(new URL('key.pem', TLS)),
    cert: readFileSync(new URL('cert.pem', TLS)),
  });
  target = new Server(https);
  target.on('connection', (s) => s.on('echo', (v: unknown, ack: (v: unknown) => void) => ack(v)));
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
});

after(() => closeIoServer(target, https));

function outcome(client: Socket): Promise<string> {
  return new Promise((resolve) => {
    client.once('connect', () => resolve('connect'));
    client.once('connect_error', (err) => resolve(`connect_error: ${err.message}`));
  });
}

test('an untrusted certificate: the client fails as against a down server, the log says why', async () => {
  const warnings: string[] = [];
  const log: Logger = { info: () => {}, warn: (m) => warnings.push(m) };
  const proxy = await startProxy(url, { log });
  try {
    for (const [transports, error] of [
      [['polling'], 'xhr poll error'],
      [['websocket'], 'websocket error'],
    ] as const) {
      const client = io(proxy.url, { transports: [...transports], reconnection: false, forceNew: true });
      assert.equal(await outcome(client), `connect_error: ${error}`);
      client.close();
    }
    assert.ok(
      warnings.some((w) => /DEPTH_ZERO_SELF_SIGNED_CERT/.test(w) && /--insecure/.test(w)),
      warnings.join('\n'),
    );
  } finally {
    await proxy.close();
  }
});

test('insecure: relayed over polling, the upgrade and WebSocket, with the target’s ids', async () => {
  const proxy = await startProxy(url, { insecure: true });
  try {
    for (const transports of [['polling'], ['polling', 'websocket'], ['websocket']]) {
      const client = io(proxy.url, { transports, reconnection: false, forceNew: true });
      assert.equal(await outcome(client), 'connect');
      if (transports.length === 2 && client.io.engine.transport.name !== 'websocket')
        await new Promise((resolve) => client.io.engine.once('upgrade', resolve));
      assert.deepEqual(await client.timeout(2000).emitWithAck('echo', { over: transports }), {
        over: transports,
      });
      const server = target.sockets.sockets.get(client.id ?? '');
      assert.ok(server, 'the same socket id on the target');
      assert.equal(engineId(server), client.io.engine.id);
      assert.equal(server.conn.transport.name, transports.at(-1));
      const echo = proxy.events.find(
        (e) => e.type === 'packet' && e.sessionId === client.io.engine.id && e.sio?.event === 'echo',
      );
      assert.ok(echo, `${transports.join('+')}: the emit was observed`);
      client.close();
    }
  } finally {
    await proxy.close();
  }
});

test('insecure: a burst over the TLS WebSocket comes back intact, each message observed once', async () => {
  // The client's masked bytes go on to a TLS socket, whose queue holds each write until the next
  // turn, so the wire copies them before its parser unmasks (proxy/engine/websocket-wire.ts
  // `parserCopy`): what the target gets must be what the client sent.
  const proxy = await startProxy(url, { insecure: true });
  const client = io(proxy.url, { transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    assert.equal(await outcome(client), 'connect');
    const sent = Array.from({ length: 400 }, (_, i) =>
      `${i}:`.padEnd(4000, String.fromCharCode(97 + (i % 26))),
    );
    const back = await Promise.all(sent.map((m) => client.timeout(10_000).emitWithAck('echo', m)));
    assert.deepEqual(back, sent);
    const observed = proxy.events.filter(
      (e) => e.type === 'packet' && e.sessionId === client.io.engine.id && e.sio?.event === 'echo',
    );
    assert.equal(observed.length, sent.length);
  } finally {
    client.close();
    await proxy.close();
  }
});

test('the CLI takes --insecure', async () => {
  const run = runCli(cliArgs(url, '--insecure', '--no-open', '--quiet'));
  try {
    const { proxy } = await banner(run);
    const client = io(proxy, { reconnection: false, forceNew: true });
    assert.equal(await outcome(client), 'connect');
    assert.equal(await client.timeout(2000).emitWithAck('echo', 'through the CLI'), 'through the CLI');
    client.close();
  } finally {
    run.child.kill('SIGTERM');
    await run.exited;
  }
});

test('an https:// target that speaks plain HTTP: a 502 that says so, no OpenSSL line', async () => {
  const plain = await startTarget();
  const warnings: string[] = [];
  const log: Logger = { info: () => {}, warn: (m) => warnings.push(m) };
  const proxy = await startProxy(`https://127.0.0.1:${plain.port}`, { log });
  try {
    for (const path of ['/socket.io/?EIO=4&transport=polling', '/index.html']) {
      const res = await fetch(proxy.url + path);
      assert.equal(res.status, 502, path);
      const body = await res.text();
      assert.match(body, /speaks plain HTTP, not TLS: use an http:\/\/ --target/, path);
      assert.doesNotMatch(body, /wrong version number|SSL routines/, path);
    }
    const ws = io(proxy.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    assert.equal(await outcome(ws), 'connect_error: websocket error');
    ws.close();
    assert.equal(warnings.length, 3, warnings.join('\n'));
    for (const w of warnings) {
      assert.match(w, /speaks plain HTTP/);
      assert.doesNotMatch(w, /wrong version number|\n/);
    }
  } finally {
    await proxy.close();
    await plain.close();
  }
});
