/** Answers the proxy gives on its own: requests the target never sees, and a target that fails. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { abortRequest, abortUpgrade, EngineErrors, type EngineErrorCode } from './errors.js';
import type { RelayContext } from './relay-context.js';
import type { EngineRequest } from './request-info.js';

/** Header values that engine.io refuses (its checkInvalidHeaderChar). */
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * A sid the proxy never handshook: answered here, in engine.io's check order (transport, Origin,
 * sid), without bothering the target.
 */
function unknownSidCode(req: IncomingMessage, info: EngineRequest): EngineErrorCode {
  if (info.transport !== 'polling' && info.transport !== 'websocket') return EngineErrors.UNKNOWN_TRANSPORT;
  const origin = req.headers.origin;
  if (origin !== undefined && INVALID_HEADER_CHAR.test(origin)) return EngineErrors.BAD_REQUEST;
  return EngineErrors.UNKNOWN_SID;
}

export function rejectUnknownSid(
  ctx: RelayContext,
  req: IncomingMessage,
  res: ServerResponse,
  info: EngineRequest,
): void {
  const code = unknownSidCode(req, info);
  ctx.bus.emit({ type: 'error', message: `${req.method} for unknown sid "${info.sid}" (code ${code})` });
  abortRequest(res, code);
}

export function rejectUnknownSidUpgrade(
  ctx: RelayContext,
  req: IncomingMessage,
  socket: Duplex,
  info: EngineRequest,
): void {
  const code = unknownSidCode(req, info);
  ctx.bus.emit({ type: 'error', message: `WebSocket for unknown sid "${info.sid}" (code ${code})` });
  abortUpgrade(socket, code);
}

export function describeTargetError(err: Error & { code?: string }): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused the connection (ECONNREFUSED): is it running?';
    case 'ECONNRESET':
      return 'reset the connection (ECONNRESET)';
    case 'ENOTFOUND':
      return 'host not found (ENOTFOUND)';
    case 'ETIMEDOUT':
      return 'timed out (ETIMEDOUT)';
    default:
      return `failed: ${err.message}`;
  }
}
