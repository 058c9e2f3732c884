/** The detectors, in the order they run. */
import type { Detector } from '../detector.js';
import { AckTimeout } from './ack-timeout.js';
import { AttachmentsMissing } from './attachments-missing.js';
import { BinaryBase64 } from './binary-base64.js';
import { ConnectLoop } from './connect-loop.js';
import { Cors } from './cors.js';
import { eventsDropped } from './events-dropped.js';
import { failedAttempts } from './failed-attempts.js';
import { HandledTwice } from './handled-twice.js';
import { NamespaceVoid } from './namespace-void.js';
import { PayloadTooLarge } from './payload-too-large.js';
import { ProtocolMismatch } from './protocol-mismatch.js';
import { ReconnectStorm } from './reconnect-storm.js';
import { proxyError } from './proxy-error.js';
import { refusedNamespace } from './refused-namespace.js';
import { ReservedEvent } from './reserved-event.js';
import { SlowHeartbeat } from './slow-heartbeat.js';
import { StickySession } from './sticky-session.js';
import { StuckOnPolling } from './stuck-on-polling.js';
import { upgradeFailed } from './upgrade-failed.js';
import { VolatileDropped } from './volatile-dropped.js';

/** Every detector, with fresh state. */
export function allDetectors(): Detector[] {
  return [
    proxyError,
    refusedNamespace,
    upgradeFailed,
    new PayloadTooLarge(),
    new ReservedEvent(),
    new HandledTwice(),
    failedAttempts,
    eventsDropped,
    new AckTimeout(),
    new StuckOnPolling(),
    new ProtocolMismatch(),
    new NamespaceVoid(),
    new StickySession(),
    new Cors(),
    new ConnectLoop(),
    new SlowHeartbeat(),
    new BinaryBase64(),
    new AttachmentsMissing(),
    new ReconnectStorm(),
    new VolatileDropped(),
  ];
}

/**
 * The detectors of what only a consumer of the stream sees (its own missed events): what a viewer
 * runs over a source whose events already carry the proxy's problems.
 */
export function localDetectors(): Detector[] {
  return [eventsDropped];
}
