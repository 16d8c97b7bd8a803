import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { Credentials } from "./Credentials";
import { json, mockFetch, problem } from "../test/helpers";

const key = (id: string, label: string, revoked_at: string | null = null) => ({
  id,
  user_id: "u1",
  label,
  prefix: `owp_${id}`,
  created_at: "2026-01-01T10:00:00",
  revoked_at,
});

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
    render(<Credentials basePath="/api/v1/users/u1/api-keys" />);
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

  it("shows the server's detail when issuing fails", async () => {
    mockFetch((_url, init) =>
      init.method === "POST" ? problem(422, "label must be 1 to 100 characters", [{ field: "label", message: "too long" }]) : json([]),
    );
    render(<Credentials basePath="/api/v1/me/api-keys" />);
    fireEvent.change(await screen.findByLabelText("Key label"), { target: { value: "x" } });
    fireEvent.click(screen.getByRole("button", { name: "Issue" }));
    expect((await screen.findByRole("alert")).textContent).toBe("label must be 1 to 100 characters");
    expect(screen.getByText("too long")).toBeTruthy();
  });
});
