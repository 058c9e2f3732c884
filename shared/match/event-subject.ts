/**
 * A stream event as the matchers read it: the fields that live in different places per event type
 * (a packet's namespace is in `sio`, a connect's at the top), and the text, built once per event and
 * only when a `text` field asks.
 */
import type { ProxyEvent } from '../events.js';
import type { Matcher } from './compile.js';
import { eventText } from './event-text.js';

/** Finds the clientKey of a session: only `session` and `attempt` events carry it. */
export type ClientKeyOf = (sessionId: string) => string | undefined;

export interface EventMatchOptions {
  /** Lets `clientKey` match events that carry only a sessionId. */
  clientKeyOf?: ClientKeyOf;
  /** Prefix of the paths in errors (`match` for a rule's field). */
  path?: string;
}

export class EventSubject {
  private textCache: string | undefined;
  constructor(
    readonly event: ProxyEvent,
    private readonly clientKeyOf?: ClientKeyOf,
  ) {}

  get direction(): string | undefined {
    const e = this.event;
    return e.type === 'packet' || e.type === 'ack' ? e.direction : undefined;
  }
  get nsp(): string | undefined {
    const e = this.event;
    if (e.type === 'packet') return e.sio?.nsp;
    return 'nsp' in e ? e.nsp : undefined;
  }
  /** The Socket.IO event name: of a packet, or of the EVENT an ack answers. */
  get name(): string | undefined {
    const e = this.event;
    if (e.type === 'packet') return e.sio?.event;
    return e.type === 'ack' ? e.event : undefined;
  }
  get sessionId(): string | undefined {
    const e = this.event;
    return 'sessionId' in e ? e.sessionId : undefined;
  }
  get clientKey(): string | undefined {
    const e = this.event;
    if ('clientKey' in e) return e.clientKey;
    const sid = this.sessionId;
    return sid === undefined ? undefined : this.clientKeyOf?.(sid);
  }
  get transport(): string | undefined {
    const e = this.event;
    return e.type === 'packet' || e.type === 'session' ? e.transport : undefined;
  }
  get text(): string {
    this.textCache ??= eventText(this.event);
    return this.textCache;
  }
}

/** A matcher over subjects as a matcher over the events themselves: one subject per event tested. */
export function overEvents<E extends ProxyEvent, M>(
  inner: Matcher<EventSubject, M>,
  clientKeyOf?: ClientKeyOf,
): Matcher<E, M> {
  const subject = (e: E) => new EventSubject(e, clientKeyOf);
  return { spec: inner.spec, test: (e) => inner.test(subject(e)), explain: (e) => inner.explain(subject(e)) };
}
