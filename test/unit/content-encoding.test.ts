/** Polling bodies decoded for observation per their Content-Encoding (proxy/engine/content-encoding.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { MAX_OBSERVED_BODY } from '../../proxy/engine/body-tap.js';
import { decodeContent } from '../../proxy/engine/content-encoding.js';

const body = Buffer.from('42["big","' + 'ü'.repeat(2000) + '"]\x1e42["small"]');

test('gzip, deflate (zlib-wrapped as engine.io sends it, or raw), br and none', () => {
  assert.deepEqual(decodeContent(gzipSync(body), 'gzip'), body);
  assert.deepEqual(decodeContent(deflateSync(body), 'deflate'), body);
  assert.deepEqual(decodeContent(deflateRawSync(body), 'deflate'), body);
  assert.deepEqual(decodeContent(brotliCompressSync(body), 'br'), body);
  assert.deepEqual(decodeContent(body, undefined), body);
  assert.deepEqual(decodeContent(body, 'identity'), body);
});

test('several codings are undone last first', () => {
  assert.deepEqual(decodeContent(brotliCompressSync(gzipSync(body)), 'gzip, br'), body);
});

test('an unknown coding, corrupt data or a body that inflates past the limit throws', () => {
  assert.throws(() => decodeContent(body, 'zstd'), /unsupported Content-Encoding "zstd"/);
  assert.throws(() => decodeContent(Buffer.from('not gzip'), 'gzip'));
  const bomb = gzipSync(Buffer.alloc(MAX_OBSERVED_BODY + 1));
  assert.ok(bomb.length < 100_000, 'a small body');
  assert.throws(() => decodeContent(bomb, 'gzip'), /RangeError|larger than/i);
  // Not retried as raw deflate: past the limit is past it either way, and the error says so.
  const deflated = deflateSync(Buffer.alloc(MAX_OBSERVED_BODY + 1));
  assert.throws(() => decodeContent(deflated, 'deflate'), /RangeError|larger than/i);
});
