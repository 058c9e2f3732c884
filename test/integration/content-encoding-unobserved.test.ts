/**
 * A target that answers polling requests in a Content-Encoding Node cannot undo (zstd on Node < 22.15,
 * or a token nobody knows): the proxy is transparent, so the bytes reach the client untouched, and
 * it says once per session, as an `error` event and a log line, that the packets cannot be observed
 * and why: not an error per request, and not silence. The target is a small HTTP server speaking
 * just enough Engine.IO (EIO4 polling) for it.
 */
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { createProxy, type ErrorEvent, type SioProxy } from '../../proxy/api.js';
import { listenLoopback } from '../support/harness.js';

/** A zstd frame's magic number and some bytes: what matters is that they come back as they went. */
const ZSTD_BYTES = Buffer.from([
  0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x05, 0x29, 0x00, 0x00, 0x30, 0x7b, 0x7d, 0x00, 0xff,
]);
const OPEN = (sid: string) =>
  '0' + JSON.stringify({ sid, upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 });

let target: Server;
let targetUrl: string;
let sids = 0;

before(async () => {
  // `?enc=` names the coding of the answers; `plain=open` answers the handshake uncompressed.
  target = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const coding = url.searchParams.get('enc') ?? 'zstd';
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('ok');
      const handshake = !url.searchParams.has('sid');
      if (handshake && url.searchParams.get('plain') === 'open') {
        return res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end(OPEN(`s${++sids}`));
      }
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8', 'Content-Encoding': coding });
      res.end(ZSTD_BYTES);
    });
  });
  targetUrl = (await listenLoopback(target)).url;
});

after(() => new Promise<void>((resolve) => target.close(() => resolve())));

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One raw request (no decoding on the way), as a client with `userAgent` sends it. */
function send(url: string, method = 'GET', body = '', userAgent = 'test-client'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: { 'User-Agent': userAgent } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function withProxy(fn: (proxy: SioProxy, log: string[]) => Promise<void>): Promise<void> {
  const log: string[] = [];
  const proxy = await createProxy({
    target: targetUrl,
    logger: { info: () => {}, warn: (m) => log.push(m) },
  });
  try {
    await fn(proxy, log);
  } finally {
    await proxy.close();
  }
}

function errors(proxy: SioProxy): ErrorEvent[] {
  return proxy.history().filter((e): e is ErrorEvent => e.type === 'error');
}

function assertUntouched(answer: Answer, coding: string): void {
  assert.equal(answer.status, 200);
  assert.equal(answer.headers['content-encoding'], coding);
  assert.deepEqual(answer.body, ZSTD_BYTES);
}

for (const coding of ['zstd', 'x-squeeze']) {
  test(`a handshake answered in ${coding}: relayed untouched, one error and one log line for its session`, async () => {
    await withProxy(async (proxy, log) => {
      const base = `${proxy.url}/socket.io/?EIO=4&transport=polling&enc=${coding}`;
      assertUntouched(await send(base), coding);
      // The client read its sid from the answer; the proxy could not. Its requests go on, relayed.
      const sid = 'unseen-sid';
      assertUntouched(await send(`${base}&sid=${sid}`), coding);
      assert.equal((await send(`${base}&sid=${sid}`, 'POST', '40')).body.toString(), 'ok');
      assertUntouched(await send(`${base}&sid=${sid}`), coding);

      const said = errors(proxy);
      assert.equal(said.length, 1, JSON.stringify(said));
      assert.match(said[0]!.message, new RegExp(`Content-Encoding "${coding}"`));
      assert.match(said[0]!.message, /cannot be observed/);
      assert.equal(log.filter((l) => l.includes(coding)).length, 1, log.join('\n'));

      // Another client's unknown sid is still reported: only the session of that handshake is quiet.
      await send(`${base}&sid=garbage`, 'GET', '', 'another-client');
      assert.equal(
        errors(proxy).filter((e) => /sid "garbage", unknown to the proxy/.test(e.message)).length,
        1,
      );
    });
  });
}

test('a session whose later answers come in zstd: relayed untouched, one error for the session', async () => {
  await withProxy(async (proxy, log) => {
    const base = `${proxy.url}/socket.io/?EIO=4&transport=polling&plain=open`;
    const open = await send(base);
    const sid = (JSON.parse(open.body.toString().slice(1)) as { sid: string }).sid;
    for (let i = 0; i < 3; i++) assertUntouched(await send(`${base}&sid=${sid}`), 'zstd');

    const said = errors(proxy);
    assert.equal(said.length, 1, JSON.stringify(said));
    assert.equal(said[0]!.sessionId, sid);
    assert.match(said[0]!.message, /Content-Encoding "zstd" cannot be observed/);
    assert.match(said[0]!.message, /relayed untouched/);
    assert.equal(log.filter((l) => l.includes('zstd')).length, 1, log.join('\n'));
  });
});
