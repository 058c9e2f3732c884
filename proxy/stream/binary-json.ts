/**
 * Socket.IO args with binary attachments hold Buffers. JSON.stringify would call Buffer#toJSON on
 * each (an array of one number per byte) before any replacer sees it: for a 256 KB attachment that
 * alone cost more than relaying it. So binary values are swapped for their JSON form first, in a copy
 * of the (small) structure around them, and the result is stringified on V8's fast path.
 */
export interface BinaryJson {
  _binary: string;
  size: number;
  truncated?: true;
}

/** `maxBytes`: encode at most this many bytes of each value (a preview), or all of them. */
export function withBinaryAsJson(value: unknown, maxBytes = Infinity, onCut?: () => void): unknown {
  const bytes = asBuffer(value);
  if (bytes) {
    if (bytes.length <= maxBytes) return { _binary: bytes.toString('base64'), size: bytes.length };
    onCut?.();
    const keep = Math.floor(maxBytes / 3) * 3; // whole base64 quanta: the preview still decodes
    return { _binary: `${bytes.subarray(0, keep).toString('base64')}…`, size: bytes.length, truncated: true };
  }
  if (Array.isArray(value)) return value.map((v) => withBinaryAsJson(v, maxBytes, onCut));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    // fromEntries defines each key: `out[k] =` would set the prototype for a `__proto__` key the
    // sender's JSON had (JSON.parse makes it an own key), and the key would vanish from the display.
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, withBinaryAsJson(v, maxBytes, onCut)]),
    );
  }
  return value;
}

function asBuffer(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  return undefined;
}
