/** Words for a target that fails, for log lines, events and the 502 answers. */
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
