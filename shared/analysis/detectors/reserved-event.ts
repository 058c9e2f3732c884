/**
 * An EVENT whose name socket.io reserves: `socket.emit` throws for these, so on the wire they come
 * from a custom or broken client or server, and a listener for the lifecycle event of that name fires.
 */
import type { Detector } from '../detector.js';
import { quote } from '../detector.js';

export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

export const reservedEvent: Detector = {
  observe(e, ctx) {
    if (e.type !== 'packet') return;
    const event = e.sio?.event;
    if (event === undefined || !RESERVED_EVENTS.has(event)) return;
    const by = e.direction === 'c2s' ? 'the client' : 'the server';
    ctx.report({
      type: 'problem',
      kind: 'reserved-event',
      severity: 'warning',
      title: `${quote(event)} is a reserved event name`,
      fix: `socket.io reserves connect, connect_error, disconnect, disconnecting, newListener and removeListener: socket.emit() refuses them. Sent anyway (by a custom parser, another client library, or a socket.io fork), the event reaches the listeners meant for the lifecycle event of that name. Rename the event.`,
      detail: `sent by ${by}; it reaches listeners meant for the lifecycle event`,
      sessionId: e.sessionId,
      seqs: [e.seq],
      confidence: 'certain',
      evidence: [`packet #${e.seq} from ${by} is an EVENT named ${quote(event)}`],
    });
  },
};
