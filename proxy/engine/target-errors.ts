/** Node's codes for a TLS certificate it would not accept. */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * An https:// target that answers in plain HTTP: OpenSSL reads the HTTP status line as a TLS record
 * of an unknown version (EPROTO from http.request, ERR_SSL_WRONG_VERSION_NUMBER from tls.connect).
 */
export function speaksPlainHttp(err: Error & { code?: string }): boolean {
  return (
    err.code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    (err.code === 'EPROTO' && /wrong version number/.test(err.message))
  );
}

/** A `target-down` fault of the control API: the proxy answers as if the target were down. */
export const TARGET_DOWN: Error & { code?: string } = Object.assign(new Error('target-down fault'), {
  code: 'SIO_PROXY_TARGET_DOWN',
});

/** Words for a target that fails, for log lines, events and the 502 answers. */
export function describeTargetError(err: Error & { code?: string }): string {
  if (speaksPlainHttp(err)) return 'speaks plain HTTP, not TLS: use an http:// --target';
  if (err.code && CERTIFICATE_ERRORS.has(err.code))
    return `has a TLS certificate that is not trusted (${err.code}): a development certificate? --insecure accepts it`;
  switch (err.code) {
    case 'SIO_PROXY_TARGET_DOWN':
      return 'is down on purpose (a target-down fault of the control API)';
    case 'ECONNREFUSED':
      return 'refused the connection (ECONNREFUSED): is it running?';
    case 'ECONNRESET':
      return 'reset the connection (ECONNRESET)';
    case 'ENOTFOUND':
      return 'host not found (ENOTFOUND)';
    case 'ETIMEDOUT':
      return 'timed out (ETIMEDOUT)';
    case 'EMFILE':
    case 'ENFILE':
      return `could not be reached: the proxy is out of file descriptors (${err.code}); the open-file limit caps its sessions, see its start message`;
    default:
      return `failed: ${err.message}`;
  }
}
