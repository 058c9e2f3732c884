/**
 * On a dashboard over Redis (many proxies, one panel), the proxy a rule, held packet or fault is
 * on: the control API lists them with their `source`. Nothing for a proxy's own dashboard.
 */
export function SourceTag({ source }: { source: string | undefined }) {
  if (!source) return null;
  return (
    <span className="badge source-tag" title="the proxy it is on" data-testid="control-source">
      proxy {source}
    </span>
  );
}
