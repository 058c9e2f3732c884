/** `--reader-thread`: on unless asked off (docs/performance.md, "On by default"). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCli } from '../../proxy/cli-args.js';
import { UsageError } from '../../proxy/cli-flags.js';

test('the reader thread is on by default, and off only when asked', () => {
  assert.equal(parseCli([]).readerThread, true);
  assert.equal(parseCli(['--reader-thread', 'on']).readerThread, true);
  assert.equal(parseCli(['--reader-thread', 'off']).readerThread, false);
  assert.throws(
    () => parseCli(['--reader-thread', 'no']),
    (err: Error) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /must be on or off/);
      return true;
    },
  );
});
