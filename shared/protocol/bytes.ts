/**
 * Byte helpers of the protocol core, without Node's Buffer so the same code runs in a browser. A
 * Buffer is a Uint8Array: the proxy passes its Buffers in as they are, and gets views of them back.
 */

const utf8 = new TextDecoder();

/** UTF-8 bytes as text (replacement characters for invalid sequences, as Buffer#toString does). */
export function utf8Text(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** How many bytes `s` takes in UTF-8 (lone surrogates count as the 3 bytes of U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Text holding one byte a character (how captures and HAR bodies carry binary), as bytes. */
export function latin1ToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** The first `max` bytes one character a byte: a readable sample of undecodable input. */
export function latin1Sample(bytes: Uint8Array, max: number): string {
  let s = '';
  const end = Math.min(bytes.length, max);
  for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i] ?? 0);
  return s;
}

export function base64ToBytes(b64: string): Uint8Array {
  return latin1ToBytes(atob(b64));
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
