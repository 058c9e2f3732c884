/** Node's codes for a TLS certificate it would not accept. */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Words for a target that fails, for log lines, events and the 502 answers. */
export function describeTargetError(err: Error & { code?: string }): string {
  if (err.code && CERTIFICATE_ERRORS.has(err.code))
    return `has a TLS certificate that is not trusted (${err.code}): a development certificate? --insecure accepts it`;
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
