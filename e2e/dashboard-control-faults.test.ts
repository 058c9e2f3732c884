/**
 * The Control tab's fault buttons as a person uses them (issue #13): select a session in the
 * sidebar, press a fault, and check what the app's own socket.io@4 client and server report (their
 * disconnect reasons, the client's reconnect) against the line the button shows. Also "take the
 * target down for N seconds": the client's reconnect attempts fail while it is down and succeed once
 * it is lifted. The app's heartbeat is short (1 s + 2.5 s) so that the timeouts come within seconds.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import {
  client,
  closeAll,
  connected,
  eventually,
  sessionItem,
  startScene,
  type Cli,
  type Scene,
} from './support/dashboard.js';

let scene: Scene | undefined;
let cli: Cli;
let page: Page;
/** The disconnect reasons the app's server reported, by the client's name (from its query). */
const serverReasons = new Map<string, string>();
const opened: Socket[] = [];

before(async () => {
  scene = await startScene({
    // pingTimeout above the latency fault's round trip (2 x 600 ms), with room for a loaded machine.
    target: { pingInterval: 1000, pingTimeout: 2500 },
    serve: (t) => {
      t.io.on('connection', (s) => {
        s.on('disconnect', (reason: string) => serverReasons.set(s.handshake.query.client as string, reason));
        s.on('echo', (v: unknown, ack: (v: unknown) => void) => ack(v));
      });
    },
  });
  ({ cli, page } = scene);
});

after(() =>
  closeAll(
    () => opened.forEach((s) => s.close()),
    () => scene?.close(),
  ),
);

/** A client of its own, connected over WebSocket, selected in the sidebar, the Control tab open. */
async function victim(name: string, opts: Partial<ManagerOptions & SocketOptions> = {}): Promise<Socket> {
  const socket = client(cli.proxy, name, opts);
  opened.push(socket);
  await connected(socket);
  await sessionItem(page, socket).click();
  await page.getByTestId('tab-control').click();
  await page.getByTestId('faults').getByText(socket.io.engine.id).waitFor();
  return socket;
}

function nextDisconnect(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', resolve));
}

/** The one line beside the fault's button: what the client and the server will report. */
async function pressFault(kind: string): Promise<string> {
  const button = page.getByTestId(`fault-${kind}`);
  const line = await button.locator('xpath=..').innerText();
  await button.click();
  return line;
}

async function serverReason(name: string): Promise<string> {
  return eventually(async () => serverReasons.get(name), 8000, `the server's reason for ${name}`);
}

/**
 * The faults that end the connection, with what socket.io@4's client and server say (written out
 * here, not read from the panel's table: the test checks the table against the real peers).
 */
const ENDINGS = [
  { kind: 'close-transport', client: 'transport close', server: 'transport close', reconnects: true },
  { kind: 'client-ping-timeout', client: 'ping timeout', server: 'transport close' },
  { kind: 'server-ping-timeout', client: 'transport close', server: 'ping timeout' },
  { kind: 'stall', client: 'ping timeout', server: 'ping timeout' },
  { kind: 'transport-error', client: 'transport error', server: 'transport close' },
];

for (const f of ENDINGS) {
  test(`fault ${f.kind}: the client reports ${f.client}, the server ${f.server}, as the button's line says`, async () => {
    const socket = await victim(f.kind, f.reconnects ? { reconnection: true, reconnectionDelay: 100 } : {});
    const reason = nextDisconnect(socket);
    const line = await pressFault(f.kind);
    assert.ok(line.includes(`client \`${f.client}\`, server \`${f.server}\``), line);
    assert.equal(await reason, f.client);
    assert.equal(await serverReason(f.kind), f.server);
    if (f.reconnects) await eventually(async () => socket.connected, 8000, 'the client reconnected');
  });
}

/** Milliseconds from an `echo` emit to its ack. */
async function roundTrip(socket: Socket, value: unknown): Promise<number> {
  const t0 = Date.now();
  await socket.timeout(20_000).emitWithAck('echo', value);
  return Date.now() - t0;
}

test('Latency: a lasting fault, badged on the session in the sidebar and in its timeline, removed there', async () => {
  const socket = await victim('slow');
  await pressFault('latency');
  const item = sessionItem(page, socket);
  const mark = item.getByTestId('fault-mark');
  await mark.waitFor();
  assert.equal(await mark.getAttribute('data-kind'), 'latency');
  // 500 ms (+ up to 100 of jitter) on each message: the round trip takes at least that.
  assert.ok((await roundTrip(socket, 'x')) >= 500, 'the echo was delayed');

  // Removed from the sidebar's badge: the Faults section's list empties too, and the app still works.
  await mark.getByRole('button').click();
  await mark.waitFor({ state: 'detached' });
  await page.getByTestId('session-fault').waitFor({ state: 'detached' });
  assert.equal(await socket.timeout(5000).emitWithAck('echo', 'after'), 'after');

  // The session's lifecycle shows the fault starting and ending.
  await item.getByTestId('namespace-item').first().click();
  const timeline = page.getByTestId('timeline');
  await timeline.locator('[data-action="fault-started"]').waitFor();
  await timeline.locator('[data-action="fault-ended"]').waitFor();
  assert.match(await timeline.locator('[data-action="fault-started"]').innerText(), /latency/);
});

test('Bandwidth: a 5 KB echo at 10 KB/s takes half a second each way', async () => {
  const socket = await victim('narrow');
  await pressFault('bandwidth');
  await sessionItem(page, socket).getByTestId('fault-mark').waitFor();
  // Not larger: the heartbeats queue behind it, and this app's pingTimeout is 2.5 s.
  assert.ok((await roundTrip(socket, 'x'.repeat(5000))) >= 1000, 'the messages were paced');
  await page.getByTestId('session-fault').getByRole('button').click();
  await page.getByTestId('session-fault').waitFor({ state: 'detached' });
});

test('"Reproduce a disconnect reason": server ping timeout says what each side reports, and does it', async () => {
  const socket = await victim('menu');
  const reason = nextDisconnect(socket);
  const select = page.getByTestId('reason-select');
  // A reason no fault produces says so, with no button.
  await select.selectOption('server:transport error');
  assert.match(await page.getByTestId('reason-plan').innerText(), /no fault of the proxy produces it/);
  assert.equal(await page.getByTestId('reason-go').count(), 0);

  await select.selectOption('server:ping timeout');
  assert.match(
    await page.getByTestId('reason-plan').innerText(),
    /client `transport close`, server `ping timeout`/,
  );
  assert.equal(await page.getByTestId('reason-go').innerText(), 'Server ping timeout');
  await page.getByTestId('reason-go').click();
  assert.equal(await serverReason('menu'), 'ping timeout');
  assert.equal(await reason, 'transport close');
});

test('Take the target down for 2 s: reconnect attempts fail while it is down, then succeed', async () => {
  const socket = await victim('down', {
    reconnection: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 400,
    randomizationFactor: 0,
  });
  const failures: unknown[] = [];
  socket.io.on('reconnect_error', (err) => failures.push(err));
  const reconnected = new Promise<number>((resolve) => socket.io.once('reconnect', resolve));
  const reason = nextDisconnect(socket);
  await page.getByTestId('target-down-seconds').fill('2');
  await page.getByTestId('target-down').click();
  await page.getByTestId('target-fault').waitFor();
  assert.equal(await reason, 'transport close');
  assert.equal(await serverReason('down'), 'transport close');
  const attempts = await reconnected;
  assert.ok(failures.length >= 1, `attempts failed while the target was down (${failures.length})`);
  assert.ok(attempts >= 2, `the client reconnected on attempt ${attempts}`);
  // Lifted by itself after 2 s: the badge goes.
  await page.getByTestId('target-fault').waitFor({ state: 'detached' });
  assert.equal(await socket.timeout(5000).emitWithAck('echo', 'back'), 'back');
});

test('Block WebSocket upgrades (the whole target): new clients stay on polling until it is removed', async () => {
  await page.getByTestId('target-block-upgrade').click();
  const badge = page.getByTestId('target-fault');
  await badge.waitFor();
  assert.match(await badge.innerText(), /block-upgrade/);
  const stuck = client(cli.proxy, 'stuck');
  opened.push(stuck);
  await connected(stuck, false);
  const item = sessionItem(page, stuck);
  await eventually(async () => /upgrade failed/.test(await item.innerText()), 8000, 'the failed upgrade');
  assert.equal(stuck.io.engine.transport.name, 'polling');

  await badge.getByRole('button').click();
  await badge.waitFor({ state: 'detached' });
  const free = client(cli.proxy, 'free');
  opened.push(free);
  await connected(free, true, 8000);
});

test('Block the upgrade (one session, still on polling): its WebSocket is refused, it stays on polling', async () => {
  // A browser client whose WebSocket is slow to get through (held by the test), so that the session is
  // on polling long enough for a person to press the button, as on a slow network.
  const context = await scene!.browser.newContext();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await context.routeWebSocket(/socket\.io/, async (ws) => {
    await gate;
    ws.connectToServer();
  });
  const app = await context.newPage();
  try {
    await app.goto(`${cli.proxy}/socket.io/socket.io.js`);
    await app.addScriptTag({ url: '/socket.io/socket.io.js' });
    const sid = await app.evaluate(
      () =>
        new Promise<string>((resolve) => {
          type Engine = { id: string };
          const w = window as unknown as {
            io(opts: object): { io: { engine: Engine }; on(e: string, f: () => void): void };
          };
          const s = w.io({ query: { client: 'slow-ws' } });
          (window as unknown as { s: unknown }).s = s;
          s.on('connect', () => resolve(s.io.engine.id));
        }),
    );
    const item = page.locator(`[data-testid="session-item"][data-sid="${sid}"]`);
    await item.click();
    await page.getByTestId('tab-control').click();
    await page.getByTestId('faults').getByText(sid).waitFor();
    await pressFault('block-upgrade');
    await page.getByTestId('session-fault').waitFor();
    release();
    await eventually(async () => /upgrade failed/.test(await item.innerText()), 8000, 'the refused upgrade');
    const transport = await app.evaluate(
      () =>
        (window as unknown as { s: { io: { engine: { transport: { name: string } } } } }).s.io.engine
          .transport.name,
    );
    assert.equal(transport, 'polling');
  } finally {
    release();
    await context.close();
  }
});
