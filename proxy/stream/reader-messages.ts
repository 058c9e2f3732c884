/** What the main thread and the reader thread (reader-thread.ts, reader-worker.ts) say to each other. */
import type { SharedBatch } from './batch.js';
import type { ObserverLimits, WsObserver } from './ws-observer.js';

export type Backlog = WsObserver['backlog'];

/** The reader thread's workerData. */
export interface ReaderConfig {
  /** Where the dashboard listens: the front door's address. */
  port: number;
  host: string;
  /** The dashboard server's own address on loopback, where everything else is forwarded. */
  internal: { host: string; port: number };
  /** Proves to the dashboard server that a request came through the front door (local-end.ts). */
  secret: string;
  token: string;
  uiHost: string | undefined;
  limits: ObserverLimits;
  /** sio-proxy's version, for the HAR's `log.creator`. */
  version: string;
}

export type ToReader =
  /** A batch sealed after the subscribers' snapshots (sent only while there are subscribers). */
  | { t: 'batch'; batch: SharedBatch }
  /** Part of the history a subscriber or a snapshot `id` asked for; `done` on the last part. */
  | { t: 'history'; id: number; held: Array<{ batch: SharedBatch; skip: number }>; done: boolean }
  /** The full payloads of the seqs asked for (`payloads`) that the store still holds. */
  | { t: 'payloads'; id: number; found: Array<[number, string]> }
  /** What waits for each observer now (answered with `backlogs`). */
  | { t: 'backlogs'; id: number }
  | { t: 'close' };

export type ToMain =
  | { t: 'listening'; port: number; address: string; family: string }
  | { t: 'failed'; message: string; code?: string }
  /** An observer connected and wants the history and what follows it... */
  | { t: 'subscribe'; id: number }
  /** ... and has gone (said once per subscribe). */
  | { t: 'unsubscribe'; id: number }
  /** The history held now, without what follows (a capture, a HAR export). */
  | { t: 'snapshot'; id: number }
  /** The history of subscriber or snapshot `id` is read: its memory may be reused. */
  | { t: 'release'; id: number }
  /** The full payloads of these cut events, from the payload store. */
  | { t: 'payloads'; id: number; seqs: number[] }
  | { t: 'backlogs'; id: number; backlogs: Backlog[] }
  | { t: 'warn'; message: string };
