/**
 * The full payload of a packet the stream cut (`truncated`): fetched from the source
 * (GET /api/packets/<seq> for the live proxy) when the detail pane shows it. A file source cannot
 * fetch: the pane then says that the payload is cut.
 */
import { useEffect, useState } from 'react';
import type { PacketEvent } from '../../../../shared/events.js';
import { useController } from '../../app/context.js';
import type { FullPayload } from '../../source/event-source.js';

export type FullState =
  | { state: 'whole' }
  | { state: 'loading' }
  | { state: 'loaded'; full: FullPayload }
  | { state: 'unavailable'; reason: string };

export function useFullPayload(e: PacketEvent | undefined): FullState {
  const controller = useController();
  const [result, setResult] = useState<{ seq: number; value: FullState } | undefined>();
  const seq = e?.seq;
  const truncated = e?.truncated === true;

  useEffect(() => {
    if (seq === undefined || !truncated) return;
    const pending = controller.fetchFull(seq);
    if (!pending) {
      setResult({ seq, value: { state: 'unavailable', reason: 'this source cannot fetch full payloads' } });
      return;
    }
    let cancelled = false;
    pending.then(
      (full) => !cancelled && setResult({ seq, value: { state: 'loaded', full } }),
      (err: unknown) =>
        !cancelled && setResult({ seq, value: { state: 'unavailable', reason: (err as Error).message } }),
    );
    return () => {
      cancelled = true;
    };
  }, [controller, seq, truncated]);

  if (!truncated) return { state: 'whole' };
  return result && result.seq === seq ? result.value : { state: 'loading' };
}
