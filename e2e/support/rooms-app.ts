/** A target whose rooms the tests drive: @socket.io/admin-ui instrumented, `join`/`leave` events with an ack. */
import { instrument } from '@socket.io/admin-ui';
import type { Target } from '../../test/support/harness.js';

export function serveRooms(t: Target): void {
  instrument(t.io, { auth: false });
  t.io.on('connection', (s) => {
    s.on('join', (room: string, ack: () => void) => {
      void s.join(room);
      ack();
    });
    s.on('leave', (room: string, ack: () => void) => {
      void s.leave(room);
      ack();
    });
  });
}
