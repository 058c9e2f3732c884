/**
 * The Engine.IO v3 and Socket.IO v4 protocol suites' expectations (the framing Socket.IO v2 clients
 * speak), run against the reference server with `allowEIO3`, directly and then through sio-proxy:
 * each scenario's transcript must be the same both ways. In v3 the client pings and the server
 * pongs, polling payloads are length-prefixed, and socket.io@4 connects an EIO3 client to the main
 * namespace by itself.
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
before(async () => (env = await startComplianceEnv({ allowEIO3: true })));
after(() => env.close());

const both = (scenario: Scenario) => compliance(env, scenario);

const eio = (base: string, query = '') => `${base}/engine.io/?EIO=3&transport=polling${query}`;
const wsUrl = (base: string, path: string, query = '') =>
  `${base.replace('http', 'ws')}${path}?EIO=3&transport=websocket${query}`;

/** A v3 payload's packets: `<length>:<packet>` repeated. */
function splitPayload(payload: string): string[] {
  const packets: string[] = [];
  let i = 0;
  while (i < payload.length) {
    const colon = payload.indexOf(':', i);
    const length = Number(payload.slice(i, colon));
    packets.push(payload.slice(colon + 1, colon + 1 + length));
    i = colon + 1 + length;
  }
  return packets;
}

async function pollingSession(base: string, query = ''): Promise<string> {
  const body = await (await fetch(eio(base, query))).text();
  return (JSON.parse(splitPayload(body)[0]?.slice(1) ?? '{}') as { sid: string }).sid;
}

const V3: scenarios.Dialect = {
  polling: eio,
  websocket: wsUrl,
  session: (base) => pollingSession(base),
  payload: (packet) => `${packet.length}:${packet}`,
};

describe('Engine.IO v3: handshake', () => {
  for (const query of ['', '&b64=1']) {
    test(`HTTP long-polling opens a session (length-prefixed${query ? ', base64' : ''})`, async () => {
      const t = await both(async (base) => {
        const res = await fetch(eio(base, query));
        const body = await res.text();
        const [length] = body.split(':');
        const packets = splitPayload(body);
        return [
          `${res.status}`,
          `one packet ${packets.length === 1 && Number(length) === packets[0]?.length}`,
          ...describeOpen(packets[0] ?? ''),
        ];
      });
      assert.deepEqual(t, [
        '200',
        'one packet true',
        ...OPEN_FIELDS,
        'upgrades ["websocket"]',
        HEARTBEAT,
        `maxPayload ${MAX_PAYLOAD}`,
      ]);
    });
  }

  test('bad transport and bad methods get engine.io’s errors', async () => {
    const t = await both(async (base) =>
      Promise.all([
        fetch(`${base}/engine.io/?EIO=3`).then(httpLine),
        fetch(`${base}/engine.io/?EIO=3&transport=abc`).then(httpLine),
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
});

describe('Engine.IO v3: messages', () => {
  test('polling: one packet, several packets, text and base64 binary, echoed', async () => {
    const t = await both(async (base) => {
      const sid = await pollingSession(base, '&b64=1');
      const out: Transcript = [];
      for (const body of ['6:4hello', '6:4test16:4test26:4test3', '6:4hello10:b4AQIDBA==']) {
        out.push(await post(eio(base, `&b64=1&sid=${sid}`), body).then(httpLine));
        // The echoes may come back over more than one poll: read until all are in.
        const echoed: string[] = [];
        while (echoed.length < splitPayload(body).length) {
          const res = await fetch(eio(base, `&b64=1&sid=${sid}`));
          echoed.push(...splitPayload(await res.text()).filter((p) => p !== '6'));
        }
        out.push(echoed.join(' '));
      }
      return out;
    });
    assert.deepEqual(t, [
      '200 ok',
      '4hello',
      '200 ok',
      '4test1 4test2 4test3',
      '200 ok',
      '4hello b4AQIDBA==',
    ]);
  });

  test('polling: an invalid packet closes the session', async () => {
    const t = await both(scenarios.invalidPollingPacket(V3));
    assert.equal(t[1], '400');
  });

  test('polling: a duplicate poll closes the session', async () => {
    const t = await both(scenarios.duplicatePoll(V3));
    assert.equal(t[0], '200 1:1');
    assert.match(t[1] ?? '', /^(400|500)$/);
    assert.equal(t[2], '400');
  });

  test('WebSocket: text and binary echoed; an invalid packet closes', async () => {
    // v3 binary frames start with the packet type.
    const t = await both(scenarios.websocketEcho(V3, Uint8Array.from([4, 1, 2, 3, 4])));
    assert.deepEqual(t.slice(0, 2), ['4hello', '<bytes 4,1,2,3,4>']);
    assert.match(t[2] ?? '', /^close /);
  });
});

describe('Engine.IO v3: heartbeat', () => {
  test('polling: the client pings, the server pongs', async () => {
    const t = await both(async (base) => {
      const sid = await pollingSession(base);
      const out: Transcript = [];
      for (let i = 0; i < 3; i++) {
        out.push(await post(eio(base, `&sid=${sid}`), '1:2').then(httpLine));
        out.push(await fetch(eio(base, `&sid=${sid}`)).then(httpLine));
      }
      return out;
    });
    assert.deepEqual(t, ['200 ok', '200 1:3', '200 ok', '200 1:3', '200 ok', '200 1:3']);
  });

  test('polling: no ping in time ends the session', async () => {
    const t = await both(async (base) => {
      const sid = await pollingSession(base);
      await sleep(PING_INTERVAL + PING_TIMEOUT + 50);
      return [await post(eio(base, `&sid=${sid}`), '1:2').then((r) => `${r.status}`)];
    });
    assert.deepEqual(t, ['400']);
  });

  test('WebSocket: pings are ponged; without pings it closes', async () => {
    const t = await both(async (base) => {
      const ws = new Ws(wsUrl(base, '/engine.io/'));
      await ws.next(); // open
      const out: Transcript = [];
      for (let i = 0; i < 3; i++) {
        ws.send('2');
        out.push((await ws.next()) ?? 'closed');
      }
      out.push(await ws.ended);
      return out;
    });
    assert.deepEqual(t.slice(0, 3), ['3', '3', '3']);
    assert.match(t[3] ?? '', /^close /);
  });
});

describe('Engine.IO v3: close and upgrade', () => {
  test('polling: a close packet ends the pending poll with a noop, then the session is gone', async () => {
    assert.deepEqual(await both(scenarios.pollingClose(V3)), ['200 1:6', '400']);
  });

  test('WebSocket: a close packet closes the connection', async () => {
    assert.match((await both(scenarios.websocketClose(V3)))[0] ?? '', /^close /);
  });

  test('probe, noop on the pending poll, upgrade, then polling and a second WebSocket are refused', async () => {
    const t = await both(scenarios.upgrade(V3));
    assert.deepEqual(t.slice(0, 5), ['open', '3probe', '200 1:6', '4hello', '400']);
  });
});

describe('Socket.IO v4 protocol (EIO3)', () => {
  /** A WebSocket session on /socket.io/: open, then the main namespace's CONNECT and the auth echo. */
  async function connected(base: string): Promise<{ ws: Ws; greeting: Transcript }> {
    const ws = new Ws(wsUrl(base, '/socket.io/'));
    const open = (await ws.next()) ?? '';
    const greeting = [open[0] ?? '', (await ws.next()) ?? '', (await ws.next()) ?? ''];
    return { ws, greeting };
  }

  const exchanges: Array<[string, Array<string | Uint8Array>, string[]]> = [
    ['CONNECT to a custom namespace', ['40/custom,'], ['40/custom,', '42/custom,["auth",{}]']],
    // socket.io@4 hands a v2 client's namespace query to the server as `auth`.
    [
      'CONNECT with a query to a custom namespace',
      ['40/custom?token=abc,'],
      ['40/custom,', '42/custom,["auth",{"token":"abc"}]'],
    ],
    ['CONNECT to an unknown namespace', ['40/random,'], ['44/random,{"message":"Invalid namespace"}']],
    ['a plain-text event', ['42["message",1,"2",{"3":[true]}]'], ['42["message-back",1,"2",{"3":[true]}]']],
    ['an event with an ack', ['421["message-with-ack",1,"2",{"3":[false]}]'], ['431[1,"2",{"3":[false]}]']],
    [
      'an event with binary attachments',
      [
        '452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
        Uint8Array.from([4, 1, 2, 3]),
        Uint8Array.from([4, 4, 5, 6]),
      ],
      [
        '452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
        '<bytes 4,1,2,3>',
        '<bytes 4,4,5,6>',
      ],
    ],
  ];
  for (const [what, sent, expected] of exchanges) {
    test(what, async () => {
      const t = await both(async (base) => {
        const { ws, greeting } = await connected(base);
        for (const m of sent) ws.send(m);
        const out = [...greeting];
        for (const _ of expected) out.push(normaliseIds((await ws.next()) ?? 'closed'));
        ws.close();
        return out;
      });
      assert.deepEqual(t, ['0', '40', '42["auth",{}]', ...expected]);
    });
  }

  test('DISCONNECT from a custom namespace leaves the main one working', async () => {
    const t = await both(async (base) => {
      const { ws, greeting } = await connected(base);
      ws.send('40/custom,');
      const out = [...greeting, (await ws.next()) ?? 'closed', (await ws.next()) ?? 'closed'];
      ws.send('41/custom,');
      ws.send('42["message","to main"]');
      out.push((await ws.next()) ?? 'closed');
      ws.close();
      return out;
    });
    assert.deepEqual(t, [
      '0',
      '40',
      '42["auth",{}]',
      '40/custom,',
      '42/custom,["auth",{}]',
      '42["message-back","to main"]',
    ]);
  });

  test('an invalid packet closes the connection', async () => {
    const t = await both(async (base) => {
      const { ws } = await connected(base);
      ws.send('4abc');
      return [await ws.ended];
    });
    assert.match(t[0] ?? '', /^close /);
  });
});
