/**
 * FrameBoundary (proxy/engine/frame-boundary.ts): where a piped byte stream may be handed over to a
 * parser. Frames are built with ws's own framer, and fed split at every offset.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Sender } from 'ws';
import { FrameBoundary } from '../../proxy/engine/frame-boundary.js';

type FrameSpec = { opcode: number; fin: boolean; size: number; mask: boolean };

function frame({ opcode, fin, size, mask }: FrameSpec): Buffer {
  const parts = (Sender as unknown as { frame(d: Buffer, o: object): Buffer[] }).frame(
    Buffer.alloc(size, 7),
    {
      fin,
      opcode,
      mask,
      readOnly: false,
      rsv1: false,
    },
  );
  return Buffer.concat(parts);
}

// A fragmented text message with a ping between its fragments, then a 300-byte binary message
// (16-bit length) and a 70 000-byte one (64-bit length), masked as a client sends them.
const specs: FrameSpec[] = [
  { opcode: 1, fin: false, size: 10, mask: true },
  { opcode: 9, fin: true, size: 2, mask: true },
  { opcode: 0, fin: true, size: 5, mask: true },
  { opcode: 2, fin: true, size: 300, mask: true },
  { opcode: 2, fin: true, size: 70_000, mask: true },
];
const frames = specs.map(frame);
const stream = Buffer.concat(frames);
/** Offsets where a message ends (after frames 2, 3 and 4; not inside the fragmented one). */
const ends = [frames[0]!.length + frames[1]!.length + frames[2]!.length];
ends.push(ends[0]! + frames[3]!.length, ends[0]! + frames[3]!.length + frames[4]!.length);

test('counts messages and control frames as a parser emits them, however the bytes are split', () => {
  for (const split of [1, 2, 3, 7, 13, 100, 4096]) {
    const b = new FrameBoundary();
    for (let i = 0; i < stream.length; i += split) assert.equal(b.scan(stream.subarray(i, i + split)), -1);
    assert.equal(b.units, 4, `split ${split}`); // ping, the fragmented message, two binary ones
    assert.equal(b.atBoundary, true);
  }
});

test('stops at the first message boundary, never inside a frame or a fragmented message', () => {
  for (let start = 1; start < ends[1]!; start += 1) {
    const b = new FrameBoundary();
    assert.equal(b.scan(stream.subarray(0, start)), -1);
    const rest = stream.subarray(start);
    const cut = b.scan(rest, true);
    const expected = ends.find((e) => e >= start)!;
    if (start === expected) assert.equal(cut, 0, `at ${start}`);
    else assert.equal(start + cut, expected, `from ${start}`);
    assert.equal(b.atBoundary, true);
  }
});

test('an idle stream is at a boundary; a half-read header is not', () => {
  const b = new FrameBoundary();
  assert.equal(b.scan(Buffer.alloc(0), true), 0);
  assert.equal(b.scan(frames[3]!.subarray(0, 1)), -1);
  assert.equal(b.atBoundary, false);
  assert.equal(b.scan(frames[3]!.subarray(1), true), frames[3]!.length - 1);
});
