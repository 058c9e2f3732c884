/**
 * Control and invisible formatting characters from the wire are shown as `\uXXXX` in the panel
 * (panel/src/lib/visible-text.ts): a bidi override in an event name must not make `\u202Egnp.exe`
 * read "exe.png", in the packet table, the args preview or the JSON tree.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { argsPreview, eventLabel } from '../../panel/src/lib/packet-format.js';
import { visibleText } from '../../panel/src/lib/visible-text.js';
import { JsonTree } from '../../panel/src/views/detail/JsonTree.js';
import { EventFactory } from '../support/panel-events.js';

const RLO = '\u202E';

test('bidi controls, C0/C1 controls and invisible characters become \\uXXXX escapes', () => {
  assert.equal(visibleText(`${RLO}gnp.exe`), '\\u202Egnp.exe');
  assert.equal(visibleText('a\u2066b\u2069c\u200Fd\u061Ce'), 'a\\u2066b\\u2069c\\u200Fd\\u061Ce');
  assert.equal(
    visibleText('tab\there\u0000\u0085\u200B\uFEFF\u2028'),
    'tab\\u0009here\\u0000\\u0085\\u200B\\uFEFF\\u2028',
  );
});

test('ordinary text, accents, right-to-left scripts and emoji sequences are left alone', () => {
  for (const s of ['chat:message', 'café', 'שלום', 'مرحبا', '👨‍👩‍👧', 'a\\u202Eb'])
    assert.equal(visibleText(s), s);
});

test('the packet table shows an event name with a bidi override, and args with one, escaped', () => {
  const e = new EventFactory().emit('s1', 'c2s', `${RLO}gnp.exe`, [`x${RLO}y`, { [`k${RLO}`]: 1 }]);
  assert.equal(eventLabel(e), '\\u202Egnp.exe');
  assert.equal(argsPreview(e), '"x\\u202Ey", {"k\\u202E":1}');
  assert.ok(!argsPreview(e).includes(RLO));
});

test('an ack keeps its label', () => {
  const e = new EventFactory().ack('s1', 's2c', 7, ['ok']);
  assert.equal(eventLabel(e), 'ack #7');
});

test('the JSON tree escapes them in keys, values and summaries', () => {
  const html = renderToStaticMarkup(
    createElement(JsonTree, {
      value: [{ [`${RLO}key`]: `${RLO}gnp.exe`, deep: { [`${RLO}in`]: { x: 1 } } }],
    }),
  );
  assert.ok(!html.includes(RLO), html);
  assert.match(html, /\\u202Ekey/);
  assert.match(html, /\\u202Egnp\.exe/);
  assert.match(html, /\\u202Ein/);
});
