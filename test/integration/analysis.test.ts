/**
 * Problems found in the proxy (shared/analysis on the bus), end to end: the CLI in front of a real
 * socket.io@4 target, real clients. A reserved event name, a message over the target's
 * maxHttpBufferSize and a target that went down each become `problem` events in the stream (read
 * from `--record`, which holds the stream) and the same problem in `--log`, pretty and json.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import type { ProblemEvent, ProxyEvent } from '../../shared/events.js';
import { validateEvent } from '../support/event-schema.js';
import { banner, cliArgs, runCli, type CliRun } from '../support/cli-process.js';
import { startTarget, waitFor, type Target } from '../support/harness.js';
import { connected } from '../support/v4-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sio-analysis-'));
const runs: CliRun[] = [];
const clients: Socket[] = [];
const targets: Target[] = [];

after(async () => {
  for (const c of clients) c.close();
  for (const r of runs) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await Promise.all(targets.map((t) => t.close().catch(() => {})));
  rmSync(dir, { recursive: true, force: true });
});

async function start(target: string, name: string, ...flags: string[]) {
  const record = join(dir, `${name}.ndjson`);
  const run = runCli(cliArgs(target, '--no-open', '--record', record, ...flags));
  runs.push(run);
  const { proxy } = await banner(run);
  return { run, proxy, record };
}

/** Stops the CLI (SIGINT flushes --record and the log) and returns the recorded problems. */
async function stop(
  run: CliRun,
  record: string,
): Promise<{ events: ProxyEvent[]; problems: ProblemEvent[] }> {
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0, run.stderr());
  const events = readFileSync(record, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ProxyEvent);
  const problems = events.filter((e): e is ProblemEvent => e.type === 'problem');
  for (const p of problems) assert.deepEqual(validateEvent(p), [], JSON.stringify(p));
  return { events, problems };
}

const client = (url: string, opts: Parameters<typeof io>[1] = {}) => {
  const c = io(url, { forceNew: true, reconnection: false, transports: ['websocket'], ...opts });
  clients.push(c);
  return c;
};

describe('problems in the stream and in --log', () => {
  test('pretty: a reserved event name and a message over maxHttpBufferSize', async () => {
    const target = await startTarget({ maxHttpBufferSize: 1000 });
    targets.push(target);
    target.io.on('connection', (socket) => socket.on('upload', () => {}));
    const { run, proxy, record } = await start(target.url, 'pretty', '--log', 'pretty');

    // socket.emit() refuses a reserved name: a client that sends one anyway writes the packet itself.
    const custom = client(proxy);
    await connected(custom);
    custom.io.engine.send('2["disconnecting","now"]');
    const uploader = client(proxy);
    await connected(uploader);
    const gone = new Promise((r) => uploader.once('disconnect', r));
    uploader.emit('upload', 'x'.repeat(5000));
    await gone;

    const problemLines = () =>
      run
        .stdout()
        .split('\n')
        .filter((l) => / problem /.test(l));
    await waitFor(() => problemLines().length >= 4 || undefined, 5000, 'four problem lines').catch(() =>
      assert.fail(`problem lines:\n${problemLines().join('\n')}\nstdout:\n${run.stdout()}`),
    );
    const { events, problems } = await stop(run, record);

    const reserved = problems.find((p) => p.kind === 'reserved-event');
    assert.ok(reserved, `a reserved-event problem in the stream: ${JSON.stringify(problems)}`);
    assert.equal(reserved.title, '"disconnecting" is a reserved event name');
    // socket.io-parser refuses it (an `error`), and the packet follows unread: both linked.
    const [packetSeq, errorSeq] = reserved.seqs;
    const packet = events.find((e) => e.seq === packetSeq);
    assert.ok(
      packet?.type === 'packet' && packet.data === '2["disconnecting","now"]',
      'linked to the packet',
    );
    assert.equal(packet.direction, 'c2s');
    assert.equal(reserved.sessionId, packet.sessionId);
    assert.equal(events.find((e) => e.seq === errorSeq)?.type, 'error');
    assert.ok(
      problems.some((p) => p.kind === 'error' && p.seqs[0] === errorSeq),
      'the parser error is a problem of its own',
    );

    const oversize = problems.filter((p) => p.kind === 'payload-too-large');
    assert.deepEqual(
      oversize.map((p) => p.title),
      [
        `a ${(events.find((e) => e.seq === oversize[0]?.seqs[0]) as { size: number }).size}-byte packet is over the target's maxPayload (1000 bytes)`,
        "session closed: a payload over the target's maxHttpBufferSize",
      ],
    );
    assert.equal(oversize[1]?.seqs[0], oversize[0]?.seqs[0], 'the close is linked to the big packet');

    // --log shows the problems the stream carries, each on its own line with the same packets.
    const lines = problemLines();
    for (const p of problems) {
      const line = `problem ${p.kind}: ${p.title} ${p.seqs.map((s) => `#${s}`).join(' ')}`;
      assert.ok(
        lines.some((l) => l.endsWith(line)),
        `--log prints "${line}"; it printed:\n${lines.join('\n')}`,
      );
    }
    assert.match(run.stdout(), /\n {23}fix: socket\.io reserves connect, /, 'the fix, once per kind');
  });

  test('json: the target goes down, the client fails to reconnect (issue #10)', async () => {
    let target = await startTarget();
    targets.push(target);
    const { run, proxy, record } = await start(
      target.url,
      'json',
      '--log',
      'json',
      '--filter',
      'type:problem',
    );
    const c = client(proxy, {
      reconnection: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 100,
      randomizationFactor: 0,
    });
    await connected(c);
    const port = target.port;
    await target.close();
    const logged = () =>
      run
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as ProblemEvent);
    await waitFor(
      () => logged().some((p) => p.kind === 'target-unreachable') || undefined,
      5000,
      'a target-unreachable problem in the log',
    );
    target = await startTarget({}, port);
    targets.push(target);
    await waitFor(() => c.connected || undefined, 5000, 'the client reconnected');
    const { problems } = await stop(run, record);

    const unreachable = problems.filter((p) => p.kind === 'target-unreachable');
    assert.ok(unreachable.length > 0, 'in the stream');
    assert.match(
      unreachable[0]!.title,
      /^the target is unreachable: refused the connection \(ECONNREFUSED\)/,
    );
    assert.match(unreachable[0]!.fix, /Start the app, or check --target/);
    // --log json --filter type:problem: exactly the stream's problems, as they are.
    assert.deepEqual(logged(), problems);
  });
});
