import { describe, expect, it } from "vitest";
import { ApiClient } from "./client";
import { PullStore } from "./pulls";
import { controlledStream, mockFetch, problem } from "../test/helpers";

const memory = { load: () => null, save: () => {} };

describe("PullStore", () => {
  it("tracks progress events, then done, outside any component", async () => {
    let stream: ReturnType<typeof controlledStream> | null = null;
    const calls = mockFetch(() => {
      stream = controlledStream();
      return stream.response;
    });
    const store = new PullStore();
    const seen: string[] = [];
    store.subscribe(() => seen.push(store.getSnapshot().map((p) => `${p.phase}:${p.status}:${p.completed ?? ""}`).join()));
    const finished = store.start(new ApiClient(memory), "tinyllama");
    await expect.poll(() => stream).not.toBeNull();
    stream!.push('event: progress\ndata: {"status":"pulling abc","total":100,"completed":40}\n\n');
    await expect.poll(() => store.getSnapshot()[0]?.completed).toBe(40);
    // A second start of the same model while it runs is ignored.
    await store.start(new ApiClient(memory), "tinyllama");
    stream!.push('event: done\ndata: {"status":"success","model":"tinyllama"}\n\n');
    stream!.close();
    await finished;
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ name: "tinyllama" });
    expect(seen).toEqual(["running:starting:", "running:pulling abc:40", "done:success:"]);
    store.clearFinished();
    expect(store.getSnapshot()).toEqual([]);
  });

  it("reports an error event or a refused pull as failed with the server's message", async () => {
    mockFetch((_url, init) => {
      const name = JSON.parse(String(init.body)).name;
      if (name === "refused") return problem(503, "Ollama is not reachable");
      const s = controlledStream();
      s.push('event: error\ndata: {"message":"pull model manifest: file does not exist"}\n\n');
      s.close();
      return s.response;
    });
    const store = new PullStore();
    await store.start(new ApiClient(memory), "refused");
    await store.start(new ApiClient(memory), "nosuch");
    expect(store.getSnapshot().map((p) => [p.name, p.phase, p.error])).toEqual([
      ["refused", "failed", "Ollama is not reachable."],
      ["nosuch", "failed", "Pull model manifest: file does not exist."],
    ]);
  });

  it("calls a stream that ends without done a failure", async () => {
    mockFetch(() => {
      const s = controlledStream();
      s.push('event: progress\ndata: {"status":"pulling"}\n\n');
      s.close();
      return s.response;
    });
    const store = new PullStore();
    await store.start(new ApiClient(memory), "cut");
    expect(store.getSnapshot()[0]).toMatchObject({ phase: "failed", error: "The pull stopped before it finished." });
  });
});
