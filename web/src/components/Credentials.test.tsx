import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import type { ReactElement } from "react";
import { ConfirmProvider } from "./ConfirmDialog";
import { Credentials } from "./Credentials";
import { json, mockFetch, problem } from "../test/helpers";
import { go } from "../router";

const key = (id: string, label: string, revoked_at: string | null = null) => ({
  id,
  user_id: "u1",
  label,
  prefix: `owp_${id}`,
  created_at: "2026-01-01T10:00:00",
  revoked_at,
});

const renderIn = (ui: ReactElement) => render(<ConfirmProvider>{ui}</ConfirmProvider>);

describe("Credentials", () => {
  it("shows the secret once, with a copy button, and lists keys with their state", async () => {
    let keys = [key("k0", "old", "2026-01-02T10:00:00")];
    const calls = mockFetch((_url, init) => {
      if (init.method === "POST") {
        keys = [...keys, key("k1", "ci")];
        return json({ key: key("k1", "ci"), secret: "owp_k1_THE_SECRET" }, 201);
      }
      return json(keys);
    });
    renderIn(<Credentials basePath="/api/v1/users/u1/api-keys" />);
    await screen.findByText("old");
    expect(screen.getByText(/^revoked/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Revoke old" })).toBeNull();

    fireEvent.change(screen.getByLabelText("Key label"), { target: { value: "ci" } });
    fireEvent.click(screen.getByRole("button", { name: "Issue" }));
    const secret = await screen.findByTestId("one-time-secret");
    expect(secret.textContent).toBe("owp_k1_THE_SECRET");
    expect(within(secret.parentElement!).getByRole("button", { name: "Copy" })).toBeTruthy();
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ label: "ci" });
    await screen.findByRole("button", { name: "Revoke ci" });

    // Dismissed, the secret is gone for good: the list never carries it.
    fireEvent.click(screen.getByRole("button", { name: "I have copied it" }));
    expect(screen.queryByTestId("one-time-secret")).toBeNull();
    expect(document.body.textContent).not.toContain("THE_SECRET");
  });

  it("shows a field error beside the label only, not again in a banner", async () => {
    mockFetch((_url, init) =>
      init.method === "POST" ? problem(422, "label must be 1 to 100 characters", [{ field: "label", message: "too long" }]) : json([]),
    );
    renderIn(<Credentials basePath="/api/v1/me/api-keys" />);
    fireEvent.change(await screen.findByLabelText("Key label"), { target: { value: "x" } });
    fireEvent.click(screen.getByRole("button", { name: "Issue" }));
    expect(await screen.findByText("Too long.")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("says so beside the field when the label is empty, without calling the server", async () => {
    const calls = mockFetch(() => json([]));
    renderIn(<Credentials basePath="/api/v1/me/api-keys" />);
    await screen.findByText("No API keys yet.");
    fireEvent.click(screen.getByRole("button", { name: "Issue" }));
    expect(screen.getByText("Give the key a label, e.g. what will use it.")).toBeTruthy();
    expect(screen.getByLabelText("Key label").getAttribute("aria-invalid")).toBe("true");
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);
  });

  it("revokes only after confirming, and says it did", async () => {
    let keys = [key("k1", "ci")];
    const calls = mockFetch((_url, init) => {
      if (init.method === "DELETE") {
        keys = [key("k1", "ci", "2026-01-03T10:00:00")];
        return new Response(null, { status: 204 });
      }
      return json(keys);
    });
    renderIn(<Credentials basePath="/api/v1/me/api-keys" />);
    fireEvent.click(await screen.findByRole("button", { name: "Revoke ci" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Revoke key “ci”?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);

    fireEvent.click(screen.getByRole("button", { name: "Revoke ci" }));
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Revoke key" }));
    await screen.findByText("Revoked the key “ci”.");
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.url)).toEqual(["/api/v1/me/api-keys/k1"]);
  });
  it("asks before leaving while the secret is shown, and not after it was dismissed", async () => {
    window.history.replaceState(null, "", "/profile");
    mockFetch((_url, init) =>
      init.method === "POST" ? json({ key: key("k1", "ci"), secret: "owp_k1_S" }, 201) : json([]),
    );
    renderIn(<Credentials basePath="/api/v1/me/api-keys" />);
    fireEvent.change(await screen.findByLabelText("Key label"), { target: { value: "ci" } });
    fireEvent.click(screen.getByRole("button", { name: "Issue" }));
    await screen.findByTestId("one-time-secret");

    const leaving = go("/chat");
    const dialog = await screen.findByRole("alertdialog", { name: "Leave without copying “ci”?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await leaving;
    expect(window.location.pathname).toBe("/profile");

    fireEvent.click(screen.getByRole("button", { name: "I have copied it" }));
    await go("/chat");
    expect(window.location.pathname).toBe("/chat");
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });
});
