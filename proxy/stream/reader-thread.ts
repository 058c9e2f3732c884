/**
 * The readers of the event stream (WebSocket observers, capture downloads, HAR exports), served from
 * a thread of their own (reader-worker.ts), so that what they cost (sending every batch to every
 * observer, replaying the history to each one that connects, writing out 100 000 events) is never a
 * turn of the relay's event loop. Issue #14 measured a crowd of 20 dashboards, a capture and a HAR
 * export over a full history holding the relay's loop for 8-16 ms at p99 though their writes were
 * budgeted; the main thread now posts each sealed batch once, whatever the number of observers.
 *
 * Sockets cannot move between threads, so the reader thread is the dashboard's front door: it listens
 * on the dashboard's address, serves those routes itself and forwards everything else to the
 * dashboard server, which then listens on loopback only (ui-server.ts, `front`). The batches are not
 * copied: their bytes sit in shared memory (batch.ts), and the history stays on the main thread,
 * where each reader's snapshot is taken and posted a part per turn, its memory kept from reuse until
 * the thread says it is done with it (`release`, batch-arena.ts), has gone, or the thread ended; so
 * does the payload store, which a HAR export asks for the cut payloads of a run of events at a time.
 */
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { packageVersion } from '../package-version.js';
import type { UiFront } from '../ui/ui-server.js';
import type { EventStream } from './event-stream.js';
import type { Held, Snapshot } from './history.js';
import type { Backlog, ReaderConfig, ToMain, ToReader } from './reader-messages.js';
import { DEFAULT_LIMITS, type ObserverLimits } from './ws-observer.js';

/** Held batches posted per turn while a history goes over (each one a SharedArrayBuffer shared). */
const HISTORY_PART = 256;

export interface ReaderThreadOptions {
  token: string;
  uiHost?: string;
  limits?: Partial<ObserverLimits>;
  log: Logger;
}

export class ReaderThread implements UiFront {
  private worker: Worker | undefined;
  /** Subscribers the thread has now; the stream's batches are posted only while there are some. */
  private subscribers = new Set<number>();
  /** Subscribers and snapshots whose history is still being posted. */
  private posting = new Set<number>();
  private detach: (() => void) | undefined;
  /** The snapshots the thread is reading, by subscriber or snapshot id. */
  private readonly pins = new Map<number, () => void>();
  private closing = false;
  private asked = 0;
  private readonly answers = new Map<number, (backlogs: Backlog[]) => void>();

  constructor(
    private readonly stream: EventStream,
    private readonly opts: ReaderThreadOptions,
  ) {}

  async listen(port: number, host: string, internal: AddressInfo, secret: string): Promise<AddressInfo> {
    const config: ReaderConfig = {
      port,
      host,
      internal: { host: internal.address, port: internal.port },
      secret,
      token: this.opts.token,
      uiHost: this.opts.uiHost,
      limits: { ...DEFAULT_LIMITS, ...this.opts.limits },
      version: packageVersion(),
    };
    const worker = (this.worker = startWorker(config));
    worker.on('error', (err) =>
      this.opts.log.warn(`the dashboard's reader thread failed: ${err.stack ?? err}`),
    );
    worker.on('exit', () => this.ended());
    return new Promise((resolve, reject) => {
      worker.on('message', (message: ToMain) => {
        if (message.t === 'listening')
          resolve({ port: message.port, address: message.address, family: message.family });
        else if (message.t === 'failed')
          reject(Object.assign(new Error(message.message), { code: message.code }));
        else this.onMessage(message);
      });
      worker.once('exit', (code) => reject(new Error(`the dashboard's reader thread ended (${code})`)));
    });
  }

  /** Each observer's backlog, as the stream plugin's `observers()` (none while the thread is down). */
  backlogs(): Promise<Backlog[]> {
    if (!this.worker) return Promise.resolve([]);
    const id = ++this.asked;
    return new Promise((resolve) => {
      this.answers.set(id, resolve);
      this.post({ t: 'backlogs', id });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.closing = true;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    this.post({ t: 'close' });
    // The thread closes its observers within 500 ms; one that does not answer must not hold us.
    const late = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(late);
  }

  private onMessage(message: ToMain): void {
    if (message.t === 'subscribe') this.subscribe(message.id);
    else if (message.t === 'unsubscribe') this.unsubscribe(message.id);
    else if (message.t === 'snapshot')
      this.postHistory(message.id, this.pinned(message.id, this.stream.snapshot()));
    else if (message.t === 'release') this.release(message.id);
    else if (message.t === 'payloads') this.postPayloads(message.id, message.seqs);
    else if (message.t === 'warn') this.opts.log.warn(message.message);
    else if (message.t === 'backlogs') {
      this.answers.get(message.id)?.(message.backlogs);
      this.answers.delete(message.id);
    }
  }

  /** Snapshot and (for the first subscriber) the subscription in one step, as subscribeWithHistory. */
  private subscribe(id: number): void {
    let held: Held[];
    if (this.detach) held = this.pinned(id, this.stream.snapshot());
    else {
      const subscribed = this.stream.subscribeWithHistory((batch) =>
        this.post({ t: 'batch', batch: batch.shared }),
      );
      held = this.pinned(id, subscribed);
      this.detach = subscribed.unsubscribe;
    }
    this.subscribers.add(id);
    this.postHistory(id, held);
  }

  /** The first part now (in the step of the snapshot), the rest a part a turn. */
  private postHistory(id: number, held: Held[], from = 0): void {
    if (from === 0) this.posting.add(id);
    if (!this.posting.has(id)) return;
    const to = Math.min(held.length, from + HISTORY_PART);
    const part = held.slice(from, to).map(({ batch, skip }) => ({ batch: batch.shared, skip }));
    this.post({ t: 'history', id, held: part, done: to === held.length });
    if (to < held.length) setImmediate(() => this.postHistory(id, held, to));
    else this.posting.delete(id);
  }

  /** Building a full payload's JSON costs what its size does: a HAR export asks for a run at a time. */
  private postPayloads(id: number, seqs: number[]): void {
    const found: Array<[number, string]> = [];
    for (const seq of seqs) {
      const payload = this.stream.payloads.get(seq);
      if (payload.found) found.push([seq, payload.json]);
    }
    this.post({ t: 'payloads', id, found });
  }

  /** Keeps the snapshot's memory until the thread releases `id` (or the subscriber goes). */
  private pinned(id: number, snapshot: Snapshot): Held[] {
    this.pins.set(id, snapshot.release);
    return snapshot.held;
  }

  private release(id: number): void {
    this.pins.get(id)?.();
    this.pins.delete(id);
  }

  private unsubscribe(id: number): void {
    // The thread reads nothing more for a subscriber once it has said it has gone.
    this.release(id);
    this.posting.delete(id);
    this.subscribers.delete(id);
    if (this.subscribers.size > 0) return;
    this.detach?.();
    this.detach = undefined;
  }

  private post(message: ToReader): void {
    this.worker?.postMessage(message);
  }

  private ended(): void {
    if (this.worker && !this.closing)
      this.opts.log.warn("the dashboard's reader thread ended: the event stream has no observers now");
    this.worker = undefined;
    for (const answer of this.answers.values()) answer([]);
    this.answers.clear();
    this.subscribers.clear();
    for (const release of this.pins.values()) release();
    this.pins.clear();
    this.detach?.();
    this.detach = undefined;
  }
}

/**
 * The worker's file beside this one: .js when built; when run from the sources (tsx), the .ts, with
 * tsx's loader registered in the thread first (a worker does not inherit the loader hooks).
 */
function startWorker(config: ReaderConfig): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./reader-worker.js', import.meta.url), { workerData: config });
  const file = new URL('./reader-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); })`;
  return new Worker(boot, { eval: true, workerData: config });
}
