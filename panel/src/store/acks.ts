/**
 * Links an EVENT and its ACK in the packet store, from the proxy's `ack` events (it matches them by
 * session, namespace and ack id; the panel only records the link): the EVENT row gets the ACK's seq,
 * the ACK row the EVENT's, both the latency.
 */
import type { AckEvent } from '../../../shared/events.js';
import type { PacketStore } from './packet-store.js';

export function linkAck(packets: PacketStore, e: AckEvent): void {
  const event = packets.bySeq(e.eventSeq);
  if (event) {
    event.linkSeq = e.ackSeq;
    event.latency = e.latency;
  }
  const ack = packets.bySeq(e.ackSeq);
  if (ack) {
    ack.linkSeq = e.eventSeq;
    ack.latency = e.latency;
  }
}
