/**
 * Keeps a copy of a body that is being piped elsewhere, for observation. The copy is bounded: past
 * the limit it stops copying (the relay goes on untouched) and says so.
 */
import type { Readable } from 'node:stream';

/** Larger than any sane maxHttpBufferSize; bodies past it are relayed but not decoded. */
export const MAX_OBSERVED_BODY = 16 * 1024 * 1024;

export function tapBody(stream: Readable, done: (body: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  stream.on('data', (chunk: Buffer) => {
    if (overflow) return;
    size += chunk.length;
    if (size > MAX_OBSERVED_BODY) {
      overflow = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  stream.on('end', () => done(overflow ? undefined : Buffer.concat(chunks, size)));
}
