/** Capture files for the panel (panel/src/source/parse-capture.ts): NDJSON, several runs, HAR. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AckEvent, ProxyEvent } from '../../shared/events.js';
import { eventsToHar } from '../../shared/har.js';
import { parseCapture } from '../../panel/src/source/parse-capture.js';
import { applyEvents, createModel } from '../../panel/src/store/reduce.js';
import { EventFactory } from '../support/panel-events.js';

const ndjson = (events: ProxyEvent[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

test('NDJSON: one event a line; blank and broken lines do not stop the rest', () => {
  const f = new EventFactory();
  const events = [f.session('S', 'k'), f.emit('S', 'c2s', 'a', [])];
  const parsed = parseCapture(`${ndjson(events)}\nnot json\n{"no":"event"}\n`);
  assert.equal(parsed.format, 'ndjson');
  assert.equal(parsed.events.length, 2);
  assert.equal(parsed.badLines, 2);
});

test('NDJSON appended by several runs (`--record` appends): seqs follow on, ack references too', () => {
  const run = () => {
    const f = new EventFactory();
    const ev = f.emit('S', 'c2s', 'a', [], { id: 1 });
    const ack = f.ack('S', 's2c', 1, []);
    return [
      ev,
      ack,
      f.ev({
        type: 'ack',
        sessionId: 'S',
        nsp: '/',
        id: 1,
        direction: 'c2s',
        latency: 1,
        eventSeq: ev.seq,
        ackSeq: ack.seq,
      }),
    ];
  };
  const parsed = parseCapture(ndjson([...run(), ...run()]));
  assert.equal(parsed.runs, 2);
  assert.deepEqual(
    parsed.events.map((e) => e.seq),
    [1, 2, 3, 4, 5, 6],
  );
  const ack = parsed.events[5] as AckEvent;
  assert.deepEqual([ack.eventSeq, ack.ackSeq], [4, 5]);
  const model = createModel();
  applyEvents(model, parsed.events);
  assert.equal(model.packets.size, 4);
  assert.equal(model.packets.bySeq(4)?.linkSeq, 5);
});

test('HAR: read through shared/har.ts into sessions and packets', () => {
  const f = new EventFactory();
  const session = f.session('SID1', 'k');
  const open = f.ev({
    type: 'packet',
    sessionId: 'SID1',
    direction: 's2c',
    transport: 'polling',
    engine: 'open',
    size: 10,
    data: '{"sid":"SID1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
  });
  const http = f.ev({
    type: 'http',
    sessionId: 'SID1',
    method: 'GET',
    url: '/socket.io/?EIO=4&transport=polling&t=1',
    status: 200,
    requestHeaders: { host: 'localhost:8080' },
    responseHeaders: { 'content-type': 'text/plain; charset=UTF-8' },
    responseBody:
      '0{"sid":"SID1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
    startedAt: f.ts - 1,
    duration: 1,
  });
  const har = JSON.stringify(eventsToHar([session, open, http]));
  const parsed = parseCapture(har);
  assert.equal(parsed.format, 'har');
  const model = createModel();
  applyEvents(model, parsed.events);
  assert.ok(model.sessions.has('SID1'));
  assert.ok(model.packets.size >= 1);
  assert.equal(model.sessions.get('SID1')?.importedFrom, 'har');
});
