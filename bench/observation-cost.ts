/**
 * `npx tsx bench/observation-cost.ts`: what observing costs per packet on the relay's thread, without
 * the relay: a real Session reading Socket.IO EVENTs both ways, the event stream serialising and
 * batching them into its history for one observer, and the problem detectors. CPU time per packet
 * (median of 5 rounds of 200,000 packets): on a machine shared with other work, CPU time moves much
 * less than the end-to-end rates of `npm run bench`, so two trees can be compared by running this in
 * each, in turn (docs/performance.md, "Args as wire text").
 */
import { EventBus } from '../proxy/events/bus.js';
import { startAnalysis } from '../proxy/observe/analysis.js';
import { EventStream } from '../proxy/stream/event-stream.js';
import type { EnginePacket } from '../shared/engineio.js';
import { testLink, testSession } from '../test/support/session-fixture.js';

const ROUNDS = 5;
const PAIRS = 100_000;

const open = { sid: 'AbCdEfGhIjKlMnOpQrSt', upgrades: [], pingInterval: 25_000, pingTimeout: 20_000 };
const { session } = testSession(4, testLink(), open);
const bus = (session as unknown as { bus: EventBus }).bus;
const stream = new EventStream(bus);
startAnalysis(bus);
let bytes = 0;
stream.subscribeWithHistory((batch) => (bytes += batch.bytes.length));

const message = (data: string): EnginePacket[] => [
  { type: 'message', data, wireSize: Buffer.byteLength(data) + 1 },
];
session.observe('c2s', message('0'));
session.observe('s2c', message('0{"sid":"AbCd"}'));
// The bench's payloads (bench/window.ts), as socket.io's encoder writes them.
const c2s = message('2["c2s",{"n":1,"text":"hello from a client"}]');
const s2c = message('2["s2c",{"n":1,"text":"hello from the server"}]');

const perPacket: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const before = process.cpuUsage();
  for (let i = 0; i < PAIRS; i++) {
    session.observe('c2s', c2s);
    session.observe('s2c', s2c);
    // Let the stream's timer and the detectors' microtasks run, as the relay's turns would.
    if (i % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  stream.flush();
  const used = process.cpuUsage(before);
  perPacket.push((used.user + used.system) / (2 * PAIRS));
}
perPacket.sort((a, b) => a - b);
console.log(
  `observation CPU per packet: median ${perPacket[ROUNDS >> 1]!.toFixed(2)} µs ` +
    `(rounds ${perPacket.map((t) => t.toFixed(2)).join(', ')}); ${(bytes / 2 ** 20).toFixed(0)} MB of events`,
);
process.exit(0);
