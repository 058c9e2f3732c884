/**
 * A WebSocketWire between a raw TCP client and a raw target, for the wire's tests that must know
 * what shares a chunk: the client writes frames as bytes (`frame`), and the target reads what it is
 * relayed with ws's own parser, keeping each message's `label` (or the parser's error).
 */
import net, { type AddressInfo } from 'node:net';
import { Receiver } from 'ws';
import { WebSocketWire, type LinkObserver } from '../../proxy/engine/websocket-wire.js';

/** A client frame (masked) with `payload`. */
export function frame(opcode: number, fin: boolean, payload: Buffer | string): Buffer {
  const data = Buffer.from(payload);
  const len = data.length;
  const ext = len < 126 ? 0 : 2;
  const header = Buffer.alloc(2 + ext + 4);
  header[0] = (fin ? 0x80 : 0) | opcode;
  header[1] = 0x80 | (len < 126 ? len : 126);
  if (ext) header.writeUInt16BE(len, 2);
  const key = Buffer.from([1, 2, 3, 4]);
  key.copy(header, 2 + ext);
  for (let i = 0; i < len; i++) data[i]! ^= key[i & 3]!;
  return Buffer.concat([header, data]);
}

/** A message as the tests name it: its text when short, else its size. */
export const label = (d: Buffer) => (d.length > 16 ? `${d.length} bytes` : d.toString());

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RawWire {
  client: net.Socket;
  /** What the target read, in order. */
  atTarget: string[];
  wire(): WebSocketWire;
  targetClosed(): boolean;
  close(): void;
}

export async function startRawWire(observer: LinkObserver, observeLimit?: number): Promise<RawWire> {
  const atTarget: string[] = [];
  let targetClosed = false;
  const target = net.createServer((s) => {
    const parser = new Receiver({ isServer: true, maxPayload: 0 });
    parser.on('message', (d: Buffer) => atTarget.push(label(d)));
    parser.on('error', (err: Error) => atTarget.push(`error: ${err.message}`));
    s.on('data', (c) => parser.write(c));
    s.on('close', () => (targetClosed = true));
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  let wire!: WebSocketWire;
  const proxy = net.createServer((clientLeg) => {
    const targetLeg = net.connect((target.address() as AddressInfo).port, '127.0.0.1');
    wire = new WebSocketWire(clientLeg, targetLeg, undefined, observer, {}, observeLimit);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const client = net.connect((proxy.address() as AddressInfo).port, '127.0.0.1');
  client.setNoDelay(true);
  await new Promise((r) => client.once('connect', r));
  await sleep(50);
  return {
    client,
    atTarget,
    wire: () => wire,
    targetClosed: () => targetClosed,
    close: () => {
      client.destroy();
      proxy.close();
      target.close();
    },
  };
}
