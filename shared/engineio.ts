/**
 * The proxy's entry to the Engine.IO codecs of the protocol core (shared/protocol/engine-codec.ts):
 * the relays name the revision with each call. No codec logic lives here.
 */
import {
  engineCodec,
  type EioVersion,
  type EnginePacket,
  type PayloadFraming,
} from './protocol/engine-codec.js';

export {
  ENGINE_PACKET_TYPES,
  EngineDecodeError,
  engineCodec,
  parseOpen,
  type EioVersion,
  type EnginePacket,
  type EnginePacketType,
  type OpenHandshake,
  type PayloadFraming,
} from './protocol/engine-codec.js';

/** One WebSocket frame is one packet; in EIO4 a binary frame is a message's raw bytes. */
export function decodeFrame(raw: Uint8Array, isBinary: boolean, eio: EioVersion): EnginePacket {
  return engineCodec(eio).decodeFrame(raw, isBinary);
}

/** Decodes one polling request or response body into its packets. */
export function decodePayload(body: Uint8Array, framing: PayloadFraming): EnginePacket[] {
  return engineCodec(framing.eio).decodePayload(body, framing);
}
