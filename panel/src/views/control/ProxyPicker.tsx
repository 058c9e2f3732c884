/**
 * On a dashboard over Redis with more than one proxy: where a new rule or target fault goes, every
 * live proxy ("all proxies", the API's own default) or one of them. The proxies are those the stream
 * named (`source` events, the sessions slice's `sources`), so a proxy with no rule or session yet
 * can be picked too; a gone one stays listed, marked, so that a choice never vanishes under the
 * person (the API answers 503 for it, shown as it is).
 */
import { useMemo } from 'react';
import { usePanel } from '../../app/context.js';

export interface ProxyChoice {
  source: string;
  gone: boolean;
}

/** The proxies to pick from, by name; none on a proxy's own dashboard (it has no `source` events). */
export function proxyChoices(sources: ReadonlyMap<string, 'up' | 'gone'>): ProxyChoice[] {
  return [...sources]
    .map(([source, state]) => ({ source, gone: state === 'gone' }))
    .sort((a, b) => a.source.localeCompare(b.source));
}

/** proxyChoices of the model, re-rendering the caller only when a proxy comes, goes or returns. */
function useProxyChoices(): ProxyChoice[] {
  // The sources map is changed in place: select its contents as a string, which compares by value.
  const key = usePanel((st) => JSON.stringify(proxyChoices(st.model.sources)));
  return useMemo(() => JSON.parse(key) as ProxyChoice[], [key]);
}

/** `value` is a proxy's name, or '' for every live proxy. Renders nothing for fewer than two proxies. */
export function ProxyPicker({
  value,
  onChange,
  testId,
}: {
  value: string;
  onChange(source: string): void;
  testId: string;
}) {
  const choices = useProxyChoices();
  if (choices.length < 2) return null;
  return (
    <select
      value={value}
      onChange={(e) => onChange(e.target.value)}
      title="the proxy it goes to"
      data-testid={testId}
    >
      <option value="">all proxies</option>
      {choices.map((c) => (
        <option key={c.source} value={c.source}>
          proxy {c.source}
          {c.gone ? ' (gone)' : ''}
        </option>
      ))}
    </select>
  );
}
