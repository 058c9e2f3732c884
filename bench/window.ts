/**
 * The flow-control window of the fire-and-forget measurements, used on both sides (clients for
 * c2s, the target for s2c): send as fast as possible, but one message in MARK_EVERY asks for an
 * ack and at most MAX_MARKS of those may be unanswered at a time, which caps the messages of one
 * sender in flight at MARK_EVERY * MAX_MARKS (512). That keeps every path saturated (a path would
 * have to answer in more than 512 message-times to starve the sender) while bounding the backlog.
 */

export const MARK_EVERY = 64;
export const MAX_MARKS = 8;

export const C2S_PAYLOAD = { n: 1, text: 'hello from a client' };
export const S2C_PAYLOAD = { n: 1, text: 'hello from the server' };

export interface PumpIo {
  /** False stops the pump (checked before every batch). */
  running(): boolean;
  send(): void;
  /** Sends one message whose ack calls `acked`. */
  sendMarked(acked: () => void): void;
}

export function creditPump(io: PumpIo): void {
  let unanswered = 0;
  let scheduled = false;
  const step = () => {
    scheduled = false;
    if (!io.running()) return;
    while (unanswered < MAX_MARKS) {
      for (let i = 1; i < MARK_EVERY; i++) io.send();
      unanswered++;
      io.sendMarked(() => {
        unanswered--;
        // Batches leave from a fresh macrotask, never from inside the transport's own callbacks,
        // so that senders always yield to I/O (and to IPC, and to timers).
        if (!scheduled) {
          scheduled = true;
          setImmediate(step);
        }
      });
    }
  };
  step();
}
