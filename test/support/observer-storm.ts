/**
 * A crowd of dashboards, run as a child process so that what it costs to receive is not counted
 * against the proxy under test: `node --import tsx observer-storm.ts <dashboard origin> <token> <n>`
 * opens `n` event-stream observers at once, each reading until it has `events` events (the history),
 * and downloads the capture and the HAR file at the same time; it prints one JSON line with what each
 * got, and exits.
 */
import WebSocket from 'ws';

const [origin = '', token = '', n = '20', events = '0', parts = 'capture,har'] = process.argv.slice(2);
const url = (path: string, scheme = 'http') => {
  const u = new URL(path, origin);
  u.searchParams.set('token', token);
  if (scheme === 'ws') u.protocol = 'ws:';
  return u.href;
};

/** Reads a WebSocket observer until it has seen `want` events (counted by their `"type":` keys). */
function observe(want: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url('/api/events', 'ws'));
    let seen = 0;
    ws.on('message', (data: Buffer) => {
      // Counting beats parsing here: this process only has to keep up, not check.
      for (let at = data.indexOf('{"type":'); at >= 0; at = data.indexOf('{"type":', at + 8)) seen++;
      if (seen >= want) {
        ws.terminate();
        resolve(seen);
      }
    });
    ws.once('error', reject);
  });
}

async function download(path: string): Promise<{ status: number; bytes: number }> {
  const res = await fetch(url(path));
  let bytes = 0;
  for await (const chunk of res.body ?? []) bytes += (chunk as Uint8Array).length;
  return { status: res.status, bytes };
}

const results = await Promise.all([
  Promise.all(Array.from({ length: Number(n) }, () => observe(Number(events)))),
  parts.includes('capture') ? download('/api/capture') : undefined,
  parts.includes('har') ? download('/api/har') : undefined,
]);
process.stdout.write(`${JSON.stringify({ observers: results[0], capture: results[1], har: results[2] })}\n`);
