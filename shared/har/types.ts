/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) plus Chrome's WebSocket extension
 * (`_resourceType`, `_webSocketMessages`) and sio-proxy's own `_sioProxy` entry extension.
 */
import type { RoomEvent, SessionEvent } from '../events.js';

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: { name: string; value?: string; fileName?: string; contentType?: string; comment?: string }[];
  comment?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  /** -1: not known. */
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  /** `base64` when `text` is base64 (binary bodies). */
  encoding?: string;
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

/** Chrome's record of one WebSocket frame. */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  /** Seconds since the epoch, with a fractional part. */
  time: number;
  /** 1 text, 2 binary (Chrome may also write control frames: they are ignored on import). */
  opcode: number;
  /** The text, or base64 for a binary frame. */
  data: string;
}

/** sio-proxy's own additions to an entry. */
export interface HarSioProxyExtension {
  /** `seq` of the `http` event the entry was written from. */
  seq?: number;
  sessionId?: string;
  /** The session this entry opened (its handshake), as the proxy reported it. */
  session?: Omit<SessionEvent, 'type' | 'seq'>;
  /** When the packets of the request body / response body were observed (epoch ms, sub-ms). */
  requestPacketsAt?: number;
  responsePacketsAt?: number;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  /** Milliseconds. */
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _resourceType?: string;
  _webSocketMessages?: HarWebSocketMessage[];
  _sioProxy?: HarSioProxyExtension;
}

export interface HarCreator {
  name: string;
  version: string;
  comment?: string;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number; comment?: string };
  comment?: string;
}

export interface HarLog {
  version: string;
  creator: HarCreator;
  browser?: HarCreator;
  pages?: HarPage[];
  entries: HarEntry[];
  comment?: string;
  /** sio-proxy's `room` events (see HarRoom), in seq order; absent when there were none. */
  _sioProxyRooms?: HarRoom[];
}

/**
 * A `room` event of the proxy (admin-ui or inferred, docs/event-stream.md) as `_sioProxyRooms`
 * holds it: without `type` (all are rooms) and `seq` (the import numbers events afresh).
 */
export type HarRoom = Omit<RoomEvent, 'type' | 'seq'>;

export interface Har {
  log: HarLog;
}
