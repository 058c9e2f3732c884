/**
 * `--log pretty|json` and `--filter` of the CLI, run as a child process in front of a real socket.io@4
 * target with a real client: the lines it prints for connects, emits, acks, binary and disconnects.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { banner, cliArgs, runCli, type CliRun } from '../support/cli-process.js';
import { startTarget, waitFor, type Target } from '../support/harness.js';

type Ack = (...args: unknown[]) => void;

/** What the log printed after the banner. */
const logLines = (run: CliRun) =>
  run
    .stdout()
    .split('\n')
    .filter((l) => /^(\d\d:\d\d:\d\d\.\d{3} |\{)/.test(l));

describe('terminal log', () => {
  let target: Target;
  const runs: CliRun[] = [];
  const clients: Socket[] = [];

  before(async () => {
    target = await startTarget();
    target.io.on('connection', (socket) => {
      socket.on('chat message', (text: string, ack: Ack) => ack({ ok: true, text }));
      socket.on('chat file', (_name: string, data: Buffer, ack: Ack) => ack(data.length));
      socket.on('other', () => {});
    });
    target.io.of('/admin').on('connection', (socket) => {
      socket.on('kick', () => socket.disconnect());
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const r of runs) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await target.close();
  });

  const start = async (args: string[]) => {
    const run = runCli(cliArgs(target.url, '--no-open', ...args));
    runs.push(run);
    const { proxy } = await banner(run);
    return { run, proxy };
  };
  const client = (url: string, opts: Parameters<typeof io>[1] = {}) => {
    const c = io(url, { forceNew: true, reconnection: false, transports: ['polling'], ...opts });
    clients.push(c);
    return c;
  };
  const stop = async (run: CliRun) => {
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.stderr());
  };

  test('--log pretty: one line per event, in Socket.IO terms, no colours on a pipe', async () => {
    const { run, proxy } = await start(['--log', 'pretty']);
    const main = client(proxy);
    assert.deepEqual(await main.timeout(5000).emitWithAck('chat message', 'hi'), { ok: true, text: 'hi' });
    const admin = client(`${proxy}/admin`, { auth: { token: 'abc' } });
    await waitFor(() => admin.connected, 5000, 'the /admin connect');
    admin.emit('kick');
    await waitFor(() => !admin.connected, 5000, 'the server disconnect');

    const sid = main.io.engine.id!.slice(0, 4);
    const T = String.raw`\d\d:\d\d:\d\d\.\d{3}`;
    const expect = [
      String.raw`^${T}     ${sid}… session EIO4 polling /socket\.io/\?EIO=4&transport=polling&t=\S+ from \S+ ping=25000/20000 upgrades=websocket$`,
      String.raw`^${T} s2c ${sid}… 0 open \{"sid":`,
      String.raw`^${T} c2s ${sid}… 40 / \(\d+ B\)$`,
      String.raw`^${T}     ${sid}… connect / id=\S+ recovered=false$`,
      String.raw`^${T} c2s ${sid}… 42 chat message \["hi"\] ack=0 \(\d+ B\)$`,
      String.raw`^${T} s2c ${sid}… 43 ack=0 \[\{"ok":true,"text":"hi"\}\] \(\d+ B\)$`,
      String.raw`^${T} c2s ${sid}… ack 0 "chat message" \d+\.\d ms$`,
      String.raw`^${T} c2s \S{4}… 40 /admin \{"token":"abc"\} \(\d+ B\)$`,
      String.raw`^${T}     \S{4}… disconnect /admin client:"io server disconnect" server:"server namespace disconnect" by server$`,
      String.raw`^${T}     ${sid}… http POST 200 /socket\.io/\?EIO=4&transport=polling&t=\S+&sid=\S+ \d+ ms$`,
    ];
    await waitFor(
      () => expect.every((re) => logLines(run).some((l) => new RegExp(re).test(l))),
      5000,
      'the expected lines',
    ).catch(() => {
      const missing = expect.filter((re) => !logLines(run).some((l) => new RegExp(re).test(l)));
      assert.fail(`missing ${missing.join('\n')}\nin:\n${logLines(run).join('\n')}`);
    });
    assert.ok(!run.stdout().includes('\x1b['), 'no ANSI codes when stdout is not a terminal');
    const lines = logLines(run);
    const at = (re: string) => lines.findIndex((l) => new RegExp(re).test(l));
    assert.ok(at(expect[4]!) < at(expect[5]!) && at(expect[5]!) < at(expect[6]!), 'emit, its ack, the match');
    main.close();
    await stop(run);
  });

  test('--log json --filter: only matching events, one JSON object a line, binary as base64', async () => {
    const { run, proxy } = await start(['--log', 'json', '--filter', 'type:packet event:chat* c2s']);
    const c = client(proxy);
    await c.timeout(5000).emitWithAck('chat message', 'hello');
    assert.equal(await c.timeout(5000).emitWithAck('chat file', 'a.bin', Buffer.from([1, 2, 3])), 3);
    c.emit('other', 'not shown');
    await waitFor(() => logLines(run).length >= 2, 5000, 'two lines');
    await new Promise((r) => setTimeout(r, 300)); // anything else would have come by now
    const events = logLines(run).map(
      (l) =>
        JSON.parse(l) as {
          type: string;
          direction: string;
          seq: number;
          sio?: { event?: string; args?: unknown[] };
        },
    );
    assert.deepEqual(
      events.map((e) => [e.type, e.direction, e.sio?.event]),
      [
        ['packet', 'c2s', 'chat message'],
        ['packet', 'c2s', 'chat file'],
      ],
    );
    assert.deepEqual(events[1]?.sio?.args, ['chat file', 'a.bin', { _binary: 'AQID', size: 3 }]);
    assert.ok(events.every((e) => typeof e.seq === 'number'));
    c.close();
    await stop(run);
  });

  test('--filter=EXPR with a negation first, and a regex', async () => {
    const { run, proxy } = await start(['--log', 'pretty', '--filter=-type:http -type:drain /hel+o/']);
    const c = client(proxy);
    await c.timeout(5000).emitWithAck('chat message', 'hello there');
    await c.timeout(5000).emitWithAck('chat message', 'bye');
    await waitFor(() => logLines(run).length >= 2, 5000, 'the lines');
    await new Promise((r) => setTimeout(r, 300));
    const lines = logLines(run);
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0]!, / c2s \S+ 42 chat message \["hello there"\] ack=0 /);
    assert.match(lines[1]!, / s2c \S+ 43 ack=0 \[\{"ok":true,"text":"hello there"\}\] /);
    c.close();
    await stop(run);
  });

  test('a bad --filter is a usage error', async () => {
    const run = runCli(['--target', target.url, '--log', 'pretty', '--filter', 'type:nope']);
    runs.push(run);
    assert.equal(await run.exited, 2);
    assert.match(run.stderr(), /--filter: type:nope: not an event type/);
  });
});
