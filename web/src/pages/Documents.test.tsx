/** The documents screen against a scripted API: a linked chunk marked in non-ASCII text, upload problems, delete. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { ConfirmProvider } from "../components/ConfirmDialog";
import { FakeRequest } from "../test/fakeXhr";
import { json, mockFetch } from "../test/helpers";
import { Documents } from "./Documents";

const PERMISSIONS = ["content:read", "content:write", "content:publish"];
vi.mock("../session", () => ({
  useSession: () => ({
    me: { user: { id: "u1", email: "ines@example.com" }, permissions: PERMISSIONS },
    can: (p: string) => PERMISSIONS.includes(p),
  }),
}));

const at = "2026-01-01T00:00:00";
const doc = (id: string, title: string, extra: object = {}) => ({
  id, title, file_name: `${id}.md`, kind: "markdown", size_bytes: 2048, characters: 40, state: "ready", tags: ["setup"],
  visibility: "org", sha256: "x", organization_id: "o", owner_id: "u1", created_at: at, updated_at: at, ...extra,
});
const TEXT = "# Über\n\nKäse 🧀 first.\n\nThe chunk we want.\n";
const bytes = (s: string) => new TextEncoder().encode(s).length;
const start = bytes(TEXT.slice(0, TEXT.indexOf("The chunk")));
const end = start + bytes("The chunk we want.");
const empty = { items: [], total: 0 };

function api(extra: (url: string, method: string) => Response | undefined = () => undefined) {
  return mockFetch((url, init) => {
    const method = init.method ?? "GET";
    const answer = extra(url, method);
    if (answer) return answer;
    if (url.startsWith("/api/v1/documents?")) {
      return json({ items: [doc("d1", "Handbook"), doc("d2", "Broken", { kind: "pdf", state: "failed", error: "no text layer" })], total: 2 });
    }
    if (url === "/api/v1/documents/d1") return json(doc("d1", "Handbook"));
    if (url === "/api/v1/documents/d1/text") return json({ document_id: "d1", text: TEXT, sections: [] });
    if (url.startsWith("/api/v1/documents/d1/chunks")) {
      return json({ items: [{ id: "k1", document_id: "d1", ordinal: 0, text: "# Über", position: { start: 0, end: 7, heading_path: ["Über"], page: 2 } }], total: 1 });
    }
    return json(empty);
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  window.history.replaceState(null, "", "/");
});

describe("Documents", () => {
  it("lists kind, size, state and tags, with a failed document's error", async () => {
    api();
    render(<ConfirmProvider><Documents /></ConfirmProvider>);
    const list = await screen.findByRole("list", { name: "Documents" });
    expect(within(list).getByText("Markdown · 2.0 KB · setup")).toBeTruthy();
    expect(within(list).getByText("PDF · 2.0 KB · setup · no text layer")).toBeTruthy();
    expect(within(list).getByText("failed").className).toBe("badge disabled");
  });

  it("opens a linked document with the chunk marked by byte offsets, and marks a chunk from the list", async () => {
    api();
    window.history.replaceState(null, "", `/documents?id=d1&start=${start}&end=${end}&label=search+result`);
    render(<ConfirmProvider><Documents /></ConfirmProvider>);
    const marked = await screen.findByTestId("highlighted-chunk");
    expect(marked.textContent).toBe("The chunk we want.");
    expect(screen.getByText(/Marked: search result/)).toBeTruthy();
    const chunks = await screen.findByRole("list", { name: "Chunks" });
    expect(within(chunks).getByText("page 2 · Über")).toBeTruthy();
    fireEvent.click(within(chunks).getByRole("button", { name: "Show in text" }));
    expect(screen.getByTestId("highlighted-chunk").textContent).toBe("# Über");
  });

  it("shows the server's 415 beside the upload, and a duplicate as the existing document", async () => {
    FakeRequest.made = [];
    vi.stubGlobal("XMLHttpRequest", FakeRequest);
    api();
    render(<ConfirmProvider><Documents /></ConfirmProvider>);
    fireEvent.click(await screen.findByRole("button", { name: "Upload document" }));
    const form = screen.getByRole("region", { name: "Upload a document" });
    const png = new File([new Uint8Array([0x89, 0x50])], "diagram.png", { type: "image/png" });
    fireEvent.change(within(form).getByLabelText("File"), { target: { files: [png] } });
    fireEvent.click(within(form).getByRole("button", { name: "Upload" }));
    await waitFor(() => expect(FakeRequest.made[0]?.body).toBeTruthy());
    act(() => FakeRequest.made[0].progress(2, 2));
    await within(form).findByText("Sent; the server is reading the text…");
    act(() => FakeRequest.made[0].answer(415, { status: 415, detail: "unsupported document type image/png: upload plain text, markdown, HTML, PDF or DOCX" }, "application/problem+json"));
    await within(form).findByText("Unsupported document type image/png: upload plain text, markdown, HTML, PDF or DOCX.");

    const md = new File(["# Handbook"], "d1.md", { type: "text/markdown" });
    fireEvent.change(within(form).getByLabelText("File"), { target: { files: [md] } });
    fireEvent.click(within(form).getByRole("button", { name: "Upload" }));
    await waitFor(() => expect(FakeRequest.made[1]?.body).toBeTruthy());
    act(() => FakeRequest.made[1].answer(200, doc("d1", "Handbook")));
    await screen.findByText("This file was uploaded before as “Handbook”: here it is.");
    expect(await screen.findByRole("heading", { level: 2, name: "Handbook" })).toBeTruthy();
  });

  it("deletes a document only after confirming", async () => {
    const calls = api((_url, method) => (method === "DELETE" ? new Response(null, { status: 204 }) : undefined));
    render(<ConfirmProvider><Documents /></ConfirmProvider>);
    const list = await screen.findByRole("list", { name: "Documents" });
    fireEvent.click(within(list).getByRole("button", { name: /Handbook/ }));
    fireEvent.click(await screen.findByRole("button", { name: "Delete document" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Delete document “Handbook”?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete document" }));
    await screen.findByText("Deleted “Handbook”.");
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.url)).toEqual(["/api/v1/documents/d1"]);
  });
});
