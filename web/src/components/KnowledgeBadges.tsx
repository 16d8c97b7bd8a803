/** Small pieces the documents and collections screens share: state badges and job progress. */
import type { JobState } from "../api/types";
import { jobPercent, jobText, stateBadgeClass } from "../knowledge/format";
import type { KnowledgeState } from "../knowledge/format";

export function StateBadge({ state }: { state: KnowledgeState }) {
  return <span className={stateBadgeClass(state)}>{state}</span>;
}

/** A job's bar (indeterminate until its chunk count is known) and its line of text. */
export function JobProgress({ job, label }: {
  job: { state: JobState; done: number; total: number; error?: string | null };
  label: string;
}) {
  const percent = job.state === "done" ? 100 : jobPercent(job.done, job.total);
  return (
    <span className="job-progress">
      <progress max={100} value={percent} aria-label={label} />
      <span className={job.state === "failed" ? "field-error small-text" : "muted small-text"}>{jobText(job)}</span>
    </span>
  );
}
