/**
 * The DevTools tab's SelectedSource: the panel's full-payload search and payload fetches reach the
 * source the user picked (a proxy), and in-page capture, which keeps payloads whole, offers no search.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SelectedSource } from '../../extension/src/panel/selected-source.js';
import type { EventSource, SearchQuery } from '../../panel/src/source/event-source.js';

function fake(name: string, searchable: boolean): EventSource & { asked: SearchQuery[] } {
  const asked: SearchQuery[] = [];
  return {
    asked,
    info: { kind: 'live', label: name },
    connect: () => {},
    close: () => {},
    ...(searchable
      ? {
          search: (q: SearchQuery) => {
            asked.push(q);
            return Promise.resolve({ seqs: [7], searched: 1, evicted: 0 });
          },
        }
      : {}),
  } as EventSource & { asked: SearchQuery[] };
}

test('search goes to the selected proxy, and in-page capture has none', async () => {
  const page = fake('page', false);
  const proxy = fake('proxy', true);
  const selected = new SelectedSource(page);
  selected.connect(
    () => {},
    () => {},
  );
  const none = selected.search;
  assert.equal(none, undefined);

  selected.close();
  selected.select(proxy);
  selected.connect(
    () => {},
    () => {},
  );
  const search = selected.search;
  assert.ok(search, 'a proxy source can search');
  const answer = await search({ text: 'needle', from: 1, to: 9 }, new AbortController().signal);
  assert.deepEqual(answer.seqs, [7]);
  assert.deepEqual(proxy.asked, [{ text: 'needle', from: 1, to: 9 }]);
});
