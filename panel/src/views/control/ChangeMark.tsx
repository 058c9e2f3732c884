/** The packet table's mark on a packet the proxy sent (injected) or changed (edited). */
import './ChangeMark.css';

export function ChangeMark({ injected }: { injected: boolean }) {
  return injected ? (
    <span
      className="change-mark injected"
      title="sent by the proxy (compose or a fault)"
      data-testid="mark-injected"
    >
      inj
    </span>
  ) : (
    <span
      className="change-mark edited"
      title="edited by the proxy: the detail pane shows the original"
      data-testid="mark-edited"
    >
      edit
    </span>
  );
}
