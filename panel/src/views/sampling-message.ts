/** The banner's line for the proxy's last `sampling` notice (Banner.tsx). */
import type { SamplingEvent } from '../../../shared/events.js';
import { formatCount } from '../lib/format.js';

/** Sampling on now, or the range a past run of it left packets out of. */
export function samplingMessage(s: SamplingEvent): { tone: 'warn' | 'info'; text: string } {
  const counts = `${formatCount(s.counted)} packets counted, ${formatCount(s.leftOut)} of them not shown`;
  return s.state === 'on'
    ? {
        tone: 'warn',
        text: `The proxy is under load: it keeps 1 packet in ${s.every} since event #${s.since} (${counts}). Every other event is here.`,
      }
    : {
        tone: 'info',
        text: `Packets were sampled under load from event #${s.since} to #${s.until}: ${counts}.`,
      };
}
