/**
 * The protocol core: Engine.IO and Socket.IO read once, without I/O, browser-safe (Uint8Array in; a
 * Buffer is one, so the proxy passes its own). The proxy (proxy/engine/session.ts), the extension's
 * in-page capture (extension/src/panel/capture-decoder.ts) and HAR import (shared/har/import.ts) are
 * adapters over it.
 *
 * - engine-codec.ts: one Engine.IO codec per protocol revision (EIO4, EIO3), chosen once per session;
 * - socketio.ts, message-decoder.ts: the Socket.IO reading of a session's messages;
 * - sockets.ts: the Socket.IO level (namespaces, socket ids, refusals, disconnects, acks);
 * - upgrade.ts: the one upgrade detector;
 * - observed-session.ts, session-event.ts: a session as an observer of its client leg reads it.
 */
export {
  EngineDecodeError,
  engineCodec,
  eioOf,
  parseOpen,
  type BodyFraming,
  type EioVersion,
  type EngineCodec,
  type EnginePacket,
  type OpenHandshake,
} from './engine-codec.js';
export { base64ToBytes, bytesToBase64, latin1ToBytes, utf8Length } from './bytes.js';
export { MessageDecoder, sioInfoOf, type MessageReading } from './message-decoder.js';
export { ackKey, MAX_PENDING_ACKS, SocketModel, type EndReasons, type SocketEvent } from './sockets.js';
export { upgradeStep, type UpgradeStep } from './upgrade.js';
export { ObservedSession, type EventSink, type ObserverView } from './observed-session.js';
export { observedSessionEvent, openValues, type ObservedHandshake } from './session-event.js';
