/**
 * Component tests for the panel's presentational views, rendered in Node with react-dom/server (no
 * DOM): the hex dump, the JSON tree, the sparkline, the connection attempt chips, and the lifecycle
 * timeline with the disconnect reasons. They assert on what a user sees: text,
 * titles, classes and test ids. Views that read the stores get the app's controller context.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createStore } from 'zustand/vanilla';
import { CLIENT_REASONS, SERVER_REASONS } from '../../shared/disconnect-reasons.js';
import type { ProxyEvent } from '../../shared/events.js';
import { ControllerContext } from '../../panel/src/app/context.js';
import { PanelController } from '../../panel/src/app/controller.js';
import type { AttemptView } from '../../panel/src/store/model.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { createUiStore, type UiState } from '../../panel/src/store/ui-store.js';
import { HexDump } from '../../panel/src/views/detail/HexDump.js';
import { JsonTree } from '../../panel/src/views/detail/JsonTree.js';
import { AttemptChips } from '../../panel/src/views/sidebar/AttemptChips.js';
import { Sparkline } from '../../panel/src/views/Sparkline.js';
import { Timeline } from '../../panel/src/views/socket/Timeline.js';
import { EventFactory, T0 } from '../support/panel-events.js';

/** The text a user reads: tags dropped, entities decoded. */
function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The inner HTML of every element with `class="<cls>"` (exactly that class list) that has no nested element. */
function texts(html: string, cls: string): string[] {
  const re = new RegExp(`<(\\w+) class="${cls}"[^>]*>([^<]*)</\\1>`, 'g');
  return [...html.matchAll(re)].map((m) => text(m[2] ?? ''));
}

/** Every opening tag with `data-testid="<id>"`. */
function tagsWithTestId(html: string, id: string): string[] {
  return html.match(new RegExp(`<\\w+[^>]*data-testid="${id}"[^>]*>`, 'g')) ?? [];
}

function controllerFor(events: readonly ProxyEvent[] = []): PanelController {
  const controller = new PanelController(createPanelStore(), createUiStore());
  if (events.length) controller.panel.getState().ingest(events);
  return controller;
}

function renderWith(controller: PanelController, element: ReactElement): string {
  return renderToStaticMarkup(createElement(ControllerContext.Provider, { value: controller }, element));
}

const b64 = (bytes: number[] | string) => Buffer.from(bytes as never).toString('base64');

// ---------------------------------------------------------------------------------------------- HexDump

test('the hex dump shows offset, hex bytes in groups of 8 and printable ASCII, 16 bytes a line', () => {
  const bytes = [...Buffer.from('hello world, thi'), ...Buffer.from('s is bin'), 0x00, 0x01, 0x7f, 0xff];
  const html = renderToStaticMarkup(
    createElement(HexDump, { title: 'args[1]', base64: b64(bytes), size: bytes.length }),
  );
  assert.equal(tagsWithTestId(html, 'hex-dump').length, 1);
  assert.deepEqual(texts(html, 'hex-title'), ['args[1] · 28 B']);
  assert.deepEqual(texts(html, 'hex-off'), ['00000000', '00000010']);
  const hex = texts(html, 'hex-bytes');
  assert.equal(hex[0], '68 65 6c 6c 6f 20 77 6f  72 6c 64 2c 20 74 68 69');
  // The short last line is padded to the full width so the ASCII column lines up.
  assert.equal(hex[1]?.trimEnd(), '73 20 69 73 20 62 69 6e  00 01 7f ff');
  assert.equal(hex[1]?.length, hex[0]?.length);
  assert.deepEqual(texts(html, 'hex-ascii'), ['hello world, thi', 's is bin....']);
  assert.doesNotMatch(html, /show more/);
  assert.doesNotMatch(html, /were kept by the stream/);
});

test('the hex dump says when the stream kept only part of the payload', () => {
  const html = renderToStaticMarkup(
    createElement(HexDump, { title: 'attachment', base64: b64('abcdefgh'), size: 20 * 1024 }),
  );
  assert.match(text(html), /attachment · 20 kB · only the first 8 B were kept by the stream/);
  assert.match(html, /<span class="warn">/);
});

test('the hex dump shows the first 4 KB and offers the rest', () => {
  const bytes = Array.from({ length: 5000 }, (_, i) => i % 256);
  const html = renderToStaticMarkup(createElement(HexDump, { title: 'big', base64: b64(bytes), size: 5000 }));
  const offsets = texts(html, 'hex-off');
  assert.equal(offsets.length, 4096 / 16);
  assert.equal(offsets.at(-1), (4096 - 16).toString(16).padStart(8, '0'));
  assert.match(text(html), /big · 4\.9 kB/);
  assert.match(text(html), /show more \(904 B left\)/);
});

test('the hex dump of an empty payload has a title and no lines', () => {
  const html = renderToStaticMarkup(createElement(HexDump, { title: 'empty', base64: '', size: 0 }));
  assert.match(text(html), /empty · 0 B/);
  assert.deepEqual(texts(html, 'hex-off'), []);
});

// --------------------------------------------------------------------------------------------- JsonTree

test('the JSON tree opens two levels and shows deeper objects and arrays as collapsed summaries', () => {
  const value = ['chat', { user: { name: 'ann', tags: ['a', 'b'] }, n: 3, ok: true, none: null }];
  const html = renderToStaticMarkup(createElement(JsonTree, { value }));
  assert.equal(tagsWithTestId(html, 'json-tree').length, 1);
  const summaries = texts(html, 'j-summary');
  // Root (open), args[1] (open), user (depth 2: collapsed, its keys not shown).
  assert.deepEqual(summaries, ['Array(2)', '{user, n, ok, none}', '{name, tags}']);
  assert.deepEqual(texts(html, 'j-caret'), ['▾', '▾', '▸']);
  assert.deepEqual(texts(html, 'j-key'), ['0: ', '1: ', 'user: ', 'n: ', 'ok: ', 'none: ']);
  assert.deepEqual(texts(html, 'j-str'), ['"chat"']);
  assert.deepEqual(texts(html, 'j-num'), ['3']);
  assert.deepEqual(texts(html, 'j-bool'), ['true']);
  assert.deepEqual(texts(html, 'j-null'), ['null']);
  assert.doesNotMatch(text(html), /ann/, 'the collapsed level hides its values');
  // Nesting is shown by indentation, 12px a level.
  assert.match(html, /padding-left:24px"><span class="j-caret">▸<\/span><span class="j-key">user: /);
});

test('the JSON tree shows binary attachments as <binary N B>, not as objects', () => {
  const value = [{ file: { _binary: b64('abc'), size: 3 } }, { _binary: '', size: 1048576 }];
  const html = renderToStaticMarkup(createElement(JsonTree, { value }));
  assert.deepEqual(texts(html, 'j-bin'), ['<binary 3 B>', '<binary 1048576 B>']);
  assert.doesNotMatch(text(html), /_binary/);
  assert.deepEqual(texts(html, 'j-summary'), ['Array(2)', '{file}']);
});

test('the JSON tree collapses objects with many keys and summarizes their first four keys', () => {
  const big = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i]));
  const html = renderToStaticMarkup(createElement(JsonTree, { value: { big } }));
  assert.deepEqual(texts(html, 'j-summary'), ['{big}', '{k0, k1, k2, k3, …}']);
  assert.deepEqual(texts(html, 'j-caret'), ['▾', '▸']);
  assert.deepEqual(texts(html, 'j-num'), []);
});

test('the JSON tree collapses long arrays to their length', () => {
  const html = renderToStaticMarkup(
    createElement(JsonTree, { value: Array.from({ length: 250 }, (_, i) => i) }),
  );
  assert.deepEqual(texts(html, 'j-summary'), ['Array(250)']);
  assert.deepEqual(texts(html, 'j-caret'), ['▸']);
  assert.deepEqual(texts(html, 'j-num'), []);
});

test('the JSON tree renders a scalar root', () => {
  assert.equal(text(renderToStaticMarkup(createElement(JsonTree, { value: 'hi "you"' }))), '"hi \\"you\\""');
  assert.equal(text(renderToStaticMarkup(createElement(JsonTree, { value: 42 }))), '42');
});

// -------------------------------------------------------------------------------------------- Sparkline

test('the sparkline is a labelled SVG whose line spans the width and peaks at the maximum', () => {
  const html = renderToStaticMarkup(
    createElement(Sparkline, { values: [0, 5, 10], width: 100, height: 50, label: 'packets per second' }),
  );
  assert.match(html, /<svg[^>]*role="img"[^>]*aria-label="packets per second"/);
  assert.match(html, /viewBox="0 0 100 50"/);
  const line = /<polyline class="spark-line" points="([^"]*)"/.exec(html)?.[1];
  assert.equal(line, '0.0,48.0 50.0,25.0 100.0,2.0');
  assert.match(html, /<polygon class="spark-area" points="0,50 0\.0,48\.0 50\.0,25\.0 100\.0,2\.0 100,50"/);
});

// ----------------------------------------------------------------------------------------- AttemptChips

function attempt(a: Partial<AttemptView> & Pick<AttemptView, 'attempt' | 'outcome'>): AttemptView {
  return { seq: 100 + a.attempt, ts: T0 + a.attempt * 1000, delay: 0, ...a };
}

/** Each chip's opening tag and its text. */
function chips(html: string): { tag: string; text: string }[] {
  return [...html.matchAll(/(<button[^>]*data-testid="attempt-chip"[^>]*>)(.*?)<\/button>/g)].map((m) => ({
    tag: m[1] ?? '',
    text: text(m[2] ?? ''),
  }));
}

test('attempt chips show the number, delay, cause (once a run) and success or failure', () => {
  const attempts = [
    attempt({ attempt: 0, outcome: 'connected', sessionId: 'A' }),
    attempt({ attempt: 1, outcome: 'failed', delay: 500, cause: 'transport close', error: 'ECONNREFUSED' }),
    attempt({ attempt: 2, outcome: 'failed', delay: 1000, cause: 'transport close' }),
    attempt({ attempt: 3, outcome: 'connected', delay: 2500, cause: 'ping timeout', sessionId: 'B' }),
  ];
  const html = renderWith(controllerFor(), createElement(AttemptChips, { attempts }));
  const c = chips(html);
  assert.deepEqual(
    c.map((x) => x.text),
    ['#0✓', '#1transport close500 ms✗', '#21.0 s✗', '#3ping timeout2.5 s✓'],
  );
  assert.deepEqual(
    c.map((x) => /data-outcome="(\w+)"/.exec(x.tag)?.[1]),
    ['connected', 'failed', 'failed', 'connected'],
  );
  assert.match(c[0]?.tag ?? '', /class="attempt ok"/);
  assert.match(c[1]?.tag ?? '', /class="attempt failed"/);
  // The tooltip says it all, the cause included where the chip leaves it out.
  assert.match(
    c[0]?.tag ?? '',
    /title="first connection\nat \d\d:\d\d:\d\d\.\d{3}\nconnected \(session A\)"/,
  );
  assert.match(
    c[2]?.tag ?? '',
    /title="reconnect attempt 2\nat [\d:.]+\nafter 1\.0 s\ncause: transport close\nfailed"/,
  );
  assert.match(c[1]?.tag ?? '', /failed: ECONNREFUSED"/);
  assert.doesNotMatch(html, /failures in a row/);
  assert.doesNotMatch(html, /aria-label="recovered"/);
});

test('attempt chips flag a reconnect loop and fold old attempts into +N', () => {
  const attempts = [
    attempt({ attempt: 0, outcome: 'connected', sessionId: 'A' }),
    ...Array.from({ length: 14 }, (_, i) =>
      attempt({ attempt: i + 1, outcome: 'failed', delay: 5000, cause: 'transport error' }),
    ),
  ];
  const html = renderWith(controllerFor(), createElement(AttemptChips, { attempts }));
  const c = chips(html);
  assert.equal(c.length, 12);
  assert.equal(c[0]?.text, '#3transport error5.0 s✗', 'the first shown chip starts the run of causes');
  assert.equal(c[1]?.text, '#45.0 s✗');
  assert.match(text(html), /^\+3#3/);
  assert.equal(tagsWithTestId(html, 'reconnect-loop').length, 1);
  assert.match(text(html), /14 failures in a row$/);
});

test('attempt chips render nothing without attempts', () => {
  assert.equal(renderWith(controllerFor(), createElement(AttemptChips, { attempts: [] })), '');
});

test('an attempt whose session recovered its state is marked R', () => {
  const f = new EventFactory();
  const controller = controllerFor([
    f.session('B', 'k1'),
    f.ev({ type: 'connect', sessionId: 'B', nsp: '/', socketId: 'sock-1', recovered: true }),
  ]);
  const attempts = [attempt({ attempt: 1, outcome: 'connected', delay: 1000, sessionId: 'B' })];
  const html = renderWith(controller, createElement(AttemptChips, { attempts }));
  const [chip] = chips(html);
  assert.match(chip?.tag ?? '', /class="attempt ok recovered"/);
  assert.match(chip?.tag ?? '', /state recovered \(connection state recovery\)"/);
  assert.equal(chip?.text, '#11.0 s✓R');
  assert.match(html, /<span class="rec" aria-label="recovered">R<\/span>/);
});

// --------------------------------------------------------------------------------------------- Timeline

/** A session A: handshake, connect and a drain, upgrade, heartbeats, then a disconnect and both closes. */
function endedSession(
  f: EventFactory,
  reasons: { clientReason: string; serverReason: string; active: boolean; leg: 'client' | 'server' },
): ProxyEvent[] {
  return [
    f.session('A', 'k1'),
    f.ev({ type: 'connect', sessionId: 'A', nsp: '/', socketId: 'sock-1', recovered: false, pid: 'p1' }),
    f.ev({ type: 'drain', sessionId: 'A', leg: 'client' }),
    f.ev({ type: 'upgrade', sessionId: 'A', leg: 'client', stage: 'probe' }),
    f.ev({ type: 'upgrade', sessionId: 'A', leg: 'client', stage: 'success' }),
    f.heartbeat('A', 'ping', 's2c'),
    f.emit('A', 'c2s', 'chat', ['hi']),
    f.heartbeat('A', 'pong', 'c2s'),
    f.ev({
      type: 'disconnect',
      sessionId: 'A',
      nsp: '/',
      socketId: 'sock-1',
      ...reasons,
      description: 'what the proxy saw',
    }),
    f.ev({
      type: 'close',
      sessionId: 'A',
      leg: reasons.leg,
      first: reasons.leg,
      reason: reasons.leg === 'server' ? reasons.serverReason : reasons.clientReason,
      clientReason: reasons.clientReason,
      serverReason: reasons.serverReason,
    }),
  ];
}

function renderTimeline(events: ProxyEvent[], next: AttemptView[] = []) {
  const controller = controllerFor(events);
  const session = controller.panel.getState().model.sessions.get('A');
  assert.ok(session);
  const html = renderWith(controller, createElement(Timeline, { session, next }));
  const items = [...html.matchAll(/<li[^>]*data-kind="([\w-]+)"[^>]*>(.*?)<\/li>/g)].map((m) => ({
    kind: m[1],
    text: text(m[2] ?? ''),
  }));
  return { html, items };
}

test('the timeline lists the lifecycle in order, heartbeats folded and drains counted on the line before', () => {
  const f = new EventFactory();
  const { html, items } = renderTimeline(
    endedSession(f, {
      clientReason: 'transport close',
      serverReason: 'forced server close',
      active: true,
      leg: 'server',
    }),
  );
  assert.equal(tagsWithTestId(html, 'timeline').length, 1);
  assert.deepEqual(
    items.map((i) => i.kind),
    ['handshake', 'connect', 'upgrade', 'upgrade', 'quiet', 'disconnect', 'close'],
  );
  assert.match(items[0]?.text ?? '', /^\+0\.000 shandshake over polling#1$/);
  // A drain alone is a count on the line before it, not a line of its own.
  assert.match(items[1]?.text ?? '', /^\+0\.001 sconnect \/ as sock-1 · 1 drain#2$/);
  assert.match(items[2]?.text ?? '', /upgrade probe \(client leg\)/);
  assert.match(items[3]?.text ?? '', /upgrade success \(client leg\)/);
  assert.match(html, /class="tl-item upgrade good"/);
  assert.match(items[4]?.text ?? '', /^\+0\.00\d s1 ping, 1 pong over 2 ms$/);
  assert.match(html, /class="tl-item quiet quiet"/);
});

test('a disconnect that socket.io-client recovers from: both reasons explained, "reconnects by itself"', () => {
  const f = new EventFactory();
  const { items } = renderTimeline(
    endedSession(f, {
      clientReason: 'transport close',
      serverReason: 'forced server close',
      active: true,
      leg: 'server',
    }),
  );
  const disconnect = items.find((i) => i.kind === 'disconnect')?.text ?? '';
  assert.match(disconnect, /disconnect \/, started by the server leg/);
  assert.match(disconnect, /what the proxy saw/);
  assert.ok(
    disconnect.includes(`client: transport close — ${CLIENT_REASONS['transport close']?.description}`),
  );
  assert.ok(disconnect.includes(`server: forced server close — ${SERVER_REASONS['forced server close']}`));
  assert.match(disconnect, /socket\.io-client reconnects by itself/);
  assert.doesNotMatch(disconnect, /does not reconnect/);
  const close = items.find((i) => i.kind === 'close')?.text ?? '';
  assert.match(close, /server leg closed: forced server close \(the server leg ended first\)/);
  assert.match(close, /reconnects by itself/, 'the leg that ended first explains the reasons too');
});

test('a disconnect by the server: "does not reconnect by itself: the app must call socket.connect()"', () => {
  const f = new EventFactory();
  const { html, items } = renderTimeline(
    endedSession(f, {
      clientReason: 'io server disconnect',
      serverReason: 'server namespace disconnect',
      active: false,
      leg: 'server',
    }),
  );
  const disconnect = items.find((i) => i.kind === 'disconnect')?.text ?? '';
  assert.ok(
    disconnect.includes(
      `client: io server disconnect — ${CLIENT_REASONS['io server disconnect']?.description}`,
    ),
  );
  assert.ok(
    disconnect.includes(
      `server: server namespace disconnect — ${SERVER_REASONS['server namespace disconnect']}`,
    ),
  );
  assert.match(
    disconnect,
    /socket\.io-client does not reconnect by itself: the app must call socket\.connect\(\)/,
  );
  assert.match(html, /<div class="warn">socket\.io-client does not reconnect by itself/);
});

test('a reason outside the documented vocabularies is shown as is, with no reconnect verdict', () => {
  const f = new EventFactory();
  const { items } = renderTimeline(
    endedSession(f, { clientReason: 'made up', serverReason: 'also made up', active: true, leg: 'client' }),
  );
  const disconnect = items.find((i) => i.kind === 'disconnect')?.text ?? '';
  assert.match(disconnect, /started by the client leg/);
  assert.match(disconnect, /client: made up/);
  assert.match(disconnect, /server: also made up/);
  assert.doesNotMatch(disconnect, / — /);
  assert.doesNotMatch(disconnect, /reconnect/);
});

test("the timeline ends with the client's next attempts: delay, cause, outcome and the new session", () => {
  const f = new EventFactory();
  const events = endedSession(f, {
    clientReason: 'transport close',
    serverReason: 'transport close',
    active: true,
    leg: 'client',
  });
  const end = f.ts;
  const next = [
    attempt({ attempt: 1, outcome: 'failed', delay: 500, cause: 'transport close', error: 'ECONNREFUSED' }),
    attempt({
      attempt: 2,
      outcome: 'connected',
      delay: 1000,
      cause: 'transport close',
      sessionId: 'B123456789xyz',
    }),
  ].map((a, i) => ({ ...a, ts: end + (i + 1) * 1000 }));
  const { items } = renderTimeline(events, next);
  const attempts = items.filter((i) => i.kind === 'next-attempt');
  assert.equal(attempts.length, 2);
  assert.match(
    attempts[0]?.text ?? '',
    /reconnect attempt #1 after 500 ms \(cause: transport close\) — failed: ECONNREFUSED$/,
  );
  assert.match(
    attempts[1]?.text ?? '',
    /reconnect attempt #2 after 1\.0 s \(cause: transport close\) — connected as session B123456789$/,
  );
});

test('a guessed attempt is drawn as a guess, its evidence in the tooltip, and "no guesses" hides it', () => {
  const attempts = [
    attempt({ attempt: 0, outcome: 'connected', sessionId: 'A', confidence: 'likely', evidence: ['new'] }),
    attempt({
      attempt: 1,
      outcome: 'connected',
      sessionId: 'B',
      cause: 'transport close',
      confidence: 'guess',
      evidence: ['2 clients with this fingerprint are waiting to reconnect'],
    }),
  ];
  const controller = controllerFor();
  const c = chips(renderWith(controller, createElement(AttemptChips, { attempts })));
  assert.doesNotMatch(c[0]?.tag ?? '', /guess/);
  assert.match(c[1]?.tag ?? '', /class="attempt ok guess"/);
  assert.match(c[1]?.text ?? '', /guess$/);
  assert.match(
    c[1]?.tag ?? '',
    /title="[^"]*guess: 2 clients with this fingerprint are waiting to reconnect/,
  );
  // Server rendering reads a store's initial state: start one with the toggle on.
  const hiding = new PanelController(
    createPanelStore(),
    createStore<UiState>()(() => ({ ...createUiStore().getState(), hideGuesses: true })),
  );
  const hidden = chips(renderWith(hiding, createElement(AttemptChips, { attempts })));
  assert.deepEqual(
    hidden.map((x) => /data-attempt="(\d+)"/.exec(x.tag)?.[1]),
    ['0'],
  );
});
