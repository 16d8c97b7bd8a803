/** Loading and empty states: a skeleton while the first answer is on its way, a real empty state after. */
import type { ReactNode } from "react";

/** Grey bars standing in for rows that are loading; announced once to screen readers. */
export function Skeleton({ rows = 3, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div className="skeleton" role="status" aria-label={label} data-testid="skeleton">
      {Array.from({ length: rows }, (_, i) => (
        <span key={i} style={{ width: `${90 - ((i * 17) % 35)}%` }} />
      ))}
    </div>
  );
}

/** What an empty answer means, with an action to change it (e.g. clear the filter). */
export function EmptyState({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <p>{children}</p>
      {action}
    </div>
  );
}
