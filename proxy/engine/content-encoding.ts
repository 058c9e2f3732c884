/**
 * Polling bodies as the peer meant them. engine.io compresses polling answers of 1 KB and more
 * (`httpCompression`: gzip or deflate) when the request accepts it, which browsers always do. The
 * relay passes the compressed bytes on untouched; observation decodes a copy.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions } from 'node:zlib';
import { MAX_OBSERVED_BODY } from './body-tap.js';

/** A decoded body past this is not observed: a small compressed body can inflate without bound. */
const LIMIT: ZlibOptions = { maxOutputLength: MAX_OBSERVED_BODY };

/** `body` decoded per its Content-Encoding; throws on an unknown coding or corrupt data. */
export function decodeContent(body: Buffer, encoding: string | string[] | undefined): Buffer {
  // Codings are listed in the order they were applied (RFC 9110 8.4): undo them last first.
  const codings = String(encoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let out = body;
  for (const coding of codings.reverse()) out = decodeOne(out, coding);
  return out;
}

function decodeOne(body: Buffer, coding: string): Buffer {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body, LIMIT);
    case 'deflate':
      // "deflate" is zlib-wrapped by the spec (and by engine.io); some servers send it raw.
      try {
        return inflateSync(body, LIMIT);
      } catch (err) {
        // Only a missing zlib header means raw; a body past the limit is just as large raw.
        if ((err as { code?: string }).code !== 'Z_DATA_ERROR') throw err;
        return inflateRawSync(body, LIMIT);
      }
    case 'br':
      return brotliDecompressSync(body, LIMIT);
    default:
      throw new UnsupportedEncodingError(coding);
  }
}

/**
 * A coding this Node cannot undo (zstd before Node 22.15, or a token it does not know). Unlike
 * corrupt data, it says the same of every body of a session: relays report it once per session.
 */
export class UnsupportedEncodingError extends Error {
  constructor(readonly coding: string) {
    super(`unsupported Content-Encoding "${coding}": Node ${process.version} undoes gzip, deflate and br`);
  }
}
