/**
 * The text filter over payloads the stream cut: the packet store counts cut rows, the filter lets
 * through rows the source found in full payloads (store -> selector), the filter bar's note says what
 * was searched, and the driver (source -> store) asks the source only when there is something to
 * find, debounced, the latest text winning, with follow-up rounds for cut packets that arrive later.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serializeEvent } from '../../proxy/stream/serialize.js';
import type { PacketEvent, ProxyEvent } from '../../shared/events.js';
import type { EventSource, SearchAnswer, SearchQuery } from '../../panel/src/source/event-source.js';
import { attachFullSearch } from '../../panel/src/source/full-search-driver.js';
import { compileFilter, EMPTY_FILTER, packetText } from '../../panel/src/store/filter.js';
import { FilteredPackets } from '../../panel/src/store/filtered-view.js';
import { fullSearchNote, type FullSearch } from '../../panel/src/store/full-search.js';
import { PacketStore } from '../../panel/src/store/packet-store.js';
import { createPanelStore, type PanelStore } from '../../panel/src/store/panel-store.js';
import { createUiStore, type UiStore } from '../../panel/src/store/ui-store.js';
import { sleep } from '../support/harness.js';
import { EventFactory } from '../support/panel-events.js';

const NEEDLE = 'needle-7f3a';

/** The event as the panel gets it from the stream: payloads past 4 KB cut, `truncated` set. */
const asStreamed = (e: ProxyEvent): PacketEvent => JSON.parse(serializeEvent(e, 4096).json) as PacketEvent;

/** A 10 KB message with NEEDLE at character 10 000 of its args' JSON, cut as the stream cuts it. */
function longMessage(f: EventFactory, sid = 'S'): PacketEvent {
  return asStreamed(f.emit(sid, 'c2s', 'save', [{ text: `${'x'.repeat(9_983)}${NEEDLE}` }]));
}

function search(text: string, seqs: number[], rev = 1): FullSearch {
  return {
    text,
    state: 'done',
    seqs: new Set(seqs),
    throughSeq: 1e9,
    searched: seqs.length,
    evicted: 0,
    rev,
  };
}

const visibleSeqs = (view: FilteredPackets) =>
  Array.from({ length: view.length }, (_, i) => view.at(i)?.e.seq);

describe('cut packets in the store and the filter', () => {
  test('the packet store counts the cut rows it holds, and the newest one', () => {
    const f = new EventFactory();
    const store = new PacketStore({ maxPackets: 3, maxCost: Infinity });
    const a = longMessage(f);
    store.add(a);
    store.add(f.emit('S', 'c2s', 'small', [1]));
    const b = longMessage(f);
    store.add(b);
    assert.equal(store.truncated, 2);
    assert.equal(store.lastTruncatedSeq, b.seq);
    store.add(f.emit('S', 'c2s', 'small', [2])); // evicts `a`
    assert.equal(store.truncated, 1);
    store.clear();
    assert.equal(store.truncated, 0);
    assert.equal(store.lastTruncatedSeq, 0);
  });

  test("the preview alone misses the needle; the source's answer lets the row through", () => {
    const f = new EventFactory();
    const store = new PacketStore();
    const long = longMessage(f);
    const other = longMessage(f);
    store.add(long);
    store.add(other);
    store.add(f.emit('S', 's2c', 'said', [`short ${NEEDLE}`]));
    assert.equal(long.truncated, true);
    assert.ok(!packetText(store.bySeq(long.seq)!).includes(NEEDLE), 'the preview does not hold it');

    const view = new FilteredPackets();
    const filter = { ...EMPTY_FILTER, text: NEEDLE };
    view.update(store, compileFilter(filter));
    assert.deepEqual(visibleSeqs(view), [3], 'only the short message, from its own text');

    const found = compileFilter(filter, search(NEEDLE, [long.seq]));
    assert.equal(view.update(store, found), true, 'a new answer is a new filter');
    assert.deepEqual(visibleSeqs(view), [long.seq, 3]);
    // The answer holds for its own text only, and other filters still apply.
    view.update(store, compileFilter({ ...filter, text: 'other' }, search(NEEDLE, [long.seq])));
    assert.deepEqual(visibleSeqs(view), []);
    view.update(store, compileFilter({ ...filter, direction: 's2c' }, search(NEEDLE, [long.seq])));
    assert.deepEqual(visibleSeqs(view), [3]);
  });

  test("the filter key changes with the answer's seqs, not while it is pending or empty", () => {
    const filter = { ...EMPTY_FILTER, text: NEEDLE };
    const plain = compileFilter(filter).key;
    const pending: FullSearch = { ...search(NEEDLE, []), state: 'searching' };
    assert.equal(compileFilter(filter, pending).key, plain);
    assert.equal(compileFilter(filter, search(NEEDLE, [])).key, plain);
    const one = compileFilter(filter, search(NEEDLE, [5], 1)).key;
    const two = compileFilter(filter, search(NEEDLE, [5, 9], 2)).key;
    assert.notEqual(one, plain);
    assert.notEqual(two, one);
  });
});

describe("the filter bar's note", () => {
  test('says nothing without a text filter, without cut packets, or with an invalid regex', () => {
    assert.equal(fullSearchNote('', undefined, 3, undefined), undefined);
    assert.equal(fullSearchNote('abc', undefined, 0, undefined), undefined);
    assert.equal(fullSearchNote('/(/', 'invalid regex: …', 3, undefined), undefined);
  });

  test('says what was searched, and where', () => {
    assert.deepEqual(fullSearchNote('abc', undefined, 12, undefined), {
      text: '12 long payloads searched in their first 4 KB only',
      whole: false,
    });
    const pending: FullSearch = { ...search('abc', []), state: 'searching', searched: 0 };
    assert.deepEqual(fullSearchNote(' abc ', undefined, 1, pending), {
      text: 'searching 1 long payload in full on the proxy…',
      whole: true,
    });
    assert.deepEqual(fullSearchNote('abc', undefined, 3, { ...search('abc', [1]), searched: 3 }), {
      text: '3 long payloads searched in full on the proxy',
      whole: true,
    });
    assert.deepEqual(fullSearchNote('abc', undefined, 5, { ...search('abc', []), searched: 3, evicted: 2 }), {
      text: '3 long payloads searched in full on the proxy; 2 long payloads no longer held there, searched in their first 4 KB only',
      whole: false,
    });
    const failed: FullSearch = { ...search('abc', []), state: 'failed', error: 'HTTP 404' };
    assert.deepEqual(fullSearchNote('abc', undefined, 2, failed), {
      text: "2 long payloads searched in their first 4 KB only: the proxy's search failed (HTTP 404)",
      whole: false,
    });
    assert.match(fullSearchNote('other', undefined, 2, search('abc', []))!.text, /first 4 KB only/);
  });
});

/** A source whose search the test answers by hand. */
class FakeSource implements EventSource {
  readonly info = { kind: 'live' as const, label: 'fake' };
  readonly calls: {
    query: SearchQuery;
    signal: AbortSignal;
    answer(a: SearchAnswer): void;
    fail(e: Error): void;
  }[] = [];
  connect(): void {}
  close(): void {}
  search(query: SearchQuery, signal: AbortSignal): Promise<SearchAnswer> {
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      this.calls.push({ query, signal, answer: resolve, fail: reject });
    });
  }
}

const TIMING = { debounceMs: 20, followMs: 40 };

function setup(source: EventSource = new FakeSource()) {
  const panel: PanelStore = createPanelStore();
  const ui: UiStore = createUiStore();
  const f = new EventFactory();
  const stop = attachFullSearch(source, panel, ui, TIMING);
  const type = (text: string) => ui.getState().setFilter({ text });
  return { panel, ui, f, stop, type };
}

describe('the full-search driver', () => {
  test('asks nothing while no packet is cut, whatever the filter', async () => {
    const source = new FakeSource();
    const { panel, f, type, stop } = setup(source);
    panel.getState().ingest([f.session('S', 'k'), f.emit('S', 'c2s', 'small', [NEEDLE])]);
    type(NEEDLE);
    await sleep(TIMING.debounceMs * 3);
    assert.equal(source.calls.length, 0);
    assert.equal(panel.getState().search, undefined);
    stop();
  });

  test('asks once the typing stops, for the cut seqs held; the answer enters the store and the filter', async () => {
    const source = new FakeSource();
    const { panel, ui, f, type, stop } = setup(source);
    panel.getState().ingest([f.session('S', 'k')]);
    const long = longMessage(f);
    panel.getState().ingest([long, f.emit('S', 'c2s', 'small', [1])]);
    for (const text of ['n', 'ne', 'nee', NEEDLE]) {
      type(text);
      await sleep(2);
    }
    assert.equal(panel.getState().search?.state, 'searching', 'pending from the first keystroke');
    await sleep(TIMING.debounceMs * 3);
    assert.equal(source.calls.length, 1, 'one request for the last text');
    const call = source.calls[0]!;
    assert.deepEqual(call.query, { text: NEEDLE, from: 2, to: long.seq });
    call.answer({ seqs: [long.seq], searched: 1, evicted: 0 });
    await sleep(0);
    const found = panel.getState().search!;
    assert.equal(found.state, 'done');
    assert.deepEqual([...found.seqs], [long.seq]);
    const view = new FilteredPackets();
    view.update(panel.getState().model.packets, compileFilter(ui.getState().filter, found));
    assert.deepEqual(visibleSeqs(view), [long.seq]);
    assert.equal(
      fullSearchNote(NEEDLE, undefined, panel.getState().model.packets.truncated, found)?.text,
      '1 long payload searched in full on the proxy',
    );
    stop();
  });

  test('a new text cancels the request in flight; the latest text wins', async () => {
    const source = new FakeSource();
    const { panel, f, type, stop } = setup(source);
    panel.getState().ingest([f.session('S', 'k'), longMessage(f)]);
    type('first');
    await sleep(TIMING.debounceMs * 3);
    assert.equal(source.calls.length, 1);
    type('second');
    assert.equal(source.calls[0]!.signal.aborted, true, 'cancelled when the filter changed');
    source.calls[0]!.answer({ seqs: [2], searched: 1, evicted: 0 }); // too late: ignored
    await sleep(TIMING.debounceMs * 3);
    assert.equal(source.calls.length, 2);
    assert.equal(source.calls[1]!.query.text, 'second');
    assert.equal(panel.getState().search?.text, 'second');
    assert.equal(panel.getState().search?.seqs.size, 0);
    type('');
    assert.equal(source.calls[1]!.signal.aborted, true);
    assert.equal(panel.getState().search, undefined, 'no text: no search');
    stop();
  });

  test('cut packets that arrive later are asked about in a follow-up round, over their seqs alone', async () => {
    const source = new FakeSource();
    const { panel, f, type, stop } = setup(source);
    panel.getState().ingest([f.session('S', 'k')]);
    const first = longMessage(f);
    panel.getState().ingest([first]);
    type(NEEDLE);
    await sleep(TIMING.debounceMs * 3);
    source.calls[0]!.answer({ seqs: [first.seq], searched: 1, evicted: 0 });
    await sleep(0);
    panel.getState().ingest([f.emit('S', 's2c', 'small', [1])]);
    const second = longMessage(f);
    panel.getState().ingest([second]);
    await sleep(TIMING.followMs * 3);
    assert.equal(source.calls.length, 2);
    assert.deepEqual(source.calls[1]!.query, { text: NEEDLE, from: first.seq + 1, to: second.seq });
    source.calls[1]!.answer({ seqs: [second.seq], searched: 0, evicted: 1 });
    await sleep(0);
    const s = panel.getState().search!;
    assert.deepEqual([...s.seqs], [first.seq, second.seq]);
    assert.equal(s.searched, 1);
    assert.equal(s.evicted, 1);
    assert.equal(s.throughSeq, second.seq);
    stop();
  });

  test('an invalid regex asks nothing; a failure is kept until the text changes', async () => {
    const source = new FakeSource();
    const { panel, f, type, stop } = setup(source);
    panel.getState().ingest([f.session('S', 'k'), longMessage(f)]);
    type('/([a-/');
    await sleep(TIMING.debounceMs * 3);
    assert.equal(source.calls.length, 0);
    type('/ok/');
    await sleep(TIMING.debounceMs * 3);
    source.calls[0]!.fail(new Error('HTTP 404'));
    await sleep(0);
    assert.equal(panel.getState().search?.state, 'failed');
    assert.equal(panel.getState().search?.error, 'HTTP 404');
    panel.getState().ingest([longMessage(f)]);
    await sleep(TIMING.followMs * 3);
    assert.equal(source.calls.length, 1, 'not retried by itself');
    stop();
  });

  test('a source that cannot search (a file) gets no requests and no search state', async () => {
    const fileLike: EventSource = { info: { kind: 'file', label: 'file' }, connect() {}, close() {} };
    const { panel, f, type, stop } = setup(fileLike);
    panel.getState().ingest([f.session('S', 'k'), longMessage(f)]);
    type(NEEDLE);
    await sleep(TIMING.debounceMs * 3);
    assert.equal(panel.getState().search, undefined);
    stop();
  });

  test('a new source or a restarted proxy drops the answer with the packets', async () => {
    const source = new FakeSource();
    const { panel, f, type, stop } = setup(source);
    panel.getState().ingest([f.session('S', 'k'), longMessage(f)]);
    type(NEEDLE);
    await sleep(TIMING.debounceMs * 3);
    source.calls[0]!.answer({ seqs: [2], searched: 1, evicted: 0 });
    await sleep(0);
    assert.equal(panel.getState().search?.seqs.size, 1);
    stop();
    panel.getState().startSource({ kind: 'live', label: 'again' });
    assert.equal(panel.getState().search, undefined);
  });
});
