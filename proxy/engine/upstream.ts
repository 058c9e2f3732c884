/**
 * The target as http-proxy hands it to Node's http.request. A WHATWG URL keeps an IPv6 literal's
 * brackets in `hostname` ("[::1]"), which http.request looks up as a name (ENOTFOUND): the bare
 * address goes instead. No path: request paths reach the target as the client sent them.
 */
import type { Url } from 'node:url';

export function upstreamOf(target: URL): Partial<Url> {
  const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1');
  return { protocol: target.protocol, hostname, host: hostname, port: target.port };
}
