import { describe, expect, it } from "vitest";
import { ApiClient } from "./client";
import { ApiError, errorMessage } from "./problem";
import { CUT_OFF, uploadDocument, uploadPercent } from "./upload";
import { FakeRequest } from "../test/fakeXhr";
import { json, mockFetch } from "../test/helpers";

const createRequest = () => new FakeRequest() as unknown as XMLHttpRequest;
const tokens = (access: string) => ({ access_token: access, refresh_token: "R", expires_at: Date.now() + 600_000 });
const client = () => new ApiClient({ load: () => tokens("A"), save: () => {} });
const file = new File(["# Hello\n\ntext"], "hello.md", { type: "text/markdown" });
const doc = { id: "d1", title: "hello.md", state: "ready" };

/** The `n`th request once the upload has sent it (it awaits the token first). */
const sent = async (n = 0) => {
  for (let i = 0; i < 50 && !FakeRequest.made[n]?.body; i++) await new Promise((r) => setTimeout(r, 0));
  return FakeRequest.made[n];
};

describe("uploadPercent", () => {
  it("is undefined until the size is known, then a rounded share", () => {
    expect(uploadPercent({ loaded: 10, total: 0 })).toBeUndefined();
    expect(uploadPercent({ loaded: 1, total: 3 })).toBe(33);
    expect(uploadPercent({ loaded: 3, total: 3 })).toBe(100);
  });
});

describe("uploadDocument", () => {
  it("sends the form with the bearer token, reports progress and tells a duplicate (200) apart", async () => {
    FakeRequest.made = [];
    const seen: (number | undefined)[] = [];
    const uploading = uploadDocument(
      client(),
      { file, title: " Hello ", tags: "rust, setup", visibility: "org", collection_id: "c1", project_id: "" },
      { createRequest, onProgress: (p) => seen.push(uploadPercent(p)) },
    );
    const xhr = await sent();
    expect(xhr.method).toBe("POST");
    expect(xhr.url).toBe("/api/v1/documents");
    expect(xhr.headers.authorization).toBe("Bearer A");
    expect([...xhr.body!.keys()]).toEqual(["title", "tags", "visibility", "collection_id", "file"]);
    expect(xhr.body!.get("title")).toBe("Hello");
    xhr.progress(50, 200);
    xhr.progress(200, 200);
    xhr.answer(200, doc);
    expect(await uploading).toEqual({ document: doc, duplicate: true });
    expect(seen).toEqual([25, 100]);
  });

  it("turns a 415 problem into an ApiError naming the type", async () => {
    FakeRequest.made = [];
    const uploading = uploadDocument(client(), { file }, { createRequest });
    (await sent()).answer(415, { status: 415, title: "Unsupported Media Type", detail: "unsupported document type image/png" }, "application/problem+json");
    const err = await uploading.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(415);
    expect((err as ApiError).requestId).toBe("req-1");
    expect(errorMessage(err)).toBe("Unsupported document type image/png.");
  });

  it("refreshes the session once on a 401 and sends the file again", async () => {
    FakeRequest.made = [];
    let access = "A";
    const store = { load: () => tokens(access), save: (t: unknown) => (access = (t as { access_token: string } | null)?.access_token ?? "") };
    mockFetch(() => json({ access_token: "B", refresh_token: "R2", expires_in: 600 }));
    const uploading = uploadDocument(new ApiClient(store), { file }, { createRequest });
    (await sent()).answer(401, { status: 401, detail: "expired" }, "application/problem+json");
    const retry = await sent(1);
    expect(retry.headers.authorization).toBe("Bearer B");
    retry.answer(201, doc);
    expect((await uploading).duplicate).toBe(false);
  });

  it("says the upload was cut off when the connection breaks mid-file", async () => {
    FakeRequest.made = [];
    const uploading = uploadDocument(client(), { file }, { createRequest });
    const xhr = await sent();
    xhr.progress(10, 100);
    xhr.onerror?.();
    expect(errorMessage(await uploading.catch((e: unknown) => e))).toBe(CUT_OFF);
  });
});
