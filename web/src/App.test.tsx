import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { json, mockFetch, problem } from "./test/helpers";

const me = (permissions: string[]) => ({
  user: { id: "u1", email: "ada@example.org", status: "active", roles: ["user"], organization_id: "o", created_at: "", updated_at: "" },
  organization: { id: "o", name: "Org", slug: "org" },
  roles: ["user"],
  permissions,
  authenticated_by: "session",
});

/** The app module keeps its client and session at module level: load a fresh copy per test. */
async function renderApp(path: string) {
  window.history.replaceState(null, "", path);
  const { vi } = await import("vitest");
  vi.resetModules();
  const { App } = await import("./App");
  const { SessionProvider } = await import("./session");
  render(
    <SessionProvider>
      <App />
    </SessionProvider>,
  );
}

function signedIn() {
  localStorage.setItem(
    "owp.session",
    JSON.stringify({ access_token: "A1", refresh_token: "R1", expires_at: Date.now() + 600_000 }),
  );
}

describe("App", () => {
  it("sends a signed-out visitor to the sign-in page", async () => {
    mockFetch(() => problem(404, "unexpected call"));
    await renderApp("/admin/users");
    await screen.findByRole("heading", { name: "Sign in" });
    expect(window.location.pathname).toBe("/signin");
  });

  it("shows a `user` chat, embeddings, the content screens and profile, and keeps it out of admin screens", async () => {
    signedIn();
    mockFetch((url) => {
      if (url === "/api/v1/auth/me") return json(me(["models:use", "content:read", "api_keys:self"]));
      if (url.startsWith("/api/v1/models")) return json({ items: [], total: 0 });
      if (url.startsWith("/api/v1/conversations")) return json({ items: [], total: 0 });
      return problem(403, "forbidden");
    });
    await renderApp("/admin/users");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    await waitFor(() =>
      expect(within(nav).getAllByRole("link").map((a) => a.textContent)).toEqual(["Chat", "Embeddings", "Prompts", "Tools", "Agents", "Documents", "Collections", "RAG systems", "Projects", "Profile"]),
    );
    // The admin URL is not served to it: it is told so, with a way to its first screen.
    await screen.findByRole("heading", { level: 1, name: "You don't have access to this page" });
    expect(screen.queryByRole("heading", { name: "Users" })).toBeNull();
    expect(screen.getByRole("link", { name: "Go to your start page" }).getAttribute("href")).toBe("/chat");
  });

  it("returns to sign-in when the stored session cannot be refreshed", async () => {
    signedIn();
    mockFetch((url) =>
      url === "/api/v1/auth/refresh" ? problem(401, "refresh token reused") : problem(401, "session ended"),
    );
    await renderApp("/chat");
    await screen.findByRole("heading", { name: "Sign in" });
    expect(localStorage.getItem("owp.session")).toBeNull();
  });
  it("counts waiting registrations beside Pending approvals, and the menu button opens the drawer", async () => {
    signedIn();
    mockFetch((url) => {
      if (url === "/api/v1/auth/me") return json(me(["users:read", "users:write"]));
      if (url.startsWith("/api/v1/admin/users/pending")) return json({ items: [], total: 4 });
      if (url.startsWith("/api/v1/users") || url.startsWith("/api/v1/roles")) return json({ items: [], total: 0 });
      return problem(404, "unexpected call");
    });
    await renderApp("/admin/users");
    expect((await screen.findByTestId("pending-count")).textContent).toBe("4");
    const menu = screen.getByRole("button", { name: "Menu" });
    expect(menu.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(menu);
    expect(menu.getAttribute("aria-expanded")).toBe("true");
    expect(document.activeElement?.textContent).toBe("Users");
    fireEvent.keyDown(window, { key: "Escape" });
    expect(menu.getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(menu);
  });
});
