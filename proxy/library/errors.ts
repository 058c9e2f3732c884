/** The one error type the library throws, with a `code` a test can branch on. */
import { listenError as describeListenError } from '../start-checks.js';

/**
 * - `LISTEN`: the proxy or dashboard could not listen (the message names the address and port).
 * - `BAD_OPTION`: an option of `createProxy` is malformed (the message names it).
 * - `TIMEOUT`: `waitFor` saw no matching event in time (the message says what it waited for and
 *   lists the last events seen).
 * - `CLOSED`: the proxy was closed while the call waited, or the session is closed.
 * - `NOT_FOUND`: no such session, rule, held packet or fault.
 * - `UNSUPPORTED`: not carried out for this session (a JSONP polling session).
 * - `LISTENER`: a listener given to `proxy.on` threw (the message names the event; `cause` is
 *   what it threw).
 */
export type SioProxyErrorCode =
  'LISTEN' | 'BAD_OPTION' | 'TIMEOUT' | 'CLOSED' | 'NOT_FOUND' | 'UNSUPPORTED' | 'LISTENER';

export class SioProxyError extends Error {
  override readonly name = 'SioProxyError';

  constructor(
    readonly code: SioProxyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A listen failure in the CLI's words, with the option to change in place of its flag. */
export function listenError(err: unknown, host: string, port: number, option: string): SioProxyError {
  const text = describeListenError(err as Error & { code?: string }, { host, port, flag: option });
  return new SioProxyError('LISTEN', `${option}: ${text}`, { cause: err });
}
