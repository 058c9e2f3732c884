/**
 * The library's view of the event bus: listeners, async iterators and `waitFor`. Bus observers run
 * synchronously on the relay's path, so this one only appends to a bounded queue; listeners run a
 * tick later, where a slow or throwing listener costs the app's traffic nothing. Past the bound the
 * oldest waiting events are dropped and counted (`dropped`), never the relay slowed.
 */
import type { ProxyEvent, ProxyEventType } from '../../shared/events.js';
import type { EventBus } from '../events/bus.js';
import { SioProxyError } from './errors.js';
import type { EventPredicate } from './event-filter.js';

export type Listener<E extends ProxyEvent = ProxyEvent> = (event: E) => void;

/**
 * Called with a `LISTENER` SioProxyError (its `cause` is what the listener threw) and the event the
 * listener was given.
 */
export type ListenerErrorHandler = (err: SioProxyError, event: ProxyEvent) => void;

/**
 * The default for a throwing listener: the error is thrown again as an uncaught exception on a
 * later turn, so that the test runner (node:test, vitest, Playwright Test) fails the test with it,
 * as an assertion in a listener must; outside a runner it ends the process loudly, as a throwing
 * EventEmitter listener would. It is thrown after every listener got the event, so one throwing
 * listener costs the others nothing.
 */
export const rethrowListenerError: ListenerErrorHandler = (err) => {
  setImmediate(() => {
    throw err;
  });
};

/** Events waiting for the listeners before the oldest are dropped. */
export const DEFAULT_MAX_QUEUE = 100_000;
/** How many of the last events a `waitFor` timeout lists. */
const RECENT = 8;

export class LiveEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  private queue: ProxyEvent[] = [];
  private scheduled = false;
  private readonly recent: ProxyEvent[] = [];
  private readonly unsubscribe: () => void;
  private readonly closers = new Set<(err: SioProxyError) => void>();
  private closed = false;
  /** Events the listeners never got because they fell behind by more than the queue holds. */
  dropped = 0;

  /**
   * `onListenerError` decides what a throwing listener leads to (default `rethrowListenerError`);
   * whatever it does, the other listeners and the later events are delivered as if nothing threw.
   */
  constructor(
    bus: EventBus,
    private readonly maxQueue = DEFAULT_MAX_QUEUE,
    private readonly onListenerError: ListenerErrorHandler = rethrowListenerError,
  ) {
    this.unsubscribe = bus.subscribe((event) => this.enqueue(event));
  }

  on(type: ProxyEventType | '*', listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  off(type: ProxyEventType | '*', listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** The last few events delivered, oldest first (for error messages). */
  lastSeen(): readonly ProxyEvent[] {
    return this.recent;
  }

  /**
   * Resolves with the first delivered event that `matches`; rejects with a TIMEOUT error after
   * `timeoutMs`, or CLOSED when the proxy closes first. `describe` says what was awaited.
   */
  next(matches: EventPredicate, timeoutMs: number, describe: string): Promise<ProxyEvent> {
    if (this.closed) return Promise.reject(new SioProxyError('CLOSED', `waitFor(${describe}): proxy closed`));
    return new Promise((resolve, reject) => {
      const listener: Listener = (event) => {
        if (!matches(event)) return;
        done();
        resolve(event);
      };
      const onClose = (err: SioProxyError) => {
        done();
        reject(err);
      };
      const timer = setTimeout(() => {
        done();
        reject(new SioProxyError('TIMEOUT', timeoutMessage(describe, timeoutMs, this.recent)));
      }, timeoutMs);
      timer.unref?.();
      const done = () => {
        clearTimeout(timer);
        this.off('*', listener);
        this.closers.delete(onClose);
      };
      this.on('*', listener);
      this.closers.add(onClose);
    });
  }

  /** Every delivered event that `matches`, from now until `close()` or the consumer's `break`. */
  async *iterate(matches: EventPredicate): AsyncGenerator<ProxyEvent, void, undefined> {
    const waiting: ProxyEvent[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const listener: Listener = (event) => {
      if (!matches(event)) return;
      waiting.push(event);
      wake?.();
    };
    const onClose = () => {
      ended = true;
      wake?.();
    };
    this.on('*', listener);
    this.closers.add(onClose);
    try {
      while (!this.closed || waiting.length) {
        if (waiting.length) {
          yield waiting.shift()!;
          continue;
        }
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    } finally {
      this.off('*', listener);
      this.closers.delete(onClose);
    }
  }

  /** Delivers what is queued, stops listening and ends every wait and iterator. */
  close(): void {
    if (this.closed) return;
    this.deliver();
    this.closed = true;
    this.unsubscribe();
    const err = new SioProxyError('CLOSED', 'the proxy was closed');
    for (const close of [...this.closers]) close(err);
    this.listeners.clear();
  }

  private enqueue(event: ProxyEvent): void {
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.deliver());
    }
  }

  private deliver(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const event of batch) {
      this.recent.push(event);
      if (this.recent.length > RECENT) this.recent.shift();
      this.call(this.listeners.get(event.type), event);
      this.call(this.listeners.get('*'), event);
    }
  }

  private report(err: SioProxyError, event: ProxyEvent): void {
    try {
      this.onListenerError(err, event);
    } catch (thrown) {
      // A handler that throws in turn is reported the default way rather than lost.
      rethrowListenerError(
        new SioProxyError('LISTENER', `onListenerError threw: ${String(thrown)}`, { cause: thrown }),
        event,
      );
    }
  }

  private call(set: Set<Listener> | undefined, event: ProxyEvent): void {
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (err) {
        const message = `a listener of ${summary(event)} (#${event.seq}) threw: ${(err as Error)?.message ?? String(err)}`;
        this.report(new SioProxyError('LISTENER', message, { cause: err }), event);
      }
    }
  }
}

function timeoutMessage(describe: string, ms: number, recent: readonly ProxyEvent[]): string {
  const seen = recent.length
    ? recent.map((e) => `  #${e.seq} ${summary(e)}`).join('\n')
    : '  (no events at all: is the client pointed at the proxy URL?)';
  return `waitFor(${describe}) timed out after ${ms} ms; the last events seen:\n${seen}`;
}

/** One event in a few words, for error messages. */
export function summary(e: ProxyEvent): string {
  const fields: string[] = [e.type];
  const r = e as unknown as Record<string, unknown>;
  for (const key of ['sessionId', 'direction', 'nsp', 'engine', 'clientKey', 'outcome', 'message'])
    if (typeof r[key] === 'string') fields.push(`${key}=${String(r[key])}`);
  const sio = r.sio as { type?: string; event?: string } | undefined;
  if (sio?.type) fields.push(sio.event ? `${sio.type} ${JSON.stringify(sio.event)}` : sio.type);
  return fields.join(' ');
}
