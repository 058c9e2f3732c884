/**
 * The Engine.IO scenarios that read the same in v3 and v4 once the framing is abstracted: each
 * takes the protocol's `Dialect` and returns a scenario for `both()`. What differs between the
 * versions (who pings, how a payload is framed) stays in the two test files.
 */
import { sleep } from './harness.js';
import { Ws, httpLine, post, type Scenario, type Transcript } from './compliance.js';

export interface Dialect {
  /** The raw Engine.IO echo server's polling URL. */
  polling(base: string, query?: string): string;
  /** A WebSocket URL on `path`. */
  websocket(base: string, path: string, query?: string): string;
  /** A polling session ready for messages; returns its sid. */
  session(base: string): Promise<string>;
  /** One packet as a polling request body. */
  payload(packet: string): string;
}

const status = (r: Response) => `${r.status}`;

/** An unparsable body: the POST's answer (or a reset), then the session must be gone. */
export const invalidPollingPacket =
  (d: Dialect): Scenario =>
  async (base) => {
    const sid = await d.session(base);
    const first = await post(d.polling(base, `&sid=${sid}`), 'abc').then(status, () => 'reset');
    return [first, await fetch(d.polling(base, `&sid=${sid}`)).then(status)];
  };

/** A second GET while one is pending: the first ends with a close packet, the session is gone. */
export const duplicatePoll =
  (d: Dialect): Scenario =>
  async (base) => {
    const sid = await d.session(base);
    const [first, second] = await Promise.all([
      fetch(d.polling(base, `&sid=${sid}`)).then(httpLine),
      sleep(5).then(() => fetch(d.polling(base, `&sid=${sid}&t=burst`)).then(status)),
    ]);
    return [first, second, await fetch(d.polling(base, `&sid=${sid}`)).then(status)];
  };

/** A close packet POSTed while a GET is pending: the GET ends with a noop, the session is gone. */
export const pollingClose =
  (d: Dialect): Scenario =>
  async (base) => {
    const sid = await d.session(base);
    const [poll] = await Promise.all([
      fetch(d.polling(base, `&sid=${sid}`)).then(httpLine),
      sleep(20).then(() => post(d.polling(base, `&sid=${sid}`), d.payload('1'))),
    ]);
    return [poll, await fetch(d.polling(base, `&sid=${sid}`)).then(status)];
  };

/** Text and one binary frame echoed over WebSocket, then an invalid packet: how it ends. */
export const websocketEcho =
  (d: Dialect, binary: Uint8Array): Scenario =>
  async (base) => {
    const ws = new Ws(d.websocket(base, '/engine.io/'));
    await ws.next(); // open
    ws.send('4hello');
    const text = await ws.nextNonPing();
    ws.send(binary);
    const echoed = await ws.nextNonPing();
    ws.send('abc');
    return [text ?? '', echoed ?? '', await ws.ended];
  };

/** A close packet over WebSocket: how the connection ends. */
export const websocketClose =
  (d: Dialect): Scenario =>
  async (base) => {
    const ws = new Ws(d.websocket(base, '/engine.io/'));
    await ws.next();
    ws.send('1');
    return [await ws.ended];
  };

/**
 * The upgrade: probe, the pending poll ended with a noop, the upgrade packet and a message over
 * WebSocket, then polling with the sid refused and a second WebSocket with it too.
 */
export const upgrade =
  (d: Dialect): Scenario =>
  async (base) => {
    const sid = await d.session(base);
    const ws = new Ws(d.websocket(base, '/engine.io/', `&sid=${sid}`));
    const out: Transcript = [(await ws.opened) ? 'open' : 'refused'];
    ws.send('2probe');
    out.push((await ws.next()) ?? 'closed');
    out.push(await fetch(d.polling(base, `&sid=${sid}`)).then(httpLine));
    ws.send('5');
    ws.send('4hello');
    out.push((await ws.nextNonPing()) ?? 'closed'); // the upgrade is complete once this comes back
    out.push(await fetch(d.polling(base, `&sid=${sid}`)).then(status));
    const second = new Ws(d.websocket(base, '/engine.io/', `&sid=${sid}`));
    out.push((await second.ended).startsWith('refused') ? 'second refused' : 'second closed');
    ws.close();
    return out;
  };
