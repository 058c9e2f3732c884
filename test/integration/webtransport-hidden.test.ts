/**
 * The one change the proxy makes to what it relays: a target that offers WebTransport (HTTP/3, which
 * the proxy cannot terminate) has it removed from `upgrades`, and the event stream says so.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { io } from 'socket.io-client';
import { next, startProxy, startTarget, waitFor, type Proxy, type Target } from '../support/harness.js';

let target: Target;
let proxy: Proxy;

before(async () => {
  target = await startTarget({ transports: ['polling', 'websocket', 'webtransport'] });
  proxy = await startProxy(target.url);
});
after(async () => {
  await proxy.close();
  await target.close();
});

const handshake = async (base: string) => {
  const body = await (await fetch(`${base}/socket.io/?EIO=4&transport=polling`)).text();
  return JSON.parse(body.slice(1)) as { sid: string; upgrades: string[]; pingInterval: number };
};

test('WebTransport is hidden from upgrades, everything else is as the target sent it', async () => {
  const direct = await handshake(target.url);
  const proxied = await handshake(proxy.url);
  assert.deepEqual(direct.upgrades, ['websocket', 'webtransport']);
  assert.deepEqual(proxied.upgrades, ['websocket']);
  assert.equal(proxied.pingInterval, direct.pingInterval);
  const session = proxy.events.find((e) => e.type === 'session' && e.sessionId === proxied.sid);
  assert.ok(session?.type === 'session');
  assert.deepEqual(session.hiddenUpgrades, ['webtransport']);
  assert.deepEqual(session.open.upgrades, ['websocket']);
  const open = proxy.events.find(
    (e) => e.type === 'packet' && e.sessionId === proxied.sid && e.engine === 'open',
  );
  assert.ok(open?.type === 'packet' && open.modified === true, 'the open packet is marked as modified');
});

test('a client still upgrades to WebSocket through the proxy', async () => {
  const client = io(proxy.url, { reconnection: false });
  try {
    await next(client, 'connect');
    await waitFor(() => client.io.engine.transport.name === 'websocket', 5000, 'the upgrade');
  } finally {
    client.close();
  }
});
