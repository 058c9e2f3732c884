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
/** What the app's server received as `blob`, in order. */
const blobs: unknown[][] = [];

before(async () => {
  scene = await startScene({
    serve: (t) => {
      t.io.on('connection', (s) => {
        s.on('order', (...args: unknown[]) => orders.push(args));
        s.on('blob', (...args: unknown[]) => blobs.push(args));
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
  // ... and so does the session in the sidebar, whatever tab is open.
  assert.equal(await sessionItem(page, socket).getByTestId('held-mark').innerText(), '1 held');
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
    assert.match(line, /client `io server disconnect`, server `client namespace disconnect`; no reconnect/);
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

/** Selects `s`'s session in the sidebar (a click on a selected one would show every session again). */
async function select(p: Page, s: Socket): Promise<void> {
  const item = sessionItem(p, s);
  if (!((await item.getAttribute('class')) ?? '').split(' ').includes('selected')) await item.click();
}

/** The rule rows' hits text, and whether the rule is switched on. */
async function ruleState(): Promise<{ hits: string; enabled: boolean }> {
  const row = page.getByTestId('rule-row');
  return {
    hits: await row.getByTestId('rule-hits').innerText(),
    enabled: await row.getByTestId('rule-enabled').isChecked(),
  };
}

test('the rule form: /regex/ event, namespace and limit; edited; hits counted; forward all keeps the order; off, on, removed', async () => {
  await page.getByTestId('tab-control').click();
  await page.getByTestId('rule-direction').selectOption('c2s');
  await page.getByTestId('rule-nsp').fill('/');
  await page.getByTestId('rule-event').fill('/^ord(er)?$/');
  await page.getByTestId('rule-limit').fill('3');
  await page.getByTestId('rule-action').selectOption('pause');
  await page.getByTestId('rule-add').click();
  const row = page.getByTestId('rule-row');
  await row.waitFor();
  assert.match(await row.innerText(), /pause[\s\S]*c2s \/ \/\^ord\(er\)\?\$\//);
  assert.deepEqual(await ruleState(), { hits: '0 hits of 3', enabled: true });

  // Edit: the form opens with the rule's fields; the limit goes down to 2.
  await row.getByTestId('rule-edit').click();
  assert.equal(await page.getByTestId('rule-event').inputValue(), '/^ord(er)?$/');
  await page.getByTestId('rule-limit').fill('2');
  await page.getByTestId('rule-add').click();
  await eventually(async () => (await ruleState()).hits === '0 hits of 2', 5000, 'the edited limit');

  const before = orders.length;
  socket.emit('order', { qty: 5 });
  socket.emit('order', { qty: 6 });
  const counter = page.getByTestId('held-counter');
  await eventually(async () => (await counter.innerText().catch(() => '')) === '2 held', 5000, '2 held');
  assert.equal(await sessionItem(page, socket).getByTestId('held-mark').innerText(), '2 held');
  assert.deepEqual(
    await page
      .getByTestId('held-row')
      .evaluateAll((rows) => rows.map((r) => r.textContent?.match(/"qty":\d+/)?.[0])),
    ['"qty":5', '"qty":6'],
  );
  // The limit reached, the rule switched itself off.
  await eventually(async () => !(await ruleState()).enabled, 5000, 'the rule off at its limit');
  assert.equal((await ruleState()).hits, '2 hits of 2');
  assert.equal(orders.length, before, 'nothing reached the server while held');

  await page.getByTestId('held-forward-all').click();
  await eventually(async () => orders.length === before + 2, 5000, 'both orders at the server');
  assert.deepEqual(orders.slice(-2), [[{ qty: 5 }], [{ qty: 6 }]]);
  await counter.waitFor({ state: 'detached' });
  await sessionItem(page, socket).getByTestId('held-mark').waitFor({ state: 'detached' });

  // Off, an order goes straight through.
  socket.emit('order', { qty: 7 });
  await eventually(async () => orders.length === before + 3, 5000, 'order 7 unheld');

  // Without its limit and switched on again, it holds the next one; switched off, it holds no more.
  await row.getByTestId('rule-edit').click();
  await page.getByTestId('rule-limit').fill('');
  await page.getByTestId('rule-add').click();
  await eventually(async () => (await ruleState()).hits === '2 hits', 5000, 'no limit');
  // A click, not check(): the box follows the proxy's answer, not the click.
  await row.getByTestId('rule-enabled').click();
  await eventually(async () => (await ruleState()).enabled, 5000, 'the rule on');
  socket.emit('order', { qty: 8 });
  await page.getByTestId('held-row').waitFor();
  await row.getByTestId('rule-enabled').click();
  await eventually(async () => !(await ruleState()).enabled, 5000, 'the rule off');
  await page.getByTestId('held-forward').click();
  socket.emit('order', { qty: 9 });
  await eventually(async () => orders.length === before + 5, 5000, 'orders 8 and 9');
  assert.deepEqual(orders.slice(-2), [[{ qty: 8 }], [{ qty: 9 }]]);
  assert.equal((await ruleState()).hits, '3 hits');

  await row.getByTestId('rule-remove').click();
  await row.waitFor({ state: 'detached' });
});

test('Replay fills the composer from a packet row; the event is kept in Recent, also after a reload, and sent again', async () => {
  const before = orders.length;
  await select(page, socket);
  await page.getByTestId('tab-packets').click();
  await packetRows(page).filter({ hasText: 'order' }).last().click();
  await page.getByTestId('replay').click();
  // The Control tab opens on the click and its composer takes the draft when it mounts: wait for it.
  await eventually(
    async () => (await page.getByTestId('compose-event').inputValue()) === 'order',
    5000,
    'the composer filled',
  );
  assert.equal(await page.getByTestId('compose-direction').inputValue(), 'c2s');
  assert.equal(await page.getByTestId('compose-session').inputValue(), socket.io.engine.id);
  assert.deepEqual(JSON.parse(await page.getByTestId('compose-args').inputValue()), [{ qty: 9 }]);
  await page.getByTestId('compose-args').fill('[{"qty": 10}]');
  await page.getByTestId('compose-send').click();
  await eventually(async () => orders.length === before + 1, 5000, 'the replayed order');
  assert.deepEqual(orders.at(-1), [{ qty: 10 }]);
  // Recent may already list an earlier test's send: wait for this one to come first.
  const recent = page.getByTestId('recent-row');
  await eventually(
    async () => /order[\s\S]*\[\{"qty":10\}\]/.test(await recent.first().innerText()),
    5000,
    'the replayed order first in Recent',
  );

  // Kept in localStorage: after a reload it is still there, and "Send again" sends it.
  await page.reload();
  await page.getByTestId('source-label').and(page.locator('[data-state="connected"]')).waitFor();
  await select(page, socket);
  await page.getByTestId('tab-control').click();
  await eventually(
    async () => (await page.getByTestId('compose-session').inputValue()) === socket.io.engine.id,
    5000,
    'the composer on the selected session',
  );
  assert.match(await recent.first().innerText(), /order[\s\S]*\[\{"qty":10\}\]/);
  await recent.first().getByTestId('recent-send').click();
  await eventually(async () => orders.length === before + 2, 5000, 'the order sent again');
  assert.deepEqual(orders.at(-1), [{ qty: 10 }]);
  // The same event sent twice is one entry (beside the `price` composed earlier), at the top.
  assert.equal(await recent.filter({ hasText: 'order' }).count(), 1);
  assert.equal(await recent.count(), 2);
});

test("compose to the client: the app's client gets it; binary args from hex and from a file reach the server as bytes", async () => {
  await select(page, socket);
  await page.getByTestId('tab-control').click();
  const news = new Promise<unknown[]>((resolve) =>
    socket.once('news', (...args: unknown[]) => resolve(args)),
  );
  await page.getByTestId('compose-direction').selectOption('s2c');
  await page.getByTestId('compose-event').fill('news');
  await page.getByTestId('compose-ack').uncheck();
  await page.getByTestId('compose-args').fill('["from the panel"]');
  await page.getByTestId('compose-send').click();
  assert.deepEqual(await news, ['from the panel']);

  await page.getByTestId('compose-direction').selectOption('c2s');
  await page.getByTestId('compose-event').fill('blob');
  await page.getByTestId('compose-args').fill('["pic"]');
  // Bad hex is refused with a reason; good hex and a file each append a binary argument.
  await page.getByTestId('binary-hex').fill('01 0g');
  await page.getByTestId('binary-hex-add').click();
  assert.match(await page.getByTestId('binary-error').innerText(), /hex digits only/);
  await page.getByTestId('binary-hex').fill('01 02 ff');
  await page.getByTestId('binary-hex-add').click();
  await page.getByTestId('binary-file').setInputFiles({
    name: 'four.bin',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from([0, 1, 2, 3]),
  });
  await eventually(
    async () => JSON.parse(await page.getByTestId('compose-args').inputValue()).length === 3,
    5000,
    'two binary args appended',
  );
  assert.deepEqual(JSON.parse(await page.getByTestId('compose-args').inputValue()), [
    'pic',
    { _binary: 'AQL/', size: 3 },
    { _binary: 'AAECAw==', size: 4 },
  ]);
  const before = blobs.length;
  await page.getByTestId('compose-send').click();
  await eventually(async () => blobs.length === before + 1, 5000, 'the blob at the server');
  const [name, a, b] = blobs.at(-1) as [string, Buffer, Buffer];
  assert.equal(name, 'pic');
  assert.ok(Buffer.isBuffer(a) && Buffer.isBuffer(b), 'both arrive as binary');
  assert.deepEqual([...a], [1, 2, 255]);
  assert.deepEqual([...b], [0, 1, 2, 3]);

  // The Control tab with a composition, recent sends and the fault menu, light and dark.
  await page.getByTestId('reason-select').selectOption('client:ping timeout');
  await screenshot(page, 'light-control-compose');
  const dark = await openDashboard(scene!.browser, cli.dashboard, { colorScheme: 'dark' });
  // A context of its own has its own localStorage: give it the light page's recent sends.
  const key = 'sio-proxy.recent-compositions';
  const stored = await page.evaluate((k) => localStorage.getItem(k), key);
  await dark.page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [key, stored]);
  await dark.page.reload();
  await select(dark.page, socket);
  await dark.page.getByTestId('tab-control').click();
  await dark.page.getByTestId('recent-row').first().waitFor();
  await dark.page.getByTestId('reason-select').selectOption('client:ping timeout');
  await screenshot(dark.page, 'dark-control-compose');
  await dark.context.close();
});
