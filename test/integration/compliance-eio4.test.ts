/**
 * The Engine.IO v4 and Socket.IO v5 protocol test suites' expectations (socketio/engine.io-protocol,
 * socketio/socket.io-protocol), restated here scenario by scenario and run against their reference
 * server twice: directly, then through sio-proxy. Each scenario's transcript must be the same both
 * ways, and what the suites assert must hold through the proxy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sleep } from '../support/harness.js';
import {
  HEARTBEAT,
  MAX_PAYLOAD,
  OPEN_FIELDS,
  PING_INTERVAL,
  PING_TIMEOUT,
  Ws,
  both as compliance,
  describeOpen,
  httpLine,
  normaliseIds,
  post,
  startComplianceEnv,
  type ComplianceEnv,
  type Scenario,
  type Transcript,
} from '../support/compliance.js';
import * as scenarios from '../support/compliance-scenarios.js';

let env: ComplianceEnv;
before(async () => (env = await startComplianceEnv({ allowEIO3: false })));
after(() => env.close());

const both = (scenario: Scenario) => compliance(env, scenario);

const eio = (base: string, query = '') => `${base}/engine.io/?EIO=4&transport=polling${query}`;
const wsUrl = (base: string, path: string, query = '') =>
  `${base.replace('http', 'ws')}${path}?EIO=4&transport=websocket${query}`;

/** A polling session past its first ping, answered: what the suites' `initLongPollingSession` does. */
async function pollingSession(base: string): Promise<string> {
  const open = await (await fetch(eio(base))).text();
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  assert.equal(await (await fetch(eio(base, `&sid=${sid}`))).text(), '2');
  assert.equal(await (await fetch(eio(base, `&sid=${sid}`), { method: 'POST', body: '3' })).text(), 'ok');
  return sid;
}

const V4: scenarios.Dialect = {
  polling: eio,
  websocket: wsUrl,
  session: pollingSession,
  payload: (packet) => packet,
};

describe('Engine.IO v4: handshake', () => {
  test('HTTP long-polling opens a session with the server’s values', async () => {
    const t = await both(async (base) => {
      const res = await fetch(eio(base));
      return [`${res.status}`, ...describeOpen(await res.text())];
    });
    assert.deepEqual(t, [
      '200',
      ...OPEN_FIELDS,
      'upgrades ["websocket"]',
      HEARTBEAT,
      `maxPayload ${MAX_PAYLOAD}`,
    ]);
  });

  test('bad EIO, bad transport and bad methods get engine.io’s errors', async () => {
    const t = await both(async (base) =>
      Promise.all([
        fetch(`${base}/engine.io/?transport=polling`).then(httpLine),
        fetch(`${base}/engine.io/?EIO=abc&transport=polling`).then(httpLine),
        fetch(`${base}/engine.io/?EIO=4`).then(httpLine),
        fetch(`${base}/engine.io/?EIO=4&transport=abc`).then(httpLine),
        post(eio(base), '').then(httpLine),
        fetch(eio(base), { method: 'PUT' }).then(httpLine),
      ]),
    );
    for (const line of t) assert.match(line, /^400 \{"code":\d,"message":"[^"]+"\}$/);
  });

  test('WebSocket opens a session with no upgrades', async () => {
    const t = await both(async (base) => {
      const ws = new Ws(wsUrl(base, '/engine.io/'));
      const open = await ws.next();
      ws.close();
      return describeOpen(open ?? '');
    });
    assert.deepEqual(t, [...OPEN_FIELDS, 'upgrades []', HEARTBEAT, `maxPayload ${MAX_PAYLOAD}`]);
  });

  test('WebSocket with a bad EIO or transport is refused', async () => {
    const t = await both(async (base) => {
      const ws = base.replace('http', 'ws');
      const urls = [
        `${ws}/engine.io/?transport=websocket`,
        `${ws}/engine.io/?EIO=abc&transport=websocket`,
        `${ws}/engine.io/?EIO=4`,
        `${ws}/engine.io/?EIO=4&transport=abc`,
      ];
      return Promise.all(urls.map((u) => new Ws(u).ended));
    });
    // engine.io answers 400 or drops the connection, depending on where the check fails.
    for (const end of t) assert.match(end, /^(refused 400|close 1006)$/);
  });
});

describe('Engine.IO v4: messages', () => {
  test('polling: one packet, several packets, text and base64 binary, echoed', async () => {
    const t = await both(async (base) => {
      const sid = await pollingSession(base);
      const out: Transcript = [];
      for (const body of ['4hello', '4test1\x1e4test2\x1e4test3', '4hello\x1ebAQIDBA==']) {
        out.push(await post(eio(base, `&sid=${sid}`), body).then(httpLine));
        out.push(await fetch(eio(base, `&sid=${sid}`)).then(httpLine));
      }
      return out;
    });
    assert.deepEqual(t, [
      '200 ok',
      '200 4hello',
      '200 ok',
      '200 4test1\x1e4test2\x1e4test3',
      '200 ok',
      '200 4hello\x1ebAQIDBA==',
    ]);
  });

  test('polling: an invalid packet closes the session', async () => {
    const t = await both(scenarios.invalidPollingPacket(V4));
    // The suites allow a 400 or a reset; engine.io@6 answers the POST itself with 200 and then closes.
    assert.match(t[0] ?? '', /^(200|400|reset)$/);
    assert.equal(t[1], '400');
  });

  test('polling: a duplicate poll closes the session', async () => {
    const t = await both(scenarios.duplicatePoll(V4));
    assert.equal(t[0], '200 1');
    assert.match(t[1] ?? '', /^(400|500)$/);
    assert.equal(t[2], '400');
  });

  test('WebSocket: text and binary echoed; an invalid packet closes', async () => {
    const t = await both(scenarios.websocketEcho(V4, Uint8Array.from([1, 2, 3, 4])));
    assert.deepEqual(t.slice(0, 2), ['4hello', '<bytes 1,2,3,4>']);
    assert.match(t[2] ?? '', /^close /);
  });
});

describe('Engine.IO v4: heartbeat', () => {
  test('polling: the server pings, the client pongs', async () => {
    const t = await both(async (base) => {
      const open = await (await fetch(eio(base))).text();
      const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
      const out: Transcript = [];
      for (let i = 0; i < 3; i++) {
        out.push(await fetch(eio(base, `&sid=${sid}`)).then(httpLine));
        out.push(await post(eio(base, `&sid=${sid}`), '3').then(httpLine));
      }
      return out;
    });
    assert.deepEqual(t, ['200 2', '200 ok', '200 2', '200 ok', '200 2', '200 ok']);
  });

  test('polling: a missing pong ends the session', async () => {
    const t = await both(async (base) => {
      const sid = await pollingSession(base);
      await sleep(PING_INTERVAL + PING_TIMEOUT + 50);
      const line = await fetch(eio(base, `&sid=${sid}`)).then(httpLine);
      // The suites accept either answer: the session gone (400) or its close packet.
      return [line === '200 1' || line.startsWith('400 ') ? 'closed' : line];
    });
    assert.deepEqual(t, ['closed']);
  });

  test('WebSocket: pings answered keep it open; unanswered, it closes', async () => {
    const t = await both(async (base) => {
      const ws = new Ws(wsUrl(base, '/engine.io/'));
      await ws.next(); // open
      const out: Transcript = [];
      for (let i = 0; i < 3; i++) {
        out.push((await ws.next()) ?? 'closed');
        ws.send('3');
      }
      out.push(await ws.ended); // no more pongs
      return out;
    });
    assert.deepEqual(t.slice(0, 3), ['2', '2', '2']);
    assert.match(t[3] ?? '', /^close /);
  });
});

describe('Engine.IO v4: close and upgrade', () => {
  test('polling: a close packet ends the pending poll with a noop, then the session is gone', async () => {
    assert.deepEqual(await both(scenarios.pollingClose(V4)), ['200 6', '400']);
  });

  test('WebSocket: a close packet closes the connection', async () => {
    assert.match((await both(scenarios.websocketClose(V4)))[0] ?? '', /^close /);
  });

  test('probe, noop on the pending poll, upgrade, then polling and a second WebSocket are refused', async () => {
    const t = await both(scenarios.upgrade(V4));
    assert.deepEqual(t.slice(0, 5), ['open', '3probe', '200 6', '4hello', '400']);
  });
});

/** A WebSocket session on /socket.io/ past its open packet, pings answered in the background. */
async function sioSocket(base: string): Promise<Ws> {
  const ws = new Ws(wsUrl(base, '/socket.io/'));
  assert.equal((await ws.next())?.[0], '0');
  return ws;
}

/** The next packet that is not a ping, answering pings on the way (the suites' heartbeat). */
async function nextPacket(ws: Ws, ms = 3000): Promise<string> {
  for (;;) {
    const m = await ws.next(ms);
    if (m === undefined) return `ended ${await ws.ended}`;
    if (m !== '2') return normaliseIds(m);
    ws.send('3');
  }
}

describe('Socket.IO v5: connect and disconnect', () => {
  const connects: Array<[string, string, string[]]> = [
    ['the main namespace', '40', ['40{"sid":"<sid>"}', '42["auth",{}]']],
    [
      'the main namespace with auth',
      '40{"token":"123"}',
      ['40{"sid":"<sid>"}', '42["auth",{"token":"123"}]'],
    ],
    ['a custom namespace', '40/custom,', ['40/custom,{"sid":"<sid>"}', '42/custom,["auth",{}]']],
    [
      'a custom namespace with auth',
      '40/custom,{"token":"abc"}',
      ['40/custom,{"sid":"<sid>"}', '42/custom,["auth",{"token":"abc"}]'],
    ],
    ['an unknown namespace', '40/random,', ['44/random,{"message":"Invalid namespace"}']],
  ];
  for (const [what, packet, expected] of connects) {
    test(`CONNECT to ${what}`, async () => {
      const t = await both(async (base) => {
        const ws = await sioSocket(base);
        ws.send(packet);
        const out: Transcript = [];
        for (const _ of expected) out.push(await nextPacket(ws));
        ws.close();
        return out;
      });
      assert.deepEqual(t, expected);
    });
  }

  test('an invalid packet closes the connection', async () => {
    const t = await both(async (base) => {
      const ws = await sioSocket(base);
      ws.send('4abc');
      return [await ws.ended];
    });
    assert.match(t[0] ?? '', /^close /);
  });

  test('no CONNECT within connectTimeout: the server closes', async () => {
    const t = await both(async (base) => {
      const ws = await sioSocket(base);
      return [await nextPacket(ws, 3000)];
    });
    assert.match(t[0] ?? '', /^ended close /);
  });

  test('DISCONNECT from a custom namespace leaves the main one working', async () => {
    const t = await both(async (base) => {
      const ws = await sioSocket(base);
      ws.send('40');
      const out = [await nextPacket(ws), await nextPacket(ws)];
      ws.send('40/custom,');
      out.push(await nextPacket(ws), await nextPacket(ws));
      ws.send('41/custom,');
      ws.send('42["message","message to main namespace"]');
      out.push(await nextPacket(ws));
      ws.send('41');
      ws.close();
      return out;
    });
    assert.equal(t[4], '42["message-back","message to main namespace"]');
  });
});

describe('Socket.IO v5: messages and acks', () => {
  async function connected(base: string): Promise<Ws> {
    const ws = await sioSocket(base);
    ws.send('40');
    await nextPacket(ws); // CONNECT
    await nextPacket(ws); // auth
    return ws;
  }
  const exchanges: Array<[string, Array<string | Uint8Array>, string[]]> = [
    ['a plain-text event', ['42["message",1,"2",{"3":[true]}]'], ['42["message-back",1,"2",{"3":[true]}]']],
    [
      'an event with binary attachments',
      [
        '452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
        Uint8Array.from([1, 2, 3]),
        Uint8Array.from([4, 5, 6]),
      ],
      [
        '452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
        '<bytes 1,2,3>',
        '<bytes 4,5,6>',
      ],
    ],
    [
      'an event with an ack',
      ['42456["message-with-ack",1,"2",{"3":[false]}]'],
      ['43456[1,"2",{"3":[false]}]'],
    ],
    [
      'an event with binary and an ack',
      [
        '452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
        Uint8Array.from([1, 2, 3]),
        Uint8Array.from([4, 5, 6]),
      ],
      [
        '462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
        '<bytes 1,2,3>',
        '<bytes 4,5,6>',
      ],
    ],
  ];
  for (const [what, sent, expected] of exchanges) {
    test(what, async () => {
      const t = await both(async (base) => {
        const ws = await connected(base);
        for (const m of sent) ws.send(m);
        const out: Transcript = [];
        for (const _ of expected) out.push(await nextPacket(ws));
        ws.close();
        return out;
      });
      assert.deepEqual(t, expected);
    });
  }
});
