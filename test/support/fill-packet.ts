/** Filler traffic for the isolation tests: one c2s WebSocket message of session `fill`. */
import type { PacketEvent } from '../../shared/events.js';

/** A `packet` event of session `fill` carrying `data`, before the bus stamps it. */
export function fillPacket(data: string): Omit<PacketEvent, 'seq' | 'ts'> {
  return {
    type: 'packet',
    sessionId: 'fill',
    direction: 'c2s',
    transport: 'websocket',
    engine: 'message',
    size: data.length,
    data,
  };
}

/** Counts units per turn of the event loop (a turn ends when an immediate set in it runs). */
export function perTurn(): { add(n: number): void; readonly most: number } {
  let thisTurn = 0;
  let most = 0;
  let turn: NodeJS.Immediate | undefined;
  return {
    add(n) {
      thisTurn += n;
      most = Math.max(most, thisTurn);
      turn ??= setImmediate(() => {
        thisTurn = 0;
        turn = undefined;
      });
    },
    get most() {
      return most;
    },
  };
}
