/** The one error type the library throws, with a `code` a test can branch on. */

/**
 * - `LISTEN`: the proxy or dashboard could not listen (the message names the address and port).
 * - `BAD_OPTION`: an option of `createProxy` is malformed (the message names it).
 * - `TIMEOUT`: `waitFor` saw no matching event in time (the message says what it waited for and
 *   lists the last events seen).
 * - `CLOSED`: the proxy was closed while the call waited.
 */
export type SioProxyErrorCode = 'LISTEN' | 'BAD_OPTION' | 'TIMEOUT' | 'CLOSED';

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

/** A listen failure in words that name the address and what to do about it. */
export function listenError(err: unknown, host: string, port: number, what: string): SioProxyError {
  const e = err as Error & { code?: string };
  const message =
    e.code === 'EADDRINUSE'
      ? `${what}: ${host}:${port} is already in use; pick another port (0 = any free port)`
      : e.code === 'EADDRNOTAVAIL'
        ? `${what}: ${host} is not an address of this machine`
        : `${what}: cannot listen on ${host}:${port}: ${e.message}`;
  return new SioProxyError('LISTEN', message, { cause: err });
}
