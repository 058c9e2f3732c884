/** Sessions per target node, for a proxy in front of a cluster (shown with two nodes or more). */
import { useSlices } from '../app/context.js';
import { formatCount } from '../lib/format.js';
import { sessionsLayout } from '../store/sessions-layout.js';

export function NodesTable() {
  const { nodes } = sessionsLayout(useSlices('sessions').model);
  if (nodes.length < 2) return null;
  return (
    <table className="nodes-table" data-testid="nodes-table">
      <thead>
        <tr>
          <th>target node</th>
          <th>open sessions</th>
          <th>sessions seen</th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((n) => (
          <tr key={n.node} data-node={n.node}>
            <td className="mono" title={n.node}>
              {n.label}
            </td>
            <td>{formatCount(n.open)}</td>
            <td>{formatCount(n.seen)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
