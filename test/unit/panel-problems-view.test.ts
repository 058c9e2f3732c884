/**
 * The Problems view groups problems by kind (count, first and last seen) and folds a muted kind into
 * one line, rendered in Node with react-dom/server as the other view tests do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ControllerContext } from '../../panel/src/app/context.js';
import { PanelController } from '../../panel/src/app/controller.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { problemGroups, problemList } from '../../panel/src/store/selectors.js';
import { createUiStore } from '../../panel/src/store/ui-store.js';
import { ProblemKinds } from '../../panel/src/views/ProblemKinds.js';
import { EventFactory } from '../support/panel-events.js';

function withProblems() {
  const f = new EventFactory();
  const events = [
    f.session('A', 'k'),
    f.session('B', 'k'),
    f.problem('A', 1, { kind: 'ack-timeout', title: 'no ACK for "a"' }),
    f.problem('A', 1, { kind: 'ack-timeout', title: 'no ACK for "a"' }), // a repeat: merged, counted
    f.problem('B', 2, { kind: 'ack-timeout', title: 'no ACK for "b"', severity: 'error' }),
    f.problem('B', 2, { kind: 'cors', title: 'CORS: no Access-Control-Allow-Origin' }),
  ];
  const controller = new PanelController(createPanelStore(), createUiStore());
  controller.panel.getState().ingest(events);
  return { controller, events };
}

const render = (controller: PanelController) =>
  renderToStaticMarkup(
    createElement(
      ControllerContext.Provider,
      { value: controller },
      createElement(ProblemKinds, {
        problems: problemList(controller.panel.getState().model),
        muted: controller.ui.getState().mutedKinds,
        toggleMuted: controller.ui.getState().toggleMutedKind,
      }),
    ),
  );

test('problems are grouped by kind with counts, first and last seen, the latest kind first', () => {
  const { controller, events } = withProblems();
  const groups = problemGroups(problemList(controller.panel.getState().model));
  assert.deepEqual(
    groups.map((g) => [g.kind, g.count, g.severity, g.problems.length]),
    [
      ['cors', 1, 'warning', 1],
      ['ack-timeout', 3, 'error', 2],
    ],
  );
  assert.equal(groups[1]!.firstTs, events[2]!.ts);
  assert.equal(groups[1]!.lastTs, events[4]!.ts);

  const html = render(controller);
  const kinds = [...html.matchAll(/data-testid="problem-kind" data-kind="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(kinds, ['cors', 'ack-timeout']);
  const counts = [...html.matchAll(/data-testid="problem-kind-count">([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(counts, ['×1', '×3']);
  assert.match(html, /first \d\d:\d\d:\d\d\.\d{3} · last \d\d:\d\d:\d\d\.\d{3}/);
  assert.equal(html.match(/data-testid="problem-item"/g)?.length, 3);
});

test('a muted kind folds into one line at the bottom, and unmutes', () => {
  const { controller } = withProblems();
  controller.ui.getState().toggleMutedKind('ack-timeout');
  let html = render(controller);
  assert.deepEqual(
    [...html.matchAll(/data-testid="problem-kind" data-kind="([^"]+)"/g)].map((m) => m[1]),
    ['cors'],
  );
  assert.equal(html.match(/data-testid="problem-item"/g)?.length, 1, 'the muted kind lists no problem');
  const muted = html.slice(html.indexOf('data-testid="problem-muted"'));
  assert.match(muted, /data-kind="ack-timeout"/);
  assert.match(muted, />unmute</);
  controller.ui.getState().toggleMutedKind('ack-timeout');
  html = render(controller);
  assert.equal(html.match(/data-testid="problem-item"/g)?.length, 3);
  assert.doesNotMatch(html, /problem-muted/);
});
