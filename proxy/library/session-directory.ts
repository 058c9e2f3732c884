/**
 * What `proxy.sessions()` adds to the session table: each session's client key and its connected
 * namespaces, read from the events (the one place they are decided) rather than from the session's
 * internals. Entries go when the session's close event does, so it holds live sessions only.
 */
import type { ProxyEvent } from '../../shared/events.js';
import type { EventBus } from '../events/bus.js';

interface Entry {
  clientKey: string | undefined;
  namespaces: Map<string, string>;
}

export class SessionDirectory {
  private readonly entries = new Map<string, Entry>();
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus) {
    this.unsubscribe = bus.subscribe((event) => this.seen(event));
  }

  clientKey(sessionId: string): string | undefined {
    return this.entries.get(sessionId)?.clientKey;
  }

  namespaces(sessionId: string): Array<{ nsp: string; socketId: string }> {
    const entry = this.entries.get(sessionId);
    return entry ? Array.from(entry.namespaces, ([nsp, socketId]) => ({ nsp, socketId })) : [];
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }

  private seen(event: ProxyEvent): void {
    switch (event.type) {
      case 'session':
        this.entries.set(event.sessionId, { clientKey: event.clientKey, namespaces: new Map() });
        return;
      case 'attempt': {
        // A recovery pid can name another client than the handshake's pick: the attempt wins.
        const entry = event.sessionId === undefined ? undefined : this.entries.get(event.sessionId);
        if (entry) entry.clientKey = event.clientKey;
        return;
      }
      case 'connect':
        this.entries.get(event.sessionId)?.namespaces.set(event.nsp, event.socketId);
        return;
      case 'disconnect':
        this.entries.get(event.sessionId)?.namespaces.delete(event.nsp);
        return;
      case 'close':
        this.entries.delete(event.sessionId);
        return;
    }
  }
}
