/**
 * Binary packet data travels on bus events as the Buffer itself, not as base64: encoding a 256 KB
 * attachment for every event cost more than relaying it. `binary` (the schema's base64 field) is a
 * lazy, cached getter for in-process readers; serialisers read the bytes through RAW_BYTES and
 * encode only what they keep (a preview, or the full payload when someone asks for it).
 */
export const RAW_BYTES = Symbol('sio-proxy.rawBytes');

export function attachBinary(event: object, data: Uint8Array): void {
  // The codecs hand the proxy views of its own Buffers: a Buffer already, no copy.
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let base64: string | undefined;
  Object.defineProperty(event, 'binary', {
    // Not enumerable: a spread or JSON.stringify of the event must not encode it by accident.
    enumerable: false,
    configurable: true,
    get: () => (base64 ??= bytes.toString('base64')),
  });
  Object.defineProperty(event, RAW_BYTES, { value: bytes, enumerable: false });
}

export function rawBytesOf(event: object): Buffer | undefined {
  return (event as { [RAW_BYTES]?: Buffer })[RAW_BYTES];
}
