/**
 * The terminal log (proxy/observe/terminal-log.ts): its lines, its colours, and its bounded queue,
 * which drops (and says so) rather than block the relay when the output is slower than the events.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import type { PacketEvent, ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { jsonLine, prettyLine, TerminalLog, type LogOutput } from '../../proxy/observe/terminal-log.js';

const TS = new Date(2024, 4, 1, 12, 0, 1, 234).getTime();
let seq = 0;
const ev = (e: UnstampedEvent): ProxyEvent => ({ ...e, seq: ++seq, ts: TS }) as ProxyEvent;
const plain = (e: ProxyEvent) => prettyLine(e, { color: false, argsWidth: 200 });

type PacketFields = Omit<PacketEvent, 'type' | 'seq' | 'ts'>;
/** A packet event of session 3fA9xyz: a client message over WebSocket unless `p` says otherwise. */
const packet = (p: Partial<PacketFields> & Pick<PacketFields, 'size'>) =>
  ev({
    type: 'packet',
    sessionId: '3fA9xyz',
    direction: 'c2s',
    transport: 'websocket',
    engine: 'message',
    ...p,
  });

describe('pretty lines', () => {
  test('an EVENT with an ack id', () => {
    const line = plain(
      packet({
        direction: 's2c',
        size: 45,
        data: '23["chat message","hi"]',
        sio: { type: 'EVENT', nsp: '/', id: 3, event: 'chat message', args: ['chat message', 'hi'] },
      }),
    );
    assert.equal(line, '12:00:01.234 s2c 3fA9… 42 chat message ["hi"] ack=3 (45 B)');
  });

  test('a CONNECT to a namespace, connect, disconnect, ack', () => {
    assert.equal(
      plain(
        packet({
          transport: 'polling',
          size: 24,
          data: '0/admin,{"token":"x"}',
          sio: { type: 'CONNECT', nsp: '/admin', args: { token: 'x' } },
        }),
      ),
      '12:00:01.234 c2s 3fA9… 40 /admin {"token":"x"} (24 B)',
    );
    assert.equal(
      plain(ev({ type: 'connect', sessionId: '3fA9xyz', nsp: '/', socketId: 'abc', recovered: false })),
      '12:00:01.234     3fA9… connect / id=abc recovered=false',
    );
    assert.equal(
      plain(
        ev({
          type: 'disconnect',
          sessionId: '3fA9xyz',
          nsp: '/',
          clientReason: 'io server disconnect',
          serverReason: 'server namespace disconnect',
          leg: 'server',
          active: false,
          description: '',
        }),
      ),
      '12:00:01.234     3fA9… disconnect / client:"io server disconnect" server:"server namespace disconnect" by server',
    );
    assert.equal(
      plain(
        ev({
          type: 'ack',
          sessionId: '3fA9xyz',
          nsp: '/',
          id: 3,
          direction: 'c2s',
          event: 'chat message',
          latency: 12.34,
          eventSeq: 1,
          ackSeq: 2,
        }),
      ),
      '12:00:01.234 c2s 3fA9… ack 3 "chat message" 12.3 ms',
    );
  });

  test('heartbeats compact; binary args by size; a pending binary header', () => {
    assert.equal(
      plain(packet({ direction: 's2c', engine: 'ping', size: 1 })),
      '12:00:01.234 s2c 3fA9… 2 ping',
    );
    assert.equal(
      plain(
        packet({
          size: 3,
          data: '<3 bytes>',
          binary: 'AQID',
          sio: {
            type: 'BINARY_EVENT',
            nsp: '/',
            event: 'file',
            args: ['file', Buffer.from([1, 2, 3])],
            attachments: [3],
          },
        }),
      ),
      '12:00:01.234 c2s 3fA9… 45 file [<3 bytes>] (3 B)',
    );
    assert.equal(
      plain(packet({ size: 40, data: '51-["file",{"_placeholder":true,"num":0}]' })),
      '12:00:01.234 c2s 3fA9… 4 51-["file",{"_placeholder":true,"num":0}] pending (40 B)',
    );
  });

  test('what a peer sends cannot drive the terminal: control characters are escaped', () => {
    const line = plain(
      packet({
        size: 10,
        data: 'x',
        sio: { type: 'EVENT', nsp: '/\x1b[2J', event: 'a\x1b]0;pwned\x07\n', args: ['a', 'b\x9bc'] },
      }),
    );
    const controls = [...line].filter(
      (c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f),
    );
    assert.deepEqual(controls, [], JSON.stringify(line));
    assert.match(line, /\\u001b\[2J/);
  });

  test('colours only when asked', () => {
    const e = ev({ type: 'connect', sessionId: '3fA9xyz', nsp: '/', socketId: 'abc', recovered: true });
    assert.ok(!plain(e).includes('\x1b['));
    assert.ok(prettyLine(e, { color: true, argsWidth: 200 }).includes('\x1b[32mconnect\x1b[0m'));
  });
});

describe('json lines', () => {
  test('one line, binary as base64', () => {
    const line = jsonLine(
      packet({
        sessionId: 's',
        size: 3,
        sio: { type: 'BINARY_EVENT', nsp: '/', event: 'f', args: ['f', Buffer.from([1, 2, 3])] },
      }),
    );
    assert.ok(!line.includes('\n'));
    const parsed = JSON.parse(line) as { sio: { args: unknown[] } };
    assert.deepEqual(parsed.sio.args, ['f', { _binary: 'AQID', size: 3 }]);
  });
});

/** An output that accepts `capacity` writes, then reports backpressure until drained by the test. */
class SlowOutput extends EventEmitter implements LogOutput {
  chunks: string[] = [];
  full = false;
  constructor(private capacity: number) {
    super();
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    if (--this.capacity <= 0) this.full = true;
    return !this.full;
  }
  drainNow(capacity: number): void {
    this.capacity = capacity;
    this.full = false;
    this.emit('drain');
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the bounded queue', () => {
  const pingEvent = () => packet({ sessionId: 'abcdef', direction: 's2c', engine: 'ping', size: 1 });

  test('the observer only enqueues; lines are written later', async () => {
    const out = new SlowOutput(100);
    const log = new TerminalLog({ mode: 'pretty', out, color: false });
    log.observe(pingEvent());
    assert.equal(out.chunks.length, 0, 'nothing written on the relay path');
    await tick();
    assert.match(out.text, /2 ping\n$/);
  });

  test('a stalled output: past the bound, events are dropped, counted, and reported', async () => {
    const out = new SlowOutput(1);
    const log = new TerminalLog({ mode: 'pretty', out, color: false, maxQueue: 10 });
    log.observe(pingEvent());
    await tick(); // written; the output is now full
    for (let i = 0; i < 25; i++) log.observe(pingEvent()); // 10 queued, 15 dropped
    await tick();
    assert.equal(out.chunks.length, 1, 'nothing more until the output drains');
    out.drainNow(100);
    await log.flush();
    const lines = out.text.trim().split('\n');
    assert.equal(lines.filter((l) => l.endsWith('2 ping')).length, 11);
    assert.ok(
      lines.includes('sio-proxy: 15 event(s) not shown: stdout was slower than the events'),
      out.text,
    );
  });

  test('json mode reports drops as a dropped event', async () => {
    const out = new SlowOutput(1);
    const log = new TerminalLog({ mode: 'json', out, maxQueue: 1 });
    log.observe(pingEvent());
    await tick();
    log.observe(pingEvent());
    log.observe(pingEvent());
    out.drainNow(100);
    await log.flush();
    const types = out.text
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string; count?: number }).type);
    assert.deepEqual(types, ['packet', 'packet', 'dropped']);
  });

  test('the filter applies', async () => {
    const out = new SlowOutput(100);
    const log = new TerminalLog({ mode: 'pretty', out, color: false, filter: '-engine:ping' });
    log.observe(pingEvent());
    log.observe(ev({ type: 'drain', sessionId: 'abcdef', leg: 'client' }));
    await log.flush();
    assert.match(out.text, /^\S+ {5}abcd… drain client\n$/);
  });
});

describe('problems', () => {
  const problem = (kind: string, title: string, confidence: 'certain' | 'likely' = 'certain') =>
    ev({
      type: 'problem',
      kind,
      severity: 'warning',
      title,
      fix: 'Rename the event.\nNow.',
      sessionId: '3fA9xyz',
      seqs: [41, 42],
      confidence,
      evidence: ['packet #41 is an EVENT named "disconnect"'],
    });

  test('one line with the kind, the title and the packets; the fix the first time a kind shows', async () => {
    const out = new SlowOutput(100);
    const log = new TerminalLog({ mode: 'pretty', out, color: false });
    log.observe(problem('reserved-event', '"disconnect" is a reserved event name'));
    log.observe(problem('reserved-event', '"connect" is a reserved event name'));
    log.observe(problem('handled-twice', '"pay" sent again after a reconnect', 'likely'));
    await log.flush();
    assert.deepEqual(out.text.split('\n'), [
      '12:00:01.234     3fA9… problem reserved-event: "disconnect" is a reserved event name #41 #42',
      '                       fix: Rename the event.\\nNow.',
      '12:00:01.234     3fA9… problem reserved-event: "connect" is a reserved event name #41 #42',
      '12:00:01.234     3fA9… problem handled-twice: "pay" sent again after a reconnect (likely) #41 #42',
      '                       fix: Rename the event.\\nNow.',
      '',
    ]);
  });

  test('pretty: past the first three of a kind, a line with the count at the 10th, 100th, ...', async () => {
    const out = new SlowOutput(100);
    const log = new TerminalLog({ mode: 'pretty', out, color: false });
    for (let i = 1; i <= 120; i++) log.observe(problem('ack-timeout', `no ACK for "e${i}"`));
    log.observe(problem('cors', 'CORS: no Access-Control-Allow-Origin'));
    await log.flush();
    assert.deepEqual(out.text.split('\n'), [
      '12:00:01.234     3fA9… problem ack-timeout: no ACK for "e1" #41 #42',
      '                       fix: Rename the event.\\nNow.',
      '12:00:01.234     3fA9… problem ack-timeout: no ACK for "e2" #41 #42',
      '12:00:01.234     3fA9… problem ack-timeout: no ACK for "e3" #41 #42',
      '12:00:01.234     3fA9… problem ack-timeout: ×10 so far (the latest: no ACK for "e10") #41 #42',
      '12:00:01.234     3fA9… problem ack-timeout: ×100 so far (the latest: no ACK for "e100") #41 #42',
      '12:00:01.234     3fA9… problem cors: CORS: no Access-Control-Allow-Origin #41 #42',
      '                       fix: Rename the event.\\nNow.',
      '',
    ]);
  });

  test('json: the event as it is; --filter type:problem and the title as text', async () => {
    const out = new SlowOutput(100);
    const log = new TerminalLog({ mode: 'json', out, filter: 'type:problem reserved' });
    log.observe(problem('reserved-event', '"disconnect" is a reserved event name'));
    log.observe(problem('handled-twice', '"pay" sent again after a reconnect'));
    log.observe(pingLike());
    await log.flush();
    const lines = out.text.trim().split('\n');
    assert.equal(lines.length, 1);
    const parsed = JSON.parse(lines[0]!) as { type: string; kind: string; fix: string; seqs: number[] };
    assert.deepEqual([parsed.type, parsed.kind, parsed.seqs], ['problem', 'reserved-event', [41, 42]]);
    assert.equal(parsed.fix, 'Rename the event.\nNow.');
  });

  const pingLike = () => packet({ sessionId: 'abcdef', direction: 's2c', engine: 'ping', size: 1 });
});
