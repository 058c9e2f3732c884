/** What the packet table shows in each column, from a packet event. */
import type { PacketEvent } from '../../../shared/events.js';
import { isBinaryRef } from './binary.js';
import { visibleText } from './visible-text.js';

const PREVIEW_CHARS = 300;

/** The Socket.IO column: the packet type, or why there is none. */
export function sioLabel(e: PacketEvent): string {
  if (e.sio) return e.sio.type;
  if (e.raw) return 'raw';
  // A binary event's header waits for its attachments: the packet is complete on the last one.
  if (e.engine === 'message' && typeof e.data === 'string' && /^[56]/.test(e.data)) return '(header)';
  return '';
}

/** The Event column: the event's name (control characters made visible), or an ack's id. */
export function eventLabel(e: PacketEvent): string {
  const sio = e.sio;
  if (sio?.event !== undefined) return visibleText(sio.event);
  return sio?.id !== undefined && sio.type.endsWith('ACK') ? `ack #${sio.id}` : '';
}

function compact(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (isBinaryRef(v) ? `<binary ${v.size} B>` : v)) ?? '';
}

/**
 * The args in one line: for an EVENT without its name (the event column has it), for an ACK its
 * arguments, for other packets their data. A cut payload (a string ending in `…`) is shown as is.
 */
export function argsPreview(e: PacketEvent): string {
  const sio = e.sio;
  let text: string;
  if (sio?.args !== undefined) {
    const args = sio.args;
    if (typeof args === 'string') text = args;
    else if ((sio.type === 'EVENT' || sio.type === 'BINARY_EVENT') && Array.isArray(args))
      text = args.slice(1).map(compact).join(', ');
    else text = compact(args);
  } else if (sio) {
    text = ''; // a CONNECT or DISCONNECT without payload: its data is only the packet type
  } else {
    text = e.data ?? '';
  }
  const shown = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
  return visibleText(shown);
}

/** The args as the detail pane shows them (without the event name for an EVENT). */
export function detailArgs(e: PacketEvent, args: unknown = e.sio?.args): unknown {
  const sio = e.sio;
  if ((sio?.type === 'EVENT' || sio?.type === 'BINARY_EVENT') && Array.isArray(args)) return args.slice(1);
  return args;
}
