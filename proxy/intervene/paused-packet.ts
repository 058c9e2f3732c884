/** A packet held by a pause rule: the control API's shape (shared/control.ts). */
export type { PausedPacket } from '../../shared/control.js';
