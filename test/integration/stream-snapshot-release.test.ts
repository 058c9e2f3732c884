/**
 * The history's memory is reused once nothing reads it (proxy/stream/batch-arena.ts): every reader of
 * a snapshot (an observer's replay, a capture, a HAR export; on the relay's thread or the reader
 * thread) must release it when done, or the memory is never reused; and none may release it before
 * it is done, or what it sends is another batch's bytes. Both, against real traffic with a history
 * that turns over many times while observers replay it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HarPlugin, streamHarEvents } from '../../proxy/stream/har-plugin.js';
import { serveEcho, waitFor } from '../support/harness.js';
import { startStreamEnv, TOKEN, type StreamEnv } from '../support/stream-env.js';
import { connected } from '../support/v4-helpers.js';

for (const readerThread of [true, false])
  describe(`snapshots of a history turning over${readerThread ? ' (reader thread)' : ''}`, () => {
    let env: StreamEnv;
    before(async () => {
      // A small history of small batches: it turns over every few hundred acks, many times during
      // a replay, which the per-turn budget spreads over many turns.
      env = await startStreamEnv({
        stream: { history: 3000, batchEvents: 8 },
        plugin: { limits: { chunkChars: 2048 } },
        readerThread,
      });
      if (!readerThread) env.ui.use(new HarPlugin(streamHarEvents(env.stream)));
      serveEcho(env.target.io);
    });
    after(() => env.close());

    test('replays under churn are whole and in order, and every reader releases its snapshot', async () => {
      const client = env.client({ transports: ['websocket'] });
      await connected(client);
      const big = 'z'.repeat(600);
      const flood = async (n: number) => {
        for (let i = 0; i < n; i += 50)
          await Promise.all(
            Array.from({ length: 50 }, (_, k) => client.timeout(5000).emitWithAck('echo', `${i + k} ${big}`)),
          );
      };
      await flood(2000);
      const arena = env.stream.history.arena;
      let sending = true;
      const traffic = (async () => {
        while (sending) await flood(200);
      })();
      const observers = await Promise.all(Array.from({ length: 4 }, () => env.observe()));
      const leaver = await env.observe();
      leaver.close(); // gone while its replay runs
      const [capture, har] = await Promise.all([
        fetch(env.url('/api/capture', TOKEN)).then((r) => r.text()),
        fetch(env.url('/api/har', TOKEN)).then((r) => r.json() as Promise<{ log: { entries: unknown[] } }>),
      ]);
      await new Promise((r) => setTimeout(r, 300));
      sending = false;
      await traffic;
      await waitFor(
        () => observers.every((o) => o.events.at(-1)?.seq === env.proxy.events.at(-1)?.seq),
        10_000,
        'every observer up to the last event',
      );
      for (const o of observers) {
        assert.ok(o.framingOk, 'every message a non-empty JSON array');
        const seqs = o.events.map((e) => e.seq);
        const first = seqs[0]!;
        assert.deepEqual(
          seqs,
          Array.from({ length: seqs.length }, (_, i) => first + i),
          'from its history on, every event once, in order',
        );
        for (const e of o.events) assert.deepEqual(e, env.proxy.events[e.seq - 1], `event ${e.seq} as sent`);
      }
      const lines = capture.trim().split('\n');
      const captured = lines.map((l) => JSON.parse(l) as { seq: number });
      assert.ok(captured.length > 1000, `${captured.length} events captured`);
      captured.forEach((e, i) => {
        if (i > 0) assert.equal(e.seq, captured[i - 1]!.seq + 1, 'the capture in order, no gap');
        assert.deepEqual(e, JSON.parse(JSON.stringify(env.proxy.events[e.seq - 1])), `captured ${e.seq}`);
      });
      assert.ok(har.log.entries.length > 0);
      await waitFor(() => arena.snapshots === 0, 5000, `snapshots released (${arena.snapshots} left)`);
      // Released memory is reused: more churn takes no new chunks (beyond the one being filled).
      const allocated = arena.allocated;
      await flood(3000);
      assert.ok(arena.allocated <= allocated + 1, `${arena.allocated} chunks, ${allocated} before`);
      for (const o of observers) o.close();
      client.close();
    });
  });
