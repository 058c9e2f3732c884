/**
 * A runtime validator for the event stream's schema (test-only), written by hand from
 * shared/events.ts: every event type with its required and optional fields, their types and enums.
 * It checks events as consumers read them: JSON (so `undefined` fields are absent, never `null`), as
 * the stream serialises them (a cut packet's `sio.args` is a string). Unknown fields are errors, so
 * that a field added to the code but not to shared/events.ts (or the docs) is caught.
 *
 * Keep it in step with shared/events.ts: the conformance test also checks that every example in
 * docs/event-stream.md validates, so docs, schema and this file cannot drift apart silently.
 */
import { ENGINE_PACKET_TYPES } from '../../shared/engineio.js';
import type { ProxyEventType } from '../../shared/events.js';
import { SIO_PACKET_TYPES } from '../../shared/socketio.js';

type Check = (value: unknown, path: string, errors: string[]) => void;

interface Field {
  check: Check;
  optional?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const str: Check = (v, p, e) => void (typeof v !== 'string' && e.push(`${p}: expected a string`));
const nonEmpty: Check = (v, p, e) =>
  void ((typeof v !== 'string' || v.length === 0) && e.push(`${p}: expected a non-empty string`));
const bool: Check = (v, p, e) => void (typeof v !== 'boolean' && e.push(`${p}: expected a boolean`));
const num: Check = (v, p, e) =>
  void ((typeof v !== 'number' || !Number.isFinite(v)) && e.push(`${p}: expected a finite number`));
const nonNegative: Check = (v, p, e) =>
  void ((typeof v !== 'number' || !Number.isFinite(v) || v < 0) && e.push(`${p}: expected a number >= 0`));
const int: Check = (v, p, e) =>
  void ((!Number.isSafeInteger(v) || (v as number) < 0) && e.push(`${p}: expected an integer >= 0`));
const positiveInt: Check = (v, p, e) =>
  void ((!Number.isSafeInteger(v) || (v as number) < 1) && e.push(`${p}: expected an integer >= 1`));
const any: Check = () => {};
/** `truncated` is only ever `true` (absent otherwise). */
const onlyTrue: Check = (v, p, e) => void (v !== true && e.push(`${p}: expected true (or absent)`));
const oneOf =
  (...values: readonly (string | number)[]): Check =>
  (v, p, e) =>
    void (
      !values.includes(v as string) && e.push(`${p}: ${JSON.stringify(v)} is not one of ${values.join(', ')}`)
    );
const literal = (value: string): Check => oneOf(value);
const arrayOf =
  (item: Check): Check =>
  (v, p, e) => {
    if (!Array.isArray(v)) return void e.push(`${p}: expected an array`);
    v.forEach((x, i) => item(x, `${p}[${i}]`, e));
  };
const recordOf =
  (value: Check): Check =>
  (v, p, e) => {
    if (!isObject(v)) return void e.push(`${p}: expected an object`);
    for (const [k, x] of Object.entries(v)) value(x, `${p}.${k}`, e);
  };
const either =
  (...checks: Check[]): Check =>
  (v, p, e) => {
    const all = checks.map((c) => {
      const errs: string[] = [];
      c(v, p, errs);
      return errs;
    });
    if (all.every((errs) => errs.length > 0)) e.push(all.map((errs) => errs.join('; ')).join(' | or | '));
  };
const object =
  (fields: Record<string, Field | Check>): Check =>
  (v, p, e) => {
    if (!isObject(v)) return void e.push(`${p}: expected an object`);
    for (const [name, spec] of Object.entries(fields)) {
      const { check, optional } = typeof spec === 'function' ? { check: spec, optional: false } : spec;
      if (!(name in v)) {
        if (!optional) e.push(`${p}.${name}: missing`);
        continue;
      }
      if (v[name] === undefined || v[name] === null) {
        if (!optional || v[name] === null) e.push(`${p}.${name}: is ${String(v[name])}`);
        continue;
      }
      check(v[name], `${p}.${name}`, e);
    }
    for (const name of Object.keys(v)) if (!(name in fields)) e.push(`${p}.${name}: not in the schema`);
  };
const opt = (check: Check): Field => ({ check, optional: true });

export const LEGS = ['client', 'server'] as const;
export const DIRECTIONS = ['c2s', 's2c'] as const;
export const TRANSPORTS = ['polling', 'websocket'] as const;

const leg = oneOf(...LEGS);
const direction = oneOf(...DIRECTIONS);
const transport = oneOf(...TRANSPORTS);
const headers = recordOf(either(str, arrayOf(str)));

const confidence = oneOf('certain', 'likely', 'guess');
/** What every inference carries (issue #10): how sure, and the facts it went by. */
const inference = { confidence, evidence: arrayOf(nonEmpty) };
const alternatives = {
  clientReasonAlternatives: opt(arrayOf(nonEmpty)),
  serverReasonAlternatives: opt(arrayOf(nonEmpty)),
};
const base = {
  seq: positiveInt,
  ts: nonNegative,
  importedFrom: opt(literal('har')),
  source: opt(nonEmpty),
  sourceSeq: opt(positiveInt),
};

const handshake = object({
  headers,
  query: recordOf(str),
  url: str,
  address: str,
  xdomain: bool,
  secure: bool,
  issued: num,
  time: str,
});

const sio = object({
  type: oneOf(...SIO_PACKET_TYPES),
  nsp: str,
  id: opt(int),
  event: opt(str),
  args: opt(any),
  attachments: opt(arrayOf(int)),
});

/** The fields of each event type, base fields included. */
export const EVENT_FIELDS: Record<ProxyEventType, Record<string, Field | Check>> = {
  session: {
    ...base,
    type: literal('session'),
    sessionId: nonEmpty,
    clientKey: nonEmpty,
    eio: oneOf(3, 4),
    transport,
    target: nonEmpty,
    handshake,
    open: object({
      pingInterval: nonNegative,
      pingTimeout: nonNegative,
      maxPayload: opt(nonNegative),
      upgrades: arrayOf(str),
    }),
    hiddenUpgrades: arrayOf(str),
  },
  packet: {
    ...base,
    type: literal('packet'),
    sessionId: nonEmpty,
    direction,
    transport,
    engine: oneOf(...ENGINE_PACKET_TYPES),
    size: int,
    sio: opt(sio),
    raw: opt(bool),
    data: opt(str),
    binary: opt(str),
    modified: opt(bool),
    injected: opt(bool),
    edited: opt(bool),
    original: opt(object({ nsp: str, event: opt(str), args: opt(any) })),
    truncated: opt(onlyTrue),
  },
  upgrade: {
    ...base,
    type: literal('upgrade'),
    sessionId: nonEmpty,
    leg,
    stage: oneOf('probe', 'success', 'failure'),
    reason: opt(str),
  },
  drain: { ...base, type: literal('drain'), sessionId: nonEmpty, leg },
  http: {
    ...base,
    type: literal('http'),
    sessionId: opt(nonEmpty),
    method: nonEmpty,
    url: nonEmpty,
    status: int,
    requestHeaders: headers,
    responseHeaders: headers,
    requestBody: opt(str),
    responseBody: opt(str),
    startedAt: nonNegative,
    duration: nonNegative,
    truncated: opt(onlyTrue),
  },
  close: {
    ...base,
    type: literal('close'),
    sessionId: nonEmpty,
    leg,
    first: leg,
    reason: nonEmpty,
    clientReason: nonEmpty,
    serverReason: nonEmpty,
    active: opt(bool),
    description: opt(str),
    ...inference,
    ...alternatives,
  },
  connect: {
    ...base,
    type: literal('connect'),
    sessionId: nonEmpty,
    nsp: nonEmpty,
    socketId: nonEmpty,
    recovered: bool,
    pid: opt(str),
    auth: opt(any),
  },
  connect_error: {
    ...base,
    type: literal('connect_error'),
    sessionId: nonEmpty,
    nsp: nonEmpty,
    message: str,
    data: opt(any),
  },
  disconnect: {
    ...base,
    type: literal('disconnect'),
    sessionId: nonEmpty,
    nsp: nonEmpty,
    socketId: opt(nonEmpty),
    clientReason: nonEmpty,
    serverReason: nonEmpty,
    leg,
    active: bool,
    description: str,
    ...inference,
    ...alternatives,
  },
  ack: {
    ...base,
    type: literal('ack'),
    sessionId: nonEmpty,
    nsp: nonEmpty,
    id: int,
    direction,
    event: opt(str),
    latency: nonNegative,
    eventSeq: positiveInt,
    ackSeq: positiveInt,
  },
  room: {
    ...base,
    type: literal('room'),
    action: oneOf('join', 'leave', 'group'),
    source: oneOf('admin-ui', 'inferred'),
    nsp: nonEmpty,
    room: str,
    sessionId: opt(nonEmpty),
    socketId: opt(nonEmpty),
    members: opt(arrayOf(nonEmpty)),
    own: opt(bool),
    node: opt(nonEmpty),
    confidence: opt(confidence),
    evidence: opt(arrayOf(nonEmpty)),
  },
  attempt: {
    ...base,
    type: literal('attempt'),
    clientKey: nonEmpty,
    attempt: int,
    delay: nonNegative,
    cause: opt(str),
    outcome: oneOf('connected', 'failed'),
    sessionId: opt(nonEmpty),
    error: opt(str),
    node: opt(nonEmpty),
    previousNode: opt(nonEmpty),
    ...inference,
  },
  error: {
    ...base,
    type: literal('error'),
    sessionId: opt(nonEmpty),
    message: nonEmpty,
    received: opt(str),
    truncated: opt(onlyTrue),
  },
  problem: {
    ...base,
    type: literal('problem'),
    kind: nonEmpty,
    severity: oneOf('error', 'warning'),
    title: nonEmpty,
    fix: nonEmpty,
    detail: opt(str),
    sessionId: opt(nonEmpty),
    seqs: arrayOf(positiveInt),
    ...inference,
  },
  intervention: {
    ...base,
    type: literal('intervention'),
    sessionId: opt(nonEmpty),
    action: oneOf(
      'paused',
      'forwarded',
      'edited',
      'dropped',
      'delayed',
      'injected',
      'ack',
      'fault-started',
      'fault-ended',
      'rule-hit',
      'timeout',
    ),
    ruleId: opt(nonEmpty),
    id: opt(nonEmpty),
    detail: nonEmpty,
  },
  dropped: { ...base, type: literal('dropped'), count: positiveInt, reason: nonEmpty },
  sampling: {
    ...base,
    type: literal('sampling'),
    state: oneOf('on', 'off'),
    every: positiveInt,
    since: positiveInt,
    until: int,
    counted: int,
    leftOut: int,
    counts: arrayOf(object({ sessionId: nonEmpty, direction, name: str, count: positiveInt })),
    reason: nonEmpty,
  },
  source: {
    ...base,
    type: literal('source'),
    source: nonEmpty,
    state: oneOf('up', 'gone'),
    reason: nonEmpty,
  },
};

export const EVENT_TYPES = Object.keys(EVENT_FIELDS) as ProxyEventType[];

/** Where an event type requires `sessionId` (true), allows it (false), or has none (undefined). */
export function sessionIdRule(type: ProxyEventType): 'required' | 'optional' | 'none' {
  const field = EVENT_FIELDS[type].sessionId;
  if (!field) return 'none';
  return typeof field === 'function' || !field.optional ? 'required' : 'optional';
}

/** What is wrong with `event` (empty when it conforms). */
export function validateEvent(event: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(event)) return ['the event is not an object'];
  const type = event.type as ProxyEventType;
  const fields = EVENT_FIELDS[type];
  if (!fields || !Object.hasOwn(EVENT_FIELDS, type)) return [`type ${JSON.stringify(event.type)} is unknown`];
  object(fields)(event, type, errors);
  // Type-specific rules the field checks cannot express.
  // The args of an EVENT or ACK are an array (event name first for an EVENT), unless cut to a string.
  const sioPacket = isObject(event.sio) ? event.sio : undefined;
  if (
    type === 'packet' &&
    sioPacket &&
    /EVENT|ACK/.test(String(sioPacket.type)) &&
    sioPacket.args !== undefined &&
    !Array.isArray(sioPacket.args) &&
    !(event.truncated === true && typeof sioPacket.args === 'string')
  )
    errors.push('packet.sio.args: the args of an EVENT or ACK must be an array (or a cut string)');
  if (type === 'packet' && event.truncated === true) {
    const cutValue = (v: unknown) => typeof v === 'string' && v.endsWith('…');
    const sioArgs = isObject(event.sio) ? event.sio.args : undefined;
    const binaryArgs = JSON.stringify(sioArgs ?? null).includes('"truncated":true');
    if (!cutValue(event.data) && !cutValue(event.binary) && !cutValue(sioArgs) && !binaryArgs)
      errors.push('packet: truncated, but no field ends in …');
  }
  if (
    type === 'room' &&
    event.source === 'inferred' &&
    (event.confidence === undefined || event.evidence === undefined)
  )
    errors.push('room: an inferred room carries confidence and evidence');
  if (type === 'attempt' && event.attempt === 0 && event.cause !== undefined && event.outcome === 'connected')
    errors.push('attempt: a new client (attempt 0) continues no drop, so it has no cause');
  if (type === 'ack' && typeof event.eventSeq === 'number' && typeof event.ackSeq === 'number') {
    if (!(event.eventSeq < event.ackSeq)) errors.push('ack: eventSeq must come before ackSeq');
    if (typeof event.seq === 'number' && !(event.ackSeq < event.seq))
      errors.push('ack: ackSeq must come before seq');
  }
  return errors;
}
