import { describe, expect, it } from "vitest";
import { ApiClient } from "./client";
import { followJob } from "./jobs";
import { controlledStream, json, mockFetch } from "../test/helpers";
import type { Job } from "./types";

const job = (state: Job["state"], done: number, total: number): Job => ({
  id: "j1", collection_id: "c1", document_id: "d1", generation: 1, attempts: 1, state, done, total,
  created_at: "2026-01-01T00:00:00", updated_at: "2026-01-01T00:00:00",
});
const frame = (name: string, body: Job) => `event: ${name}\ndata: ${JSON.stringify(body)}\n\n`;
const memory = () => ({ load: () => ({ access_token: "A", refresh_token: "R", expires_at: Date.now() + 600_000 }), save: () => {} });

describe("followJob", () => {
  it("reports each progress event and resolves with the done job", async () => {
    const stream = controlledStream();
    const calls = mockFetch(() => stream.response);
    const seen: string[] = [];
    const following = followJob(new ApiClient(memory()), "j1", (j) => seen.push(`${j.state} ${j.done}/${j.total}`));
    stream.push(frame("progress", job("queued", 0, 0)));
    stream.push(frame("progress", job("running", 2, 4)));
    stream.push(frame("done", job("done", 4, 4)));
    const final = await following;
    expect(final.state).toBe("done");
    expect(seen).toEqual(["queued 0/0", "running 2/4", "done 4/4"]);
    expect(calls[0].url).toBe("/api/v1/jobs/j1/events");
    expect(calls[0].headers.authorization).toBe("Bearer A");
  });

  it("reads the job once more when the stream ends before it finished", async () => {
    const stream = controlledStream();
    mockFetch((url) => (url.endsWith("/events") ? stream.response : json(job("failed", 1, 4))));
    const following = followJob(new ApiClient(memory()), "j1", () => {});
    stream.push(frame("progress", job("running", 1, 4)));
    stream.close();
    expect((await following).state).toBe("failed");
  });
});
