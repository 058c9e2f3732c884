/**
 * Engine.IO's own error answers, byte for byte as engine.io writes them (server.ts `abortRequest`
 * and `abortUpgrade`), for the cases the proxy must answer itself instead of the target.
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export const EngineErrors = {
  UNKNOWN_TRANSPORT: 0,
  UNKNOWN_SID: 1,
  BAD_HANDSHAKE_METHOD: 2,
  BAD_REQUEST: 3,
  FORBIDDEN: 4,
  UNSUPPORTED_PROTOCOL_VERSION: 5,
} as const;
export type EngineErrorCode = (typeof EngineErrors)[keyof typeof EngineErrors];

export const ENGINE_ERROR_MESSAGES: Record<EngineErrorCode, string> = {
  0: 'Transport unknown',
  1: 'Session ID unknown',
  2: 'Bad handshake method',
  3: 'Bad request',
  4: 'Forbidden',
  5: 'Unsupported protocol version',
};

export function abortRequest(res: ServerResponse, code: EngineErrorCode): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code === EngineErrors.FORBIDDEN ? 403 : 400, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ code, message: ENGINE_ERROR_MESSAGES[code] }));
}

export function abortUpgrade(socket: Duplex, code: EngineErrorCode): void {
  writeRawResponse(socket, '400 Bad Request', ENGINE_ERROR_MESSAGES[code]);
}

/** A plain HTTP answer on a socket whose upgrade we refuse (the target down, or refusing). */
export function writeRawResponse(
  socket: Duplex,
  status: string,
  body: string,
  contentType = 'text/html',
): void {
  socket.on('error', () => {});
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-type: ${contentType}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
