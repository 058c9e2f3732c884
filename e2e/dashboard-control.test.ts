/**
 * The dashboard's controls (issue #13) on the control API, as a user drives them: the real CLI in
 * front of a real socket.io@4 app, the panel in Chromium. A breakpoint set from a packet row holds
 * the next such packet (the toolbar says so), its args are edited in the JSON editor and it is
 * forwarded: the app's server receives the edited args, and the table marks the packet as edited
 * with the original beside it. Over polling, a fault button acts as over WebSocket (the proxy
 * answers the polls itself). Screenshots of the control tab, light and dark.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import {
  client,
  closeAll,
  connected,
  eventually,
  openDashboard,
  packetRows,
  screenshot,
  sessionItem,
  startScene,
  type Cli,
  type Scene,
} from './support/dashboard.js';

let scene: Scene | undefined;
let cli: Cli;
let page: Page;
let socket: Socket;
/** What the app's server received as `order`, in order. */
const orders: unknown[][] = [];
/** The disconnect reason the app's server reported, by the client's name. */
const serverReasons = new Map<string, string>();

before(async () => {
  scene = await startScene({
    serve: (t) => {
      t.io.on('connection', (s) => {
        s.on('order', (...args: unknown[]) => orders.push(args));
        s.on('disconnect', (reason: string) => serverReasons.set(s.handshake.query.client as string, reason));
        s.on('price', (item: string, ack: (v: unknown) => void) => ack({ item, price: 42 }));
      });
    },
  });
  ({ cli, page } = scene);
  socket = client(cli.proxy, 'control');
  await connected(socket);
});

after(() =>
  closeAll(
    () => socket?.close(),
    () => scene?.close(),
  ),
);

test('a breakpoint from a row holds the next packet; edited args are what the server receives', async () => {
  socket.emit('order', { qty: 1 });
  await eventually(async () => orders.length === 1, 5000, 'the first order at the server');

  // "Pause packets like this" on the row of the first order.
  await packetRows(page).filter({ hasText: 'order' }).last().click();
  await page.getByTestId('pause-like-this').click();
  await page.getByTestId('tab-control').click();
  const rule = page.getByTestId('rule-row');
  await rule.waitFor();
  assert.match(await rule.innerText(), /pause[\s\S]*c2s \/ order/);

  socket.emit('order', { qty: 2 });
  // The toolbar says at once that a packet is held, and the server has not got it.
  const counter = page.getByTestId('held-counter');
  await counter.waitFor();
  assert.equal(await counter.innerText(), '1 held');
  assert.equal(orders.length, 1);
  const row = page.getByTestId('held-row');
  assert.equal(await row.count(), 1);
  const text = await row.innerText();
  assert.match(text, /order/);
  assert.match(text, /\{"qty":2\}/);
  assert.match(text, /forwards in (5\d|60) s/);
  assert.match(await rule.getByTestId('rule-hits').innerText(), /^1 hit/);

  // Edit: an invalid text is refused as it is typed, then the edited args are forwarded.
  await row.getByTestId('held-edit-button').click();
  const editor = page.getByTestId('held-args');
  await editor.fill('[{"qty": 99,}]');
  await page.getByTestId('held-args-error').waitFor();
  assert.match(await page.getByTestId('held-args-error').innerText(), /^invalid JSON/);
  assert.equal(await page.getByTestId('held-edit-forward').isDisabled(), true);
  await editor.fill('[{"qty": 99, "note": "edited"}]');
  await page.getByTestId('held-args-error').waitFor({ state: 'detached' });

  // The same view in dark, while something is held and being edited.
  const dark = await openDashboard(scene!.browser, cli.dashboard, { colorScheme: 'dark' });
  await dark.page.getByTestId('tab-control').click();
  await dark.page.getByTestId('held-row').waitFor();
  await dark.page.getByTestId('held-edit-button').click();
  await dark.page.getByTestId('held-args').waitFor();
  await screenshot(dark.page, 'dark-control');
  await dark.context.close();
  await screenshot(page, 'light-control');

  await page.getByTestId('held-edit-forward').click();
  await eventually(async () => orders.length === 2, 5000, 'the edited order at the server');
  assert.deepEqual(orders[1], [{ qty: 99, note: 'edited' }]);
  await counter.waitFor({ state: 'detached' });
  await page.getByTestId('held-row').waitFor({ state: 'detached' });

  // The packet table marks the edited packet, and its detail shows the original beside the edit.
  await page.getByTestId('tab-packets').click();
  const edited = page.locator('[data-testid="packet-row"][data-changed="edited"]');
  await edited.waitFor();
  await edited.click();
  const original = page.getByTestId('original-packet');
  await original.waitFor();
  assert.match(await original.innerText(), /qty[\s\S]*2/);
  assert.match(await page.getByTestId('detail-pane').innerText(), /edited by the proxy/);

  // "changed by proxy" shows only that packet.
  await page.getByTestId('toggle-changed').check();
  await eventually(async () => (await packetRows(page).count()) === 1, 5000, 'one changed row');
  assert.equal(await packetRows(page).first().getAttribute('data-changed'), 'edited');
  await page.getByTestId('toggle-changed').uncheck();
});

test('the keyboard drops the held packet; the server never gets it', async () => {
  const before = orders.length;
  await page.getByTestId('tab-control').click();
  socket.emit('order', { qty: 3 });
  await page.getByTestId('held-row').waitFor();
  await page.getByTestId('held-packets').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('d');
  await page.getByTestId('held-row').waitFor({ state: 'detached' });
  await page.getByTestId('rule-remove').click();
  await page.getByTestId('rule-row').waitFor({ state: 'detached' });
  socket.emit('order', { qty: 4 });
  await eventually(async () => orders.length === before + 1, 5000, 'the next order');
  assert.deepEqual(orders.at(-1), [{ qty: 4 }], 'qty 3 was dropped');
});

test('compose to the server with an ack shows the ack and its latency', async () => {
  await sessionItem(page, socket).click();
  await page.getByTestId('tab-control').click();
  assert.equal(await page.getByTestId('compose-session').inputValue(), socket.io.engine.id);
  await page.getByTestId('compose-direction').selectOption('c2s');
  await page.getByTestId('compose-event').fill('price');
  await page.getByTestId('compose-args').fill('["tea"]');
  await page.getByTestId('compose-ack').check();
  await page.getByTestId('compose-args').press('Control+Enter');
  const answer = page.getByTestId('compose-answer');
  await answer.waitFor();
  assert.match(
    await answer.innerText(),
    /sent as #\d+ · ack \[\{"item":"tea","price":42\}\] after [\d.]+ (ms|µs)/,
  );
});

test('over polling, the close-transport button: the polling client and the server both report transport close', async () => {
  const polling = client(cli.proxy, 'polling', { transports: ['polling'] });
  try {
    await connected(polling, false);
    const clientReason = new Promise<string>((resolve) => polling.on('disconnect', resolve));
    await sessionItem(page, polling).click();
    await page.getByTestId('tab-control').click();
    await page.getByTestId('fault-close-transport').click();
    assert.equal(await clientReason, 'transport close');
    await eventually(async () => serverReasons.get('polling'), 5000, 'the server-side reason');
    assert.equal(serverReasons.get('polling'), 'transport close');
    assert.equal(await page.getByTestId('control-error').count(), 0, 'no refusal shown');
  } finally {
    polling.close();
  }
});

test('the "server-side disconnect" fault button: the client and the server report what its line says', async () => {
  const victim = client(cli.proxy, 'victim');
  try {
    await connected(victim);
    const clientReason = new Promise<string>((resolve) => victim.on('disconnect', resolve));
    await sessionItem(page, victim).click();
    await page.getByTestId('tab-control').click();
    const button = page.getByTestId('fault-disconnect');
    const line = await button.locator('xpath=..').innerText();
    assert.match(
      line,
      /client `io server disconnect` \(no reconnect\), server `client namespace disconnect`/,
    );
    await button.click();
    assert.equal(await clientReason, 'io server disconnect');
    await eventually(async () => serverReasons.get('victim'), 5000, 'the server-side reason');
    assert.equal(serverReasons.get('victim'), 'client namespace disconnect');
    // No refusal line shows.
    await page.getByTestId('control-error').waitFor({ state: 'detached' });
  } finally {
    victim.close();
  }
});
