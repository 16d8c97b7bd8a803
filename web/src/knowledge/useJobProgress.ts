/**
 * Live progress of indexing jobs through their event streams. A browser opens only about six
 * connections to one server, so a few jobs are followed at a time; the rest show the state of
 * the last list, which is reloaded (`onFinished`) whenever a followed job ends.
 */
import { useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import { followJob } from "../api/jobs";
import type { Job } from "../api/types";

/** Jobs followed at once. */
const MAX_FOLLOWED = 3;

/** Wait before following again after a stream broke. */
const RETRY_MS = 2000;

/** The latest job seen per job id, for the unfinished `jobIds` (the first few followed). */
export function useJobProgress(jobIds: string[], onFinished: () => void): Record<string, Job> {
  const [live, setLive] = useState<Record<string, Job>>({});
  const [attempt, setAttempt] = useState(0);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  const followed = jobIds.slice(0, MAX_FOLLOWED).join(",");

  useEffect(() => {
    if (!followed) return;
    const controller = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    for (const id of followed.split(",")) {
      followJob(api, id, (job) => setLive((all) => ({ ...all, [id]: job })), controller.signal)
        .then(() => {
          if (!controller.signal.aborted) finished.current();
        })
        .catch(() => {
          // Stopped (the list changed) or the stream broke: try again a little later.
          if (controller.signal.aborted) return;
          retry ??= setTimeout(() => setAttempt((n) => n + 1), RETRY_MS);
        });
    }
    return () => {
      controller.abort();
      clearTimeout(retry);
    };
  }, [followed, attempt]);

  return live;
}
