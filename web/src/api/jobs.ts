/** Indexing jobs: follow one through its Server-Sent Events until it is done or failed. */
import type { ApiClient } from "./client";
import { readSse } from "./sse";
import type { Job } from "./types";

const FINAL = new Set(["done", "failed"]);

/**
 * Calls `onJob` with the job at every `progress` event and at its end; resolves with the final
 * job. A stream that ends early is answered by reading the job once more.
 */
export async function followJob(client: ApiClient, id: string, onJob: (job: Job) => void, signal?: AbortSignal): Promise<Job> {
  const path = `/api/v1/jobs/${encodeURIComponent(id)}`;
  const res = await client.send("GET", `${path}/events`, { signal });
  if (res.body) {
    for await (const event of readSse(res.body)) {
      if (event.event === "error") {
        const data = JSON.parse(event.data) as { detail?: string };
        throw new Error(data.detail ?? "following the job failed");
      }
      if (event.event !== "progress" && !FINAL.has(event.event)) continue;
      const job = JSON.parse(event.data) as Job;
      onJob(job);
      if (FINAL.has(job.state)) return job;
    }
  }
  const job = await client.request<Job>("GET", path, { signal });
  onJob(job);
  return job;
}
