// Minimal types for the Socket.IO v2 stack installed under npm aliases (socket.io@2 as
// `socket.io-v2`, socket.io-client@2 as `socket.io-client-v2`), and for the Engine.IO v3 encoders
// the tests use to build wire payloads. Only the surface the tests touch is described. This file is
// a script (no top-level import/export) so that its `declare module` blocks are ambient.

declare module 'socket.io-v2' {
  import type { IncomingHttpHeaders, Server as HttpServer } from 'node:http';

  /** Listener parameters are `never` so that any listener signature fits, as in harness.ts. */
  type V2Listener = (...args: never[]) => void;

  export interface V2Handshake {
    headers: IncomingHttpHeaders;
    /** The Engine.IO handshake query, merged with the namespace's CONNECT query. */
    query: Record<string, string | undefined>;
    url: string;
    address: string;
  }

  export interface V2ServerSocket {
    /** `<engine id>` on `/`, `<nsp>#<engine id>` elsewhere (Socket.IO protocol v4). */
    readonly id: string;
    readonly connected: boolean;
    readonly nsp: { readonly name: string };
    readonly conn: { readonly id: string; readonly transport: { readonly name: string } };
    readonly handshake: V2Handshake;
    on(event: string, fn: V2Listener): this;
    once(event: string, fn: V2Listener): this;
    emit(event: string, ...args: unknown[]): this;
    disconnect(close?: boolean): this;
  }

  /** socket.io@2 sends `err.data || err.message` to the client in an ERROR packet. */
  export type V2Middleware = (
    socket: V2ServerSocket,
    next: (err?: Error & { data?: unknown }) => void,
  ) => void;

  export interface V2Namespace {
    readonly name: string;
    on(event: 'connection' | 'connect', fn: (socket: V2ServerSocket) => void): this;
    once(event: 'connection' | 'connect', fn: (socket: V2ServerSocket) => void): this;
    use(fn: V2Middleware): this;
  }

  export interface V2ServerOptions {
    path?: string;
    serveClient?: boolean;
    pingInterval?: number;
    pingTimeout?: number;
    transports?: string[];
    allowUpgrades?: boolean;
    cookie?: boolean | string;
    /** engine.io@3 destroys the connection of a polling POST over it (no 413). */
    maxHttpBufferSize?: number;
  }

  export interface V2Server {
    /** Delegates to the `/` namespace (and returns it). */
    on(event: 'connection' | 'connect', fn: (socket: V2ServerSocket) => void): V2Namespace;
    /** The `/` namespace. */
    readonly sockets: V2Namespace;
    of(nsp: string): V2Namespace;
    /** Closes every client, the engine and the attached HTTP server. */
    close(fn?: () => void): void;
  }

  function SocketIOv2(srv: HttpServer, opts?: V2ServerOptions): V2Server;
  export default SocketIOv2;
}

declare module 'socket.io-client-v2' {
  type V2Listener = (...args: never[]) => void;

  export interface V2ClientOptions {
    forceNew?: boolean;
    path?: string;
    transports?: Array<'polling' | 'websocket'>;
    upgrade?: boolean;
    forceBase64?: boolean;
    forceJSONP?: boolean;
    query?: Record<string, string>;
    extraHeaders?: Record<string, string>;
    reconnection?: boolean;
    reconnectionAttempts?: number;
    reconnectionDelay?: number;
    reconnectionDelayMax?: number;
    randomizationFactor?: number;
    timeout?: number;
  }

  export interface V2Engine {
    /** The Engine.IO session id. */
    readonly id: string;
    readonly transport: { readonly name: string };
    on(event: string, fn: V2Listener): this;
    once(event: string, fn: V2Listener): this;
    off(event: string, fn?: V2Listener): this;
  }

  export interface V2Manager {
    readonly engine: V2Engine;
    on(event: string, fn: V2Listener): this;
    once(event: string, fn: V2Listener): this;
    off(event: string, fn?: V2Listener): this;
  }

  export interface V2ClientSocket {
    readonly id: string;
    readonly nsp: string;
    readonly connected: boolean;
    readonly io: V2Manager;
    on(event: string, fn: V2Listener): this;
    once(event: string, fn: V2Listener): this;
    off(event: string, fn?: V2Listener): this;
    emit(event: string, ...args: unknown[]): this;
    close(): this;
    disconnect(): this;
  }

  function lookup(uri: string, opts?: V2ClientOptions): V2ClientSocket;
  export default lookup;
}

// engine.io-parser@2: shared/types/engine.io-parser-v3.d.ts declares the decoders; the tests also
// need the reference encoders (these declarations merge with that file's).
declare module 'engine.io-parser-v3' {
  export interface V3EncodablePacket {
    type: 'open' | 'close' | 'ping' | 'pong' | 'message' | 'upgrade' | 'noop';
    data?: string | Buffer;
  }
  export function encodePacket(
    packet: V3EncodablePacket,
    supportsBinary: boolean,
    utf8encode: boolean,
    callback: (encoded: string | Buffer) => void,
  ): void;
  export function encodePayload(
    packets: V3EncodablePacket[],
    supportsBinary: boolean,
    callback: (encoded: string | Buffer) => void,
  ): void;
  export function encodePayloadAsBinary(
    packets: V3EncodablePacket[],
    callback: (encoded: Buffer) => void,
  ): void;
}
