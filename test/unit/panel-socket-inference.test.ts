/**
 * The socket view says how sure the stream is (issue #10): a close's and a disconnect's confidence,
 * evidence and the reasons the wire cannot tell apart, and which attempt of which client the session
 * is, a guess drawn as a guess as the sidebar's chips draw it. Rendered in Node with
 * react-dom/server, asserting on what a user reads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ProxyEvent } from '../../shared/events.js';
import { ControllerContext } from '../../panel/src/app/context.js';
import { PanelController } from '../../panel/src/app/controller.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { createUiStore } from '../../panel/src/store/ui-store.js';
import { SocketFields } from '../../panel/src/views/socket/SocketFields.js';
import { Timeline } from '../../panel/src/views/socket/Timeline.js';
import { EventFactory } from '../support/panel-events.js';

/** The text a user reads: tags dropped, entities decoded. */
const text = (html: string) =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');

/** Session A of client k1, a reconnect the stream guessed, ended by a close it could not pin down. */
function guessedSession(f: EventFactory): ProxyEvent[] {
  return [
    f.session('A', 'k1'),
    f.ev({
      type: 'attempt',
      clientKey: 'k1',
      attempt: 1,
      delay: 1200,
      outcome: 'connected',
      sessionId: 'A',
      confidence: 'guess',
      evidence: ['2 clients with this fingerprint are waiting to reconnect'],
    }),
    f.ev({ type: 'connect', sessionId: 'A', nsp: '/', socketId: 'sock-1', recovered: false }),
    f.ev({
      type: 'disconnect',
      sessionId: 'A',
      nsp: '/',
      socketId: 'sock-1',
      clientReason: 'forced close',
      serverReason: 'transport close',
      leg: 'client',
      active: false,
      description: 'the client closed its connection without a DISCONNECT (41)',
      confidence: 'guess',
      evidence: ['the client closed the WebSocket first, with code 1005'],
      clientReasonAlternatives: ['transport close', 'io client disconnect'],
    }),
    f.ev({
      type: 'close',
      sessionId: 'A',
      leg: 'client',
      first: 'client',
      reason: 'forced close',
      clientReason: 'forced close',
      serverReason: 'transport close',
      active: false,
      confidence: 'guess',
      evidence: ['the client closed the WebSocket first, with code 1005'],
      clientReasonAlternatives: ['transport close', 'io client disconnect'],
    }),
  ];
}

/** What the socket view shows of session `sid`: its fields, then its lifecycle (as SocketView lays them out). */
function render(events: ProxyEvent[], sid = 'A'): string {
  const controller = new PanelController(createPanelStore(), createUiStore());
  controller.panel.getState().ingest(events);
  const { model } = controller.panel.getState();
  const session = model.sessions.get(sid);
  assert.ok(session, `session ${sid}`);
  const ns = Object.values(session.namespaces)[0];
  const attempt = model.clients.get(session.clientKey)?.attempts.find((a) => a.sessionId === sid);
  return renderToStaticMarkup(
    createElement(
      ControllerContext.Provider,
      { value: controller },
      createElement(SocketFields, { s: session, ns, attempt }),
      createElement(Timeline, { session, next: [] }),
    ),
  );
}

const items = (html: string, kind: string) =>
  [...html.matchAll(new RegExp(`<li[^>]*data-kind="${kind}"[^>]*>(.*?)</li>(?=<li|</ol>)`, 'g'))].map(
    (m) => ({ html: m[1] ?? '', text: text(m[1] ?? '') }),
  );

test('a guessed disconnect shows "guess", its evidence and the reasons the wire cannot tell apart', () => {
  const html = render(guessedSession(new EventFactory()));
  const [disconnect] = items(html, 'disconnect');
  assert.ok(disconnect, 'a disconnect line');
  assert.match(
    disconnect.text,
    /client: forced close or transport close, io client disconnect \(the wire looks the same\)/,
  );
  assert.match(disconnect.html, /class="confidence guess"[^>]*>guess</);
  assert.match(disconnect.html, /class="reasons guess"/, 'drawn as a guess, not as a fact');
  assert.match(disconnect.text, /the client closed the WebSocket first, with code 1005/);
  const [close] = items(html, 'close');
  assert.match(close?.text ?? '', /or transport close, io client disconnect/);
  assert.match(close?.html ?? '', /data-confidence="guess"/);
});

test('the session says which attempt of which client it is, and how sure the stream is of it', () => {
  const html = render(guessedSession(new EventFactory()));
  const field = html.match(/<span data-testid="session-attempt">(.*?)<\/span><\/dd>/)?.[1] ?? '';
  assert.match(text(field), /reconnect attempt #1/);
  assert.match(field, /class="confidence guess"/);
  assert.match(text(field), /2 clients with this fingerprint are waiting to reconnect/);
  // `active` came from a guessed disconnect: it says so too.
  assert.match(html, /<dt>active<\/dt><dd>false<div class="inference guess"/);
});

/** Session A connected to "/", then disconnected as `disconnect` says. */
function disconnected(disconnect: Record<string, unknown>): ProxyEvent[] {
  const f = new EventFactory();
  return [
    f.session('A', 'k1'),
    f.ev({ type: 'connect', sessionId: 'A', nsp: '/', socketId: 's', recovered: false }),
    f.ev({ type: 'disconnect', sessionId: 'A', nsp: '/', socketId: 's', ...disconnect } as never),
  ];
}

test('a certain disconnect is drawn as certain, with no alternatives; an old capture shows no badge', () => {
  const certain = render(
    disconnected({
      clientReason: 'io client disconnect',
      serverReason: 'client namespace disconnect',
      leg: 'client',
      active: false,
      description: 'socket.disconnect()',
      confidence: 'certain',
      evidence: ['a DISCONNECT (41) from the client ended the last namespace before the close'],
    }),
  );
  const [d] = items(certain, 'disconnect');
  assert.match(d?.html ?? '', /class="confidence certain"[^>]*>certain</);
  assert.doesNotMatch(d?.html ?? '', /reason-alternatives|guess/);
  const old = render(
    disconnected({
      clientReason: 'transport close',
      serverReason: 'transport close',
      leg: 'server',
      active: true,
      description: 'cut',
    }),
  );
  assert.doesNotMatch(old, /data-testid="inference"/, 'no confidence claimed where the stream gave none');
});

test("the client's next attempt after the session, when guessed, is drawn and labelled as a guess", () => {
  const controller = new PanelController(createPanelStore(), createUiStore());
  const f = new EventFactory();
  controller.panel.getState().ingest(guessedSession(f));
  const session = controller.panel.getState().model.sessions.get('A');
  assert.ok(session);
  const next = {
    seq: 99,
    ts: session.startedAt + 3000,
    attempt: 2,
    delay: 1500,
    outcome: 'connected' as const,
    sessionId: 'B',
    confidence: 'guess' as const,
    evidence: ['which one this is cannot be told from the wire'],
  };
  const html = renderToStaticMarkup(
    createElement(
      ControllerContext.Provider,
      { value: controller },
      createElement(Timeline, { session, next: [next] }),
    ),
  );
  const [line] = items(html, 'next-attempt');
  assert.match(html, /class="tl-item attempt good guess"/);
  assert.match(line?.html ?? '', /class="confidence guess"[^>]*>guess</);
  assert.match(line?.text ?? '', /which one this is cannot be told from the wire/);
});
