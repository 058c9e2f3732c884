/** For the HAR tests' comparisons of live events with imported ones. */

/** Binary values of any kind as base64, so live Buffers and imported Uint8Arrays compare equal. */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { binary: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
