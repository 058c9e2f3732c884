/** Short labels of the problem kinds the detectors raise (shared/analysis); an unknown kind shows as itself. */
const KIND_LABEL: Readonly<Record<string, string>> = {
  error: 'proxy error',
  connect_error: 'namespace refused',
  'payload-too-large': 'payload too large',
  'payload-near-limit': 'payload near limit',
  'upgrade-failed': 'upgrade failed',
  'reserved-event': 'reserved name',
  'handled-twice': 'sent twice',
  'target-unreachable': 'target down',
  'handshake-refused': 'handshake refused',
  dropped: 'events dropped',
  'ack-timeout': 'no ACK',
  'ack-late': 'late ACK',
  'stuck-on-polling': 'stuck on polling',
  'protocol-mismatch': 'protocol mismatch',
  'namespace-void': 'namespace not connected',
  'sticky-session': 'no sticky sessions',
  cors: 'CORS',
  'connect-loop': 'connect loop',
  'slow-heartbeat': 'slow heartbeat',
  'missed-pong': 'missed pong',
  'binary-base64': 'binary as base64',
  'attachments-missing': 'attachments missing',
  'reconnect-storm': 'reconnect storm',
  'volatile-dropped': 'volatile dropped',
};

export const problemKindLabel = (kind: string): string => KIND_LABEL[kind] ?? kind;
