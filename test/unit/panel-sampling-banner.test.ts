/**
 * The panel says when the proxy samples packet events under load (issue #14): a banner while it
 * does, and a note of the range it sampled once it stopped, since lists and counts miss packets.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SamplingEvent } from '../../shared/events.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { samplingMessage } from '../../panel/src/views/sampling-message.js';

const notice = (fields: Partial<SamplingEvent>): SamplingEvent => ({
  type: 'sampling',
  seq: 500,
  ts: 1_700_000_000_000,
  state: 'on',
  every: 8,
  since: 120,
  until: 119,
  counted: 0,
  leftOut: 0,
  counts: [],
  reason: 'observing every packet would take about 60% of the proxy time',
  ...fields,
});

/** The banner's sampling line for the store's state, as Banner.tsx shows it; undefined: none. */
function bannerText(store: ReturnType<typeof createPanelStore>): string | undefined {
  const sampling = store.getState().model.sampling;
  return sampling && samplingMessage(sampling).text;
}

test('a banner says packets are sampled while the proxy samples, and the range once it stopped', () => {
  const store = createPanelStore();
  assert.equal(bannerText(store), undefined);
  store.getState().ingest([notice({})]);
  assert.match(bannerText(store) ?? '', /keeps 1 packet in 8 since event #120/);
  store
    .getState()
    .ingest([notice({ seq: 9000, state: 'off', every: 1, until: 8990, counted: 8000, leftOut: 7000 })]);
  const text = bannerText(store) ?? '';
  assert.doesNotMatch(text, /keeps 1 packet in/);
  assert.match(
    text,
    /sampled under load from event #120 to #8990: 8,000 packets counted, 7,000 of them not shown/,
  );
});
