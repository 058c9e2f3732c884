/**
 * Says, above everything, when what is shown is not the whole story: the live stream is down and
 * reconnecting, events were dropped, the proxy samples packets under load, the panel resumed by
 * itself, the proxy restarted.
 */
import { useController, usePanel, useNow } from '../app/context.js';
import { formatCount } from '../lib/format.js';
import { samplingMessage } from './sampling-message.js';
import './Banner.css';

export function Banner() {
  const controller = useController();
  const status = usePanel((s) => s.status);
  const source = usePanel((s) => s.source);
  const dropped = usePanel((s) => s.model.dropped.events);
  const sampling = usePanel((s) => s.model.sampling);
  const autoResumed = usePanel((s) => s.autoResumed);
  const restarts = usePanel((s) => s.restarts);
  const now = useNow(1000);
  const messages: { tone: 'error' | 'warn' | 'info'; text: string; action?: React.ReactNode }[] = [];

  if (source.kind === 'live' && status.state === 'down') {
    const wait = status.retryAt ? Math.max(0, Math.ceil((status.retryAt - now) / 1000)) : undefined;
    messages.push({
      tone: 'error',
      text: `Event stream down: ${status.message ?? 'disconnected'}. ${wait !== undefined ? `Reconnecting in ${wait} s…` : 'Reconnecting…'} What is shown stays.`,
    });
  } else if (source.kind === 'live' && status.state === 'connecting' && now - status.since > 1500) {
    messages.push({ tone: 'warn', text: 'Connecting to the event stream…' });
  } else if (source.kind === 'file' && status.state === 'down') {
    messages.push({ tone: 'error', text: status.message ?? 'The file could not be read.' });
  }
  if (dropped > 0) {
    const capture = controller.current?.downloads?.capture;
    messages.push({
      tone: 'warn',
      text: `${formatCount(dropped)} events were dropped: the panel read the stream too slowly. Counts and lists miss them.`,
      ...(capture ? { action: <a href={capture}>download the capture</a> } : {}),
    });
  }
  if (sampling) messages.push(samplingMessage(sampling));
  if (autoResumed)
    messages.push({ tone: 'info', text: 'Resumed by itself: too many events were waiting while paused.' });
  if (restarts > 0)
    messages.push({ tone: 'info', text: 'The proxy restarted: this view starts from its new run.' });

  if (messages.length === 0) return null;
  return (
    <div className="banners" data-testid="banner">
      {messages.map((m, i) => (
        <div key={i} className={`banner ${m.tone}`}>
          {m.text} {m.action}
        </div>
      ))}
    </div>
  );
}
