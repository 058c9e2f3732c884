/**
 * GET /api/har gives the relay its turns (issue #14, "Isolation"): a WebSocket's HAR entry holds every
 * message of its session, and writing one such entry as one string, or awaiting only a 'drain' that
 * a socket emits on the same turn, held the relay's thread for the whole export (0.7-1 s under the
 * crowd test). Measured in characters written per turn of the loop, not in ms, so a loaded machine
 * cannot decide it.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { EventBus } from '../../proxy/events/bus.js';
import { EventStream } from '../../proxy/stream/event-stream.js';
import { HAR_EVENTS_PER_TURN, HarPlugin, streamHarEvents } from '../../proxy/stream/har-plugin.js';
import type { ProxyEvent } from '../../shared/events.js';
import { HarBuilder } from '../../shared/har.js';
import { fillPacket, perTurn } from '../support/fill-packet.js';

test('a HAR export of one 20 000-message WebSocket session is written 64 KB a turn, never all at once', async () => {
  const data = `42["fill","${'x'.repeat(1100)}"]`;
  const events = Array.from({ length: 20_000 }, (_, i): ProxyEvent => ({
    ...fillPacket(data),
    seq: i + 1,
    ts: 1_700_000_000_000 + i,
  }));
  const plugin = new HarPlugin(() => events);
  // Bytes of HAR written per turn of the loop.
  const written = perTurn();
  const server = createServer((req, res) => {
    const write = res.write.bind(res) as (chunk: string) => boolean;
    res.write = ((chunk: string) => {
      written.add(chunk.length);
      return write(chunk);
    }) as typeof res.write;
    plugin.http(req, res, new URL(req.url ?? '/', 'http://x'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/har`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal((JSON.parse(text) as { log: { entries: unknown[] } }).log.entries.length, 1);
    assert.ok(text.length > 20_000 * 1100, `${text.length} characters`);
    // Slices of 64 KB, one a turn: never the entry (22 MB), nor slices back to back.
    assert.ok(written.most <= 128 * 1024, `${written.most} characters of HAR written in one turn`);
  } finally {
    server.close();
  }
});

test('the HAR of 20 000 held events is built a slice a turn, not in one synchronous call', async () => {
  const bus = new EventBus();
  const stream = new EventStream(bus);
  const data = `42["fill","${'x'.repeat(100)}"]`;
  for (let i = 0; i < 20_000; i++) bus.emit(fillPacket(data));
  // Events made into entries per turn of the loop.
  const built = perTurn();
  let total = 0;
  const add = Object.getOwnPropertyDescriptor(HarBuilder.prototype, 'add')!.value as HarBuilder['add'];
  HarBuilder.prototype.add = function (this: HarBuilder, e: ProxyEvent) {
    total++;
    built.add(1);
    add.call(this, e);
  };
  const plugin = new HarPlugin(streamHarEvents(stream));
  const server = createServer((req, res) => plugin.http(req, res, new URL(req.url ?? '/', 'http://x')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/har`);
    assert.equal(res.status, 200);
    const har = (await res.json()) as { log: { entries: Array<{ _webSocketMessages: unknown[] }> } };
    assert.equal(har.log.entries[0]?._webSocketMessages.length, 20_000);
    assert.equal(total, 20_000);
    assert.ok(built.most <= HAR_EVENTS_PER_TURN, `${built.most} events made into HAR in one turn`);
  } finally {
    HarBuilder.prototype.add = add;
    server.close();
    stream.close();
  }
});
