/** Fields every content type shares: who may see it (visibility) and the project it belongs to. */
import { useId } from "react";
import type { Project, Visibility } from "../api/types";
import type { DiffLine } from "../content/diff";
import { diffStats } from "../content/diff";

const VISIBILITY_TEXT: Record<Visibility, string> = {
  private: "private (only me)",
  project: "project (its members)",
  org: "organization (everyone)",
};

/** `private` for everyone who writes content; `project` and `org` need `content:publish`. */
export function VisibilitySelect({ value, onChange, canPublish, error }: {
  value: Visibility;
  onChange(value: Visibility): void;
  canPublish: boolean;
  error?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Visibility</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Visibility)} aria-invalid={error ? true : undefined}>
        {(Object.keys(VISIBILITY_TEXT) as Visibility[]).map((v) => (
          <option key={v} value={v} disabled={v !== "private" && !canPublish && v !== value}>
            {VISIBILITY_TEXT[v]}
          </option>
        ))}
      </select>
      {!canPublish && <small className="hint">Publishing to a project or the organization is for instructors.</small>}
      {error && <small className="field-error">{error}</small>}
    </div>
  );
}

export function ProjectSelect({ value, onChange, projects, error }: {
  value: string;
  onChange(value: string): void;
  projects: Project[];
  error?: string;
}) {
  const id = useId();
  const known = projects.some((p) => p.id === value);
  return (
    <div className="field">
      <label htmlFor={id}>Project</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined}>
        <option value="">(none)</option>
        {value && !known && <option value={value}>{value}</option>}
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      {error && <small className="field-error">{error}</small>}
    </div>
  );
}

export function VisibilityBadge({ value }: { value: Visibility }) {
  return <span className={`badge vis-${value}`}>{value === "org" ? "organization" : value}</span>;
}

/** A line diff as a list: removed lines with −, added with +, unchanged plain. */
export function DiffView({ lines, label }: { lines: DiffLine[]; label: string }) {
  const { added, removed } = diffStats(lines);
  return (
    <figure className="diff-figure">
      <figcaption>
        {label}: <span className="diff-added-count">+{added}</span> <span className="diff-removed-count">−{removed}</span>
      </figcaption>
      {lines.length === 0 ? (
        <p className="muted small-text">Both are empty.</p>
      ) : (
        <ol className="diff" aria-label={label}>
          {lines.map((l, i) => (
            <li key={i} className={`diff-${l.kind}`} data-kind={l.kind}>
              <span className="diff-sign" aria-hidden="true">
                {l.kind === "added" ? "+" : l.kind === "removed" ? "−" : " "}
              </span>
              <span className="visually-hidden">{l.kind === "added" ? "added: " : l.kind === "removed" ? "removed: " : ""}</span>
              {l.text || " "}
            </li>
          ))}
        </ol>
      )}
    </figure>
  );
}
