/**
 * Protocol lint (issue #17), the detectors added last, end to end: real socket.io@4 and
 * socket.io-client through the proxy with the detectors on its bus, making each mistake, and the
 * `problem` it produces with its evidence and fix.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { AttemptEvent, PacketEvent } from '../../shared/events.js';
import { sleep, waitFor } from '../support/harness.js';
import { Cleanups, lintEnv, problem, problems } from '../support/lint-env.js';
import { connected, suppressPongs } from '../support/v4-helpers.js';

const cleanups = new Cleanups();
after(() => cleanups.run());

describe('protocol lint with real socket.io, continued', () => {
  test('payload-near-limit: a message of 96 % of maxHttpBufferSize passes, with a warning', async () => {
    const e = await lintEnv(cleanups, { maxHttpBufferSize: 1000 });
    e.target.io.on('connection', (s) => s.on('save', (_v: string, cb: (ok: boolean) => void) => cb(true)));
    const c = await e.connect('proxy', { transports: ['websocket'] });
    assert.equal(await c.timeout(2000).emitWithAck('save', 'x'.repeat(850)), true);
    await sleep(100);
    assert.deepEqual(problems(e.proxy), [], '88 % of the limit is no problem');

    assert.equal(await c.timeout(2000).emitWithAck('save', 'x'.repeat(950)), true, 'still under the limit');
    const near = await problem(e.proxy, 'payload-near-limit');
    assert.match(near.title, /^a 96\d-byte packet is 96\.\d % of the target's maxPayload \(1000 bytes\)$/);
    assert.equal(near.sessionId, c.io.engine.id);
    const packet = e.proxy.events.find(
      (x): x is PacketEvent => x.seq === near.seqs[0] && x.type === 'packet',
    );
    assert.equal(packet?.sio?.event, 'save');
    assert.match(near.evidence.join('\n'), /maxPayload 1000, comes from the target's open packet/);
    assert.match(near.fix, /maxHttpBufferSize/);
    assert.equal(c.connected, true);
  });

  test('missed-pong: a client that stops answering pings, ended by the server with "ping timeout"', async () => {
    const e = await lintEnv(cleanups, { pingInterval: 100, pingTimeout: 200 });
    const c = await e.connect('proxy', { transports: ['websocket'] });
    const sid = c.io.engine.id;
    const gone = new Promise<string>((resolve) => c.once('disconnect', resolve));
    suppressPongs(c);
    const missed = await problem(e.proxy, 'missed-pong', 8000);
    assert.match(
      missed.title,
      /^the client never answered ping #\d+: the session ended with "ping timeout" 0\.\d s later$/,
    );
    assert.equal(missed.sessionId, sid);
    const ping = e.proxy.events.find(
      (x): x is PacketEvent => x.seq === missed.seqs[0] && x.type === 'packet',
    );
    assert.equal(ping?.engine, 'ping');
    assert.match(missed.evidence.join('\n'), /pingTimeout is 200 ms/);
    assert.match(missed.fix, /event loop blocked/);
    // The server closed the WebSocket: the client hears only that.
    assert.equal(await gone, 'transport close');
  });

  test('attachments-missing: a hand-written BINARY_EVENT header whose attachment never follows', async () => {
    const e = await lintEnv(cleanups);
    const c = await e.connect('proxy', { transports: ['websocket'] });
    // What a custom encoder that forgets the buffers writes: the header, then the next packet.
    c.io.engine.send('51-["upload",{"_placeholder":true,"num":0}]');
    c.emit('next', 1);
    const missing = await problem(e.proxy, 'attachments-missing');
    assert.equal(
      missing.title,
      '"upload" BINARY_EVENT from the client announced 1 attachment, 0 sent before the next packet',
    );
    assert.equal(missing.severity, 'error');
    const [header, next] = missing.seqs.map((seq) => e.proxy.events.find((x) => x.seq === seq));
    assert.ok(header?.type === 'packet' && header.data?.startsWith('51-'));
    assert.ok(next?.type === 'packet' && next.data === '2["next",1]');
    assert.match(missing.fix, /got plaintext data when reconstructing a packet/);
  });

  test('reconnect-storm: twelve clients without jitter come back together after a target restart', async () => {
    const e = await lintEnv(cleanups);
    const opts = {
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 300,
      randomizationFactor: 0,
    };
    const clients: Socket[] = [];
    for (let i = 0; i < 12; i++) clients.push(e.client('proxy', opts));
    await Promise.all(clients.map((c) => connected(c)));
    const back = clients.map((c) => new Promise<void>((resolve) => c.once('connect', () => resolve())));
    await e.restartTarget();
    await Promise.all(back);

    const storm = await problem(e.proxy, 'reconnect-storm');
    assert.match(storm.title, /^12 clients reconnected within 0\.\d\d s after "[^"]+": a reconnect storm$/);
    assert.equal(storm.sessionId, undefined);
    assert.match(storm.evidence.join('\n'), /no jitter/);
    assert.match(storm.fix, /randomizationFactor/);
    const attempts = e.proxy.events.filter((x): x is AttemptEvent => x.type === 'attempt' && x.attempt >= 1);
    assert.deepEqual(
      storm.seqs,
      attempts.filter((a) => a.attempt === 1).map((a) => a.seq),
      'one problem for the wave, linked to every attempt of it',
    );
    // One problem per wave, not one per client (a wave of retries if the target was slow to return).
    await sleep(400);
    const waves = new Set(attempts.map((a) => a.attempt)).size;
    assert.equal(problems(e.proxy).filter((p) => p.kind === 'reconnect-storm').length, waves);
    await waitFor(() => clients.every((c) => c.connected) || undefined, 2000, 'every client back');
  });
});
