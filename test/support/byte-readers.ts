/**
 * Run as a process of its own: `count` observers of `url` that read bytes only, and print `done` once
 * each has had a message with `last` in it. Tests use it to load a dashboard with readers whose own
 * work (parsing, or just taking in the bytes) is not done on the thread the test measures.
 *
 *   node --import tsx test/support/byte-readers.ts <url> <count> <last>
 */
import WebSocket from 'ws';

const [url, count, last] = process.argv.slice(2) as [string, string, string];
await Promise.all(
  Array.from(
    { length: Number(count) },
    () =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url, { skipUTF8Validation: true });
        ws.on('message', (data: Buffer) => {
          if (!data.includes(last)) return;
          ws.terminate();
          resolve();
        });
        ws.once('error', reject);
      }),
  ),
);
console.log('done');
