/**
 * A `fetch` for proxy-discovery.ts that asks the service worker to make the request
 * (../discovery/probe-message.ts), so that a probe refused by a port where nothing listens is not
 * logged in the panel's console. A request the worker does not make fails, as fetch would.
 */
import { PROBE_MESSAGE, type ProbeAnswer, type ProbeRequest } from '../discovery/probe-message.js';
import { PROBE_TIMEOUT_MS } from './proxy-discovery.js';

export async function workerFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const request: ProbeRequest = {
    kind: PROBE_MESSAGE,
    url,
    method: init.method === 'HEAD' ? 'HEAD' : 'GET',
    timeoutMs: PROBE_TIMEOUT_MS,
  };
  const answer = (await chrome.runtime.sendMessage(request)) as ProbeAnswer | undefined;
  if (!answer || answer.status === 0) throw new TypeError('Failed to fetch');
  return new Response(request.method === 'HEAD' ? null : (answer.body ?? ''), { status: answer.status });
}
