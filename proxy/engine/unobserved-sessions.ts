/**
 * Sessions the proxy relays but cannot observe: the target's handshake answer came in a
 * Content-Encoding this Node cannot undo, so the open packet, and with it the sid, was never read.
 * The handshake is reported once, saying why; the session's later requests carry a sid the proxy
 * never saw, and would each be reported as an unknown sid. So the first unknown sid a client sends
 * soon after such a handshake is taken as that session's, and its requests are relayed quietly.
 */
import type { IncomingMessage } from 'node:http';
import { ClientRegistry } from '../clients/client-registry.js';

/** A client sends its first request in the session's name right after the handshake answer. */
const CLAIM_WITHIN_MS = 30_000;
/** Bounds on what is remembered: clients waiting for their sid, sids known as unobserved. */
const MAX_KEPT = 1024;

export class UnobservedSessions {
  /** Unobserved handshakes not yet matched to a sid, by client fingerprint: when each was answered. */
  private readonly pending = new Map<string, number[]>();
  /** Sids of unobserved sessions, oldest first. */
  private readonly sids = new Set<string>();

  /** The target's answer to this handshake could not be read: its session will be unknown. */
  handshake(req: IncomingMessage): void {
    const fingerprint = ClientRegistry.fingerprint(req);
    const times = this.pending.get(fingerprint) ?? [];
    this.pending.delete(fingerprint); // re-inserted as the newest
    this.pending.set(fingerprint, [...times.filter(fresh), Date.now()].slice(-MAX_KEPT));
    if (this.pending.size > MAX_KEPT) this.pending.delete(this.pending.keys().next().value!);
  }

  /**
   * Whether a request for `sid`, unknown to the proxy, belongs to a session already reported as
   * unobserved: it does when an unobserved handshake of the same client is waiting for its sid.
   */
  claims(sid: string, req: IncomingMessage): boolean {
    if (this.sids.has(sid)) return true;
    if (this.pending.size === 0) return false;
    const fingerprint = ClientRegistry.fingerprint(req);
    const times = this.pending.get(fingerprint)?.filter(fresh);
    if (!times?.length) {
      this.pending.delete(fingerprint);
      return false;
    }
    times.shift();
    if (times.length) this.pending.set(fingerprint, times);
    else this.pending.delete(fingerprint);
    this.sids.add(sid);
    if (this.sids.size > MAX_KEPT) this.sids.delete(this.sids.values().next().value!);
    return true;
  }
}

function fresh(at: number): boolean {
  return Date.now() - at < CLAIM_WITHIN_MS;
}
