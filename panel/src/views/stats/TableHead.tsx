/** The header row of the stats' tables: one column header per entry (an empty one is unlabelled). */
import type { ReactNode } from 'react';

export function TableHead({ columns }: { columns: readonly ReactNode[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={i} scope="col" aria-hidden={c === '' ? true : undefined}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
