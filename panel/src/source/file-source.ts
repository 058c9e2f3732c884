/**
 * A capture opened from a file (picker or drag and drop): NDJSON or HAR, parsed by parse-capture.ts,
 * then delivered in chunks so that a large file does not freeze the page while the store takes it.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import type { ProblemsFrom } from './analysis.js';
import type { EventSource, SourceInfo, SourceStatus } from './event-source.js';
import { parseCapture } from './parse-capture.js';

const CHUNK = 5000;

export class FileSource implements EventSource {
  readonly info: SourceInfo;
  /** A recording of the proxy's stream carries its problems; a HAR or an older recording does not. */
  problems: ProblemsFrom = 'panel';
  private cancelled = false;

  constructor(private readonly file: Blob & { name: string }) {
    this.info = { kind: 'file', label: `file: ${file.name}`, detail: `${file.name} (${file.size} bytes)` };
  }

  connect(onEvents: (batch: ProxyEvent[]) => void, onStatus: (status: SourceStatus) => void): void {
    this.cancelled = false;
    onStatus({ state: 'connecting', since: Date.now(), message: `reading ${this.file.name}` });
    void this.file.text().then(
      (text) => {
        if (this.cancelled) return;
        let parsed;
        try {
          parsed = parseCapture(text);
        } catch (err) {
          onStatus({
            state: 'down',
            since: Date.now(),
            message: `${this.file.name}: ${(err as Error).message}`,
          });
          return;
        }
        const { events, format, badLines, runs } = parsed;
        this.problems = events.some((e) => e.type === 'problem') ? 'source' : 'panel';
        const notes = [
          `${events.length} events from ${format === 'har' ? 'HAR' : 'NDJSON'}`,
          ...(runs > 1 ? [`${runs} proxy runs`] : []),
          ...(badLines ? [`${badLines} unreadable lines skipped`] : []),
        ];
        let i = 0;
        const next = () => {
          if (this.cancelled) return;
          onEvents(events.slice(i, i + CHUNK));
          i += CHUNK;
          if (i < events.length) setTimeout(next, 0);
          else onStatus({ state: 'connected', since: Date.now(), message: notes.join(', ') });
        };
        if (events.length) next();
        else onStatus({ state: 'connected', since: Date.now(), message: `no events in ${this.file.name}` });
      },
      (err: unknown) =>
        onStatus({
          state: 'down',
          since: Date.now(),
          message: `cannot read ${this.file.name}: ${String(err)}`,
        }),
    );
  }

  close(): void {
    this.cancelled = true;
  }
}
