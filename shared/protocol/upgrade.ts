/**
 * The one upgrade detector: the client's side of an Engine.IO upgrade, as the packets on the new
 * WebSocket show it. The client sends `2probe`, the server answers `3probe`, the client pauses
 * polling and sends `5`: from then on the session is on WebSocket. A probe whose WebSocket closes
 * before the `5` leaves the session on polling.
 */
import type { Direction } from '../events.js';
import type { EnginePacket } from './engine-codec.js';

export type UpgradeStep = 'probe' | 'success';

/** What a packet on the probing WebSocket means for the upgrade (`upgrading`: a probe was seen). */
export function upgradeStep(
  direction: Direction,
  packet: EnginePacket,
  upgrading: boolean,
): UpgradeStep | undefined {
  if (direction !== 'c2s') return undefined;
  if (packet.type === 'ping' && packet.data === 'probe') return 'probe';
  if (packet.type === 'upgrade' && upgrading) return 'success';
  return undefined;
}
