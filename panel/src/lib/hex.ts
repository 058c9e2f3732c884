/** Binary payloads (base64 in the events) as bytes and as a classic hex dump. */

export function base64ToBytes(b64: string): Uint8Array {
  // A payload cut by the stream ends in `…`: decode what is whole.
  const clean = b64.replace(/[^A-Za-z0-9+/=]/g, '');
  const whole = clean.slice(0, clean.length - (clean.length % 4));
  const bin = atob(whole);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface HexLine {
  offset: string;
  hex: string;
  ascii: string;
}

/** `perLine` bytes a line (16, or 8 in a narrow pane): offset, hex bytes in groups of 8, printable ASCII. */
export function hexDump(bytes: Uint8Array, maxBytes = 4096, perLine = 16): HexLine[] {
  const lines: HexLine[] = [];
  const end = Math.min(bytes.length, maxBytes);
  for (let off = 0; off < end; off += perLine) {
    const chunk = bytes.subarray(off, Math.min(off + perLine, end));
    const hex: string[] = [];
    let ascii = '';
    chunk.forEach((b, i) => {
      hex.push(b.toString(16).padStart(2, '0') + (i % 8 === 7 && i < perLine - 1 ? ' ' : ''));
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    });
    lines.push({ offset: off.toString(16).padStart(8, '0'), hex: hex.join(' '), ascii });
  }
  return lines;
}

/** Characters the hex column of a line of `perLine` bytes takes, for padding short last lines. */
export const hexWidth = (perLine: number): number => perLine * 3 - 1 + Math.floor((perLine - 1) / 8);
