/**
 * `GET /api/capture`: the history held, as NDJSON (one event per line, the stream's own JSON), for
 * saving a session to a file or feeding it to other tools. The snapshot is taken at once; lines go out
 * in chunks that wait for the response to drain, so a 100 000-event download neither blocks the
 * event loop nor buffers the whole capture twice.
 */
import type { ServerResponse } from 'node:http';
import type { EventHistory } from './history.js';

const CHUNK_CHARS = 256 * 1024;

export function sendCapture(res: ServerResponse, history: EventHistory): void {
  const lines = [...history.json()];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  res.writeHead(200, {
    'Content-Type': 'application/x-ndjson',
    'Content-Disposition': `attachment; filename="sio-proxy-${stamp}.ndjson"`,
    'Cache-Control': 'no-store',
  });
  let i = 0;
  const write = (): void => {
    while (i < lines.length) {
      let chunk = '';
      while (i < lines.length && chunk.length < CHUNK_CHARS) chunk += `${lines[i++]}\n`;
      if (!res.write(chunk)) return void res.once('drain', write);
    }
    res.end();
  };
  res.on('close', () => (i = lines.length)); // the client went away: stop
  write();
}
