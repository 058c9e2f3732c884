/** Socket.IO packet decoding: see the protocol core, shared/protocol/socketio.ts. */
export * from './protocol/socketio.js';
