/**
 * The disconnect reasons of the Socket.IO docs ("Socket instance (client side)" and "(server side)"),
 * with what they mean and whether socket.io-client reconnects by itself. The panel shows these
 * next to every disconnect, so they live with the schema.
 */
export interface ReasonInfo {
  description: string;
  /** socket.io-client reconnects by itself after this reason (`socket.active` stays true). */
  reconnects: boolean;
}

export const CLIENT_REASONS: Record<string, ReasonInfo> = {
  'io server disconnect': {
    description: 'The server forcefully disconnected the socket with socket.disconnect().',
    reconnects: false,
  },
  'io client disconnect': {
    description: 'The socket was manually disconnected using socket.disconnect().',
    reconnects: false,
  },
  'ping timeout': {
    description: 'The server did not send a PING within the pingInterval + pingTimeout range.',
    reconnects: true,
  },
  'transport close': {
    description:
      'The connection was closed (example: the user has lost connection, or the network was changed).',
    reconnects: true,
  },
  'transport error': {
    description:
      'The connection has encountered an error (example: the server was killed during a HTTP long-polling cycle).',
    reconnects: true,
  },
  'forced close': {
    description: 'The client closed its Engine.IO connection itself (socket.io.engine.close()).',
    reconnects: true,
  },
};

export const SERVER_REASONS: Record<string, string> = {
  'server namespace disconnect': 'The socket was forcefully disconnected with socket.disconnect().',
  'client namespace disconnect': 'The client has manually disconnected the socket using socket.disconnect().',
  'server shutting down': 'The server is, well, shutting down.',
  'ping timeout': 'The client did not send a PONG packet in the pingTimeout delay.',
  'transport close':
    'The connection was closed (example: the user has lost connection, or the network was changed).',
  'transport error': 'The connection has encountered an error.',
  'parse error': 'The server has received an invalid packet from the client.',
  'forced close':
    'The server closed the connection (socket.conn.close()), or received an invalid packet from the client.',
  'forced server close':
    'The client did not join a namespace in time (connectTimeout) and the server closed the connection.',
};
