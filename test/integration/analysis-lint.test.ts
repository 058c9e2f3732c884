/**
 * Protocol lint (issue #17) end to end: real socket.io@4 (and socket.io@2) apps making the mistakes
 * people ask about, through the proxy with the detectors on its bus, and the `problem` each produces
 * with its fix. The windows are short here (ackTimeoutMs, upgradeWindowMs) so the suite stays quick;
 * docs/problems.md gives the defaults.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { waitFor } from '../support/harness.js';
import { Cleanups, lintEnv, lintV2Env, problem, problems, LINT_WINDOWS } from '../support/lint-env.js';
import { clientV2, closeClients } from '../support/v2-helpers.js';
import { connected } from '../support/v4-helpers.js';

const cleanups = new Cleanups();
after(async () => {
  closeClients();
  await cleanups.run();
});

const env = (targetOpts: Parameters<typeof lintEnv>[1] = {}, windows = LINT_WINDOWS) =>
  lintEnv(cleanups, targetOpts, windows);
const v2Env = () => lintV2Env(cleanups);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('protocol lint with real socket.io', () => {
  test('ack-timeout: the server handler never calls back; ack-late: it calls back after the window', async () => {
    const e = await env();
    e.target.io.on('connection', (s) => {
      s.on('save', () => {}); // forgets the callback
      s.on('report', (_v: unknown, cb: (r: string) => void) => setTimeout(() => cb('done'), 500));
    });
    const c = await e.connect('proxy', { transports: ['websocket'] });
    c.timeout(2000).emit('save', { n: 1 }, () => {});
    const missing = await problem(e.proxy, 'ack-timeout');
    assert.equal(missing.title, 'no ACK for "save" within 0.3 s: the server should answer');
    assert.match(missing.fix, /never calls its callback/);
    const packet = e.proxy.events.find((x) => x.seq === missing.seqs[0]);
    assert.ok(packet?.type === 'packet' && packet.sio?.event === 'save' && packet.direction === 'c2s');

    const answer = await c.timeout(2000).emitWithAck('report', 1);
    assert.equal(answer, 'done');
    const late = await problem(e.proxy, 'ack-late');
    assert.match(late.title, /^the ACK for "report" came after 0\.\d s, later than 0\.3 s$/);
    assert.match(late.fix, /socket\.timeout\(30000\)/);
    assert.equal(late.seqs.length, 2);
  });

  test('stuck-on-polling: a client told not to upgrade, and a target that offers no upgrade', async () => {
    const e = await env();
    const c = await e.connect('proxy', { transports: ['polling'] });
    const stuck = await problem(e.proxy, 'stuck-on-polling');
    assert.match(stuck.title, /^stuck on polling: no WebSocket probe in \d s$/);
    assert.equal(stuck.sessionId, c.io.engine.id);
    assert.match(stuck.fix, /transports: \['polling'\]/);

    const e2 = await env({ transports: ['polling'] });
    await e2.connect('proxy');
    const none = await problem(e2.proxy, 'stuck-on-polling');
    assert.equal(none.title, 'stuck on polling: the target offers no upgrade');
    assert.match(none.fix, /transports: \['polling', 'websocket'\]/);
  });

  test('protocol-mismatch: a socket.io@2 client against socket.io@4 without allowEIO3', async () => {
    const e = await env();
    const c = clientV2(e.proxy.url, { transports: ['polling'] });
    const mismatch = await problem(e.proxy, 'protocol-mismatch');
    c.close();
    assert.match(mismatch.title, /Engine\.IO 3 .*Unsupported protocol version/);
    assert.match(mismatch.fix, /allowEIO3: true/);
    assert.deepEqual(
      problems(e.proxy).map((p) => p.kind),
      ['protocol-mismatch'],
      'one problem, not also handshake-refused',
    );
  });

  for (const transports of [['websocket'], ['polling', 'websocket']]) {
    test(`protocol-mismatch: a socket.io-client@4 against socket.io@2 (${transports.join(', ')})`, async () => {
      const { proxy } = await v2Env();
      const c: Socket = io(proxy.url, { forceNew: true, reconnection: false, transports });
      cleanups.push(() => c.close());
      const mismatch = await problem(proxy, 'protocol-mismatch');
      assert.match(mismatch.title, /socket\.io@3\/4 client against a socket\.io@2 server/);
      assert.match(mismatch.fix, /upgrade the server to socket\.io@4/);
    });
  }

  test('namespace-void: an event on a namespace the session never connected', async () => {
    const e = await env();
    const c = await e.connect('proxy', { transports: ['websocket'] });
    c.io.engine.send('2/admin,["hello",1]');
    const lost = await problem(e.proxy, 'namespace-void');
    assert.equal(lost.title, '"hello" sent on /admin, never connected in this session: the server drops it');
    assert.match(lost.fix, /dropped it without an error/);
  });

  test('sticky-session: the target forgets a sid it just handshook (another node answered)', async () => {
    const e = await env();
    const c = await e.connect('proxy', { transports: ['polling'] });
    // What a second node behind a balancer without stickiness does: it has never heard of the sid.
    const clients = (e.target.io.engine as unknown as { clients: Record<string, unknown> }).clients;
    const sid = c.io.engine.id;
    delete clients[sid];
    c.emit('x', 1);
    const sticky = await problem(e.proxy, 'sticky-session');
    assert.equal(sticky.sessionId, sid);
    assert.equal(sticky.title, 'the target answered "Session ID unknown" for a session it opened');
    assert.match(sticky.fix, /sticky sessions/);
  });

  test('connect-loop: the app calls socket.connect() again on every refusal of a middleware', async () => {
    const e = await env();
    e.target.io.use((_socket, next) => next(new Error('not authorized')));
    const c = e.client('proxy', { transports: ['websocket'] });
    let tries = 0;
    c.on('connect_error', () => {
      if (++tries < 6) c.connect();
    });
    const loop = await problem(e.proxy, 'connect-loop');
    assert.match(
      loop.title,
      /^refused 5 times in \d+\.\d s on \/, and the client keeps trying: not authorized$/,
    );
    assert.equal(loop.seqs.length, 5);
    assert.match(loop.fix, /do not call socket\.connect\(\) from the connect_error handler unconditionally/);
  });

  test('slow-heartbeat: one client answers a ping far later than the others', async () => {
    const e = await env({ pingInterval: 50, pingTimeout: 5000 });
    await e.connect('proxy', { transports: ['websocket'] });
    await e.connect('proxy', { transports: ['websocket'] });
    const slow = await e.connect('proxy', { transports: ['websocket'] });
    await sleep(400); // some twenty quick heartbeats first: the median
    // The client's event loop stalls for 1.3 s: its pong goes out that late.
    const engine = slow.io.engine as unknown as { _sendPacket: (type: string, ...rest: unknown[]) => void };
    const original = engine._sendPacket.bind(engine);
    let stalled = false;
    engine._sendPacket = (type, ...rest) => {
      if (type !== 'pong' || stalled) return original(type, ...rest);
      stalled = true;
      setTimeout(() => original(type, ...rest), 1300);
    };
    const found = await problem(e.proxy, 'slow-heartbeat');
    assert.match(found.title, /^a heartbeat took 1\.\d s; the median is \d+ ms: the client answered late$/);
    assert.equal(found.sessionId, slow.io.engine.id);
    assert.match(found.fix, /event loop was blocked/);
  });

  test('binary-base64: a socket.io@2 client with forceBase64 sends a large Buffer over polling', async () => {
    const { target, proxy } = await v2Env();
    target.io.on('connection', (s) => s.on('upload', () => {}));
    const c = clientV2(proxy.url, { transports: ['polling'], forceBase64: true });
    await new Promise((resolve) => c.once('connect', resolve));
    c.emit('upload', Buffer.alloc(100_000, 7));
    const found = await problem(proxy, 'binary-base64');
    assert.match(found.title, /^13\d KB of binary sent as base64 over polling by the client$/);
    assert.match(found.fix, /Drop forceBase64/);
  });

  test('cors: a cross-origin handshake the target answers without Access-Control-Allow-Origin', async () => {
    const e = await env();
    const handshake = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(`${e.proxy.url}/socket.io/?EIO=4&transport=polling`);
        request(url, { headers: { origin } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
          .on('error', reject)
          .end();
      });
    assert.equal(await handshake('http://app.example:5173'), 200);
    const cors = await problem(e.proxy, 'cors');
    assert.equal(
      cors.title,
      'CORS: the answer to http://app.example:5173 has no Access-Control-Allow-Origin',
    );
    assert.match(cors.fix, /cors: \{ origin: 'https:\/\/app\.example\.com' \}/);

    const allowed = await env({ cors: { origin: 'http://app.example:5173' } });
    await new Promise<void>((resolve, reject) => {
      request(
        new URL(`${allowed.proxy.url}/socket.io/?EIO=4&transport=polling`),
        {
          headers: { origin: 'http://app.example:5173' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      )
        .on('error', reject)
        .end();
    });
    await sleep(100);
    assert.deepEqual(problems(allowed.proxy), [], 'an allowed origin is no problem');
  });
});

describe('a well-behaved socket.io@4 app produces no problem at all', () => {
  test('namespaces, acks both ways, binary, rooms, a reconnect with recovery', async () => {
    const windows = { ackTimeoutMs: 1000, upgradeWindowMs: 1000 };
    const e = await env(
      { connectionStateRecovery: { maxDisconnectionDuration: 10_000, skipMiddlewares: true } },
      windows,
    );
    const io = e.target.io;
    io.on('connection', (s) => {
      s.on('echo', (v: unknown, cb: (v: unknown) => void) => cb(v));
      s.on('join', (room: string, cb: () => void) => {
        void s.join(room);
        cb();
      });
      s.on('shout', (room: string, text: string) => io.to(room).emit('heard', text));
      s.emit('hello', 'welcome', (reply: unknown) => void reply);
    });
    io.of('/admin').on('connection', (s) => {
      s.on('stats', (cb: (v: unknown) => void) => cb({ users: io.engine.clientsCount }));
    });
    const c = e.client('proxy', { reconnection: true, reconnectionDelay: 50, randomizationFactor: 0.5 });
    c.on('hello', (_text: string, cb: (v: string) => void) => cb('thanks'));
    const heard: string[] = [];
    c.on('heard', (t: string) => heard.push(t));
    await connected(c);
    const admin = e.client('proxy', {}, '/admin');
    await connected(admin);

    assert.equal(await c.timeout(2000).emitWithAck('echo', 'text'), 'text');
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const back = (await c.timeout(2000).emitWithAck('echo', { file: bytes })) as { file: Buffer };
    assert.deepEqual(Buffer.from(back.file), bytes);
    await c.timeout(2000).emitWithAck('join', 'lobby');
    c.emit('shout', 'lobby', 'hi all');
    await waitFor(() => heard.length > 0 || undefined, 3000, 'the room broadcast');
    assert.deepEqual(await admin.timeout(2000).emitWithAck('stats'), { users: 2 });

    // A dropped transport: the client reconnects and the server recovers its socket.
    const before = c.id;
    const dropped = new Promise((r) => c.once('disconnect', r));
    (io.sockets.sockets.get(c.id ?? '')?.conn as unknown as { close(): void }).close();
    await dropped;
    await connected(c);
    assert.equal(c.recovered, true, 'connection state recovery restored the socket');
    assert.equal(c.id, before);
    assert.equal(await c.timeout(2000).emitWithAck('echo', 'again'), 'again');

    // Long enough for every window to judge what the app did.
    await sleep(windows.upgradeWindowMs + 700);
    assert.deepEqual(
      problems(e.proxy).map((p) => `${p.kind}: ${p.title}`),
      [],
      'no problem in a well-behaved app',
    );
  });
});
