/**
 * `GET /api/capture`: the history held, as NDJSON (one event per line, the stream's own JSON), for
 * saving a session to a file or feeding it to other tools. The snapshot is the held batches (no
 * copy); each slice of about CHUNK_CHARS is decoded only when its turn comes, after the response
 * drained, on a turn of the loop of its own and within the budget shared with observers' replays, so a 100 000-event download neither holds the relay's
 * thread nor builds the capture in memory. At most MAX_CAPTURES run at once (429 beyond).
 */
import type { ServerResponse } from 'node:http';
import type { Snapshot } from './history.js';
import { sendJson } from './http-reply.js';
import type { TurnBudget } from './turn-budget.js';

const CHUNK_CHARS = 64 * 1024;
/** Downloads of the capture at once: each one a full read of the history. */
export const MAX_CAPTURES = 2;

let running = 0;

export function sendCapture(res: ServerResponse, snapshot: Snapshot, budget: TurnBudget): void {
  if (running >= MAX_CAPTURES) {
    snapshot.release();
    return sendJson(res, 429, {
      error: `${MAX_CAPTURES} capture downloads are running already: try again later`,
    });
  }
  const history = snapshot.held;
  running++;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  res.writeHead(200, {
    'Content-Type': 'application/x-ndjson',
    'Content-Disposition': `attachment; filename="sio-proxy-${stamp}.ndjson"`,
    'Cache-Control': 'no-store',
  });
  let i = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    running--;
    snapshot.release(); // what was written is text, copied from the batches
  };
  const write = (): void => {
    if (done) return;
    let chunk = '';
    while (i < history.length && chunk.length < CHUNK_CHARS) {
      const { batch, skip } = history[i++]!;
      chunk += `${batch.json(skip).join('\n')}\n`;
    }
    if (i >= history.length) {
      finish();
      return void res.end(chunk);
    }
    const next = () => void budget.take(chunk.length).then(write);
    if (res.write(chunk)) next();
    else res.once('drain', next);
  };
  res.on('close', finish); // the client went away: stop
  write();
}
