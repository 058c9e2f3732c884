/**
 * HAR 1.2 export and import of Socket.IO traffic, for the proxy (GET /api/har) and the panel alike:
 * pure functions, no Node modules (Buffer included), so the same code runs in a browser.
 *
 * Export (`eventsToHar`): one entry per `http` event of the client leg, i.e. per polling exchange
 * (request and response bodies are the payloads as they crossed the proxy), and per WebSocket
 * handshake request; a WebSocket entry carries Chrome's `_resourceType: "websocket"` and
 * `_webSocketMessages`, rebuilt frame by frame from the session's `packet` events (one Engine.IO packet
 * per frame: text frames are `<type digit><data>`, binary frames the message's bytes, prefixed with the
 * type byte 4 in EIO3). What the proxy does not know is not invented: header sizes are -1, the whole
 * time is `wait`, `httpVersion` is HTTP/1.1 (Node's http server and every WebSocket handshake speak
 * 1.x), and entries say in `comment` when a request or payload was not captured whole.
 *
 * Import (`harToEvents`): entries whose URL carries `EIO=` (ours, or Chrome DevTools' "Save all as HAR
 * with content") become `session`, `http`, `packet`, `upgrade` events and what the packets mean at the
 * Socket.IO level (`connect`, `connect_error`, `disconnect`, `ack`, and `close` for a close packet),
 * read by the protocol core (../protocol/) as the proxy reads them live, in time order with fresh
 * `seq`s, each marked `importedFrom: 'har'`. A HAR holds the client leg only: the server's reasons
 * for an end it did not announce are unknown.
 *
 * Our own extension, `_sioProxy` on an entry (ignored by other HAR readers), keeps what plain HAR has
 * no room for, so that export then import gives back the same sessions and the same packet order: the
 * `session` event of the session the entry opened, and the exact times at which the packets of each
 * polling body were observed (`startedDateTime` has millisecond resolution only). And
 * `_sioProxyRooms` on the log: the proxy's `room` events (admin-ui joins and leaves, inferred groups),
 * which no entry owns and plain HAR cannot say; import puts them back among the other events by time,
 * so a HAR shows the same rooms as the capture it was exported with.
 *
 * The code lives in ./har/: `types.ts` (the HAR interfaces), `export.ts`, `import.ts` (an adapter over
 * the protocol core) and `util.ts` (small helpers). This module is the public API.
 */
export type {
  Har,
  HarContent,
  HarCookie,
  HarCreator,
  HarEntry,
  HarLog,
  HarNameValue,
  HarPage,
  HarPostData,
  HarRequest,
  HarResponse,
  HarRoom,
  HarSioProxyExtension,
  HarTimings,
  HarWebSocketMessage,
} from './har/types.js';
export { bySeq, eventsToHar, HarBuilder, type EventsToHarOptions } from './har/export.js';
export { harToEvents } from './har/import.js';
export { base64ToBytes, bytesToBase64 } from './har/util.js';
