/**
 * The sidebar marks sessions with problems (issue #17): a badge with the count and, in its accessible
 * label and tooltip, the kinds; none for a session without problems or with muted kinds only.
 * Rendered in Node with react-dom/server, as the other view tests are.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ControllerContext } from '../../panel/src/app/context.js';
import { PanelController } from '../../panel/src/app/controller.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { sessionProblemMarks } from '../../panel/src/store/session-problems.js';
import { problemList } from '../../panel/src/store/selectors.js';
import { createUiStore } from '../../panel/src/store/ui-store.js';
import { SessionItem } from '../../panel/src/views/sidebar/SessionItem.js';
import { ProblemMark, SessionProblemsBadge } from '../../panel/src/views/sidebar/SessionProblemsBadge.js';
import { EventFactory } from '../support/panel-events.js';

function withProblems(): PanelController {
  const f = new EventFactory();
  const controller = new PanelController(createPanelStore(), createUiStore());
  controller.panel.getState().ingest([
    f.session('A', 'k'),
    f.session('B', 'k'),
    f.session('C', 'k'),
    f.problem('A', 1, { kind: 'ack-timeout', title: 'no ACK for "a"' }),
    f.problem('A', 1, { kind: 'ack-timeout', title: 'no ACK for "a"' }), // a repeat: counted
    f.problem('A', 1, { kind: 'payload-near-limit', title: 'a 960-byte packet', severity: 'warning' }),
    f.problem('B', 2, { kind: 'attachments-missing', title: 'announced 1', severity: 'error' }),
    f.problem('C', 3, { kind: 'ack-timeout', title: 'no ACK for "c"' }),
    // Not about one session: marks none.
    f.problem('A', 1, { kind: 'reconnect-storm', title: '12 clients', sessionId: undefined }),
  ]);
  return controller;
}

const render = (controller: PanelController, element: ReactElement) =>
  renderToStaticMarkup(createElement(ControllerContext.Provider, { value: controller }, element));

const badge = (controller: PanelController, sid: string) =>
  render(controller, createElement(SessionProblemsBadge, { sid }));

test('the marks: count with repeats, kinds most frequent first, the worst severity, muted kinds left out', () => {
  const problems = problemList(withProblems().panel.getState().model);
  const marks = sessionProblemMarks(problems);
  assert.deepEqual(Object.fromEntries(marks), {
    A: { count: 3, kinds: ['ack-timeout', 'payload-near-limit'], severity: 'warning' },
    B: { count: 1, kinds: ['attachments-missing'], severity: 'error' },
    C: { count: 1, kinds: ['ack-timeout'], severity: 'warning' },
  });
  const muted = sessionProblemMarks(problems, ['ack-timeout']);
  assert.deepEqual([...muted.keys()].sort(), ['A', 'B']);
  assert.deepEqual(muted.get('A'), { count: 1, kinds: ['payload-near-limit'], severity: 'warning' });
});

test('the badge: the count shown, the kinds in its accessible label, a button to the Problems view', () => {
  const controller = withProblems();
  const html = badge(controller, 'A');
  assert.match(html, /^<button type="button" class="badge warn problem-mark warning"/);
  assert.match(html, /data-testid="session-problems"/);
  assert.match(html, /aria-label="3 problems: no ACK, payload near limit"/);
  assert.match(html, /title="3 problems: no ACK, payload near limit \(open the Problems view\)"/);
  assert.match(html, />! 3<\/button>$/);
  assert.match(
    badge(controller, 'B'),
    /aria-label="1 problem: attachments missing"[^>]*data-severity="error"|data-severity="error"[^>]*aria-label="1 problem: attachments missing"/,
  );
  assert.equal(badge(controller, 'Z'), '', 'no problems, no badge');

  // Muted kinds (the Problems view's mute) leave the marks computed without them.
  const muted = sessionProblemMarks(problemList(controller.panel.getState().model), ['ack-timeout']);
  assert.equal(muted.get('C'), undefined, 'only muted kinds: no badge');
  const onlyNear = render(
    controller,
    createElement(ProblemMark, { mark: muted.get('A')!, onOpen: () => {} }),
  );
  assert.match(onlyNear, /aria-label="1 problem: payload near limit"/);
});

test('the sidebar row of a session with problems carries the badge; one without does not', () => {
  const controller = withProblems();
  const f = new EventFactory();
  f.seq = 100;
  controller.panel.getState().ingest([f.session('D', 'k2')]);
  const { sessions } = controller.panel.getState().model;
  const row = (sid: string) =>
    render(
      controller,
      createElement(SessionItem, { s: sessions.get(sid)!, now: Date.now(), selected: false }),
    );
  assert.match(row('A'), /data-testid="session-problems"[^>]*aria-label="3 problems/);
  assert.doesNotMatch(row('D'), /session-problems/);
});
