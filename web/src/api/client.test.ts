import { describe, expect, it, vi } from "vitest";
import { ApiClient } from "./client";
import type { TokenStore, Tokens } from "./client";
import { ApiError } from "./problem";
import { json, mockFetch, problem } from "../test/helpers";

function memoryStore(initial: Tokens | null = null): TokenStore & { value: Tokens | null } {
  return {
    value: initial,
    load() {
      return this.value;
    },
    save(tokens) {
      this.value = tokens;
    },
  };
}

const session = (access: string, refresh: string, expiresInMs = 600_000): Tokens => ({
  access_token: access,
  refresh_token: refresh,
  expires_at: Date.now() + expiresInMs,
});

describe("ApiClient", () => {
  it("sends the access token as a bearer header and JSON bodies", async () => {
    const calls = mockFetch(() => json({ ok: true }));
    const client = new ApiClient(memoryStore(session("A1", "R1")));
    await expect(client.post("/api/v1/users", { email: "a@b.c" })).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(1);
    expect(calls[0].headers.authorization).toBe("Bearer A1");
    expect(calls[0].headers["content-type"]).toBe("application/json");
    expect(calls[0].body).toEqual({ email: "a@b.c" });
  });

  it("refreshes once on a 401, stores the rotated tokens and retries", async () => {
    const calls = mockFetch((url, init) => {
      const auth = (init.headers as Record<string, string>).authorization;
      if (url === "/api/v1/auth/refresh") {
        return json({ access_token: "A2", refresh_token: "R2", expires_in: 900 });
      }
      return auth === "Bearer A2" ? json({ who: "me" }) : problem(401, "token expired");
    });
    const store = memoryStore(session("A1", "R1"));
    const client = new ApiClient(store);
    await expect(client.get("/api/v1/auth/me")).resolves.toEqual({ who: "me" });
    expect(calls.map((c) => c.url)).toEqual([
      "/api/v1/auth/me",
      "/api/v1/auth/refresh",
      "/api/v1/auth/me",
    ]);
    expect(calls[1].body).toEqual({ refresh_token: "R1" });
    expect(calls[1].headers.authorization).toBeUndefined();
    expect(store.value?.access_token).toBe("A2");
    expect(store.value?.refresh_token).toBe("R2");
  });

  it("shares one refresh between concurrent 401s (refresh tokens are single-use)", async () => {
    const calls = mockFetch((url, init) => {
      if (url === "/api/v1/auth/refresh") {
        return json({ access_token: "A2", refresh_token: "R2", expires_in: 900 });
      }
      const auth = (init.headers as Record<string, string>).authorization;
      return auth === "Bearer A2" ? json({ url }) : problem(401, "expired");
    });
    const client = new ApiClient(memoryStore(session("A1", "R1")));
    await Promise.all([client.get("/a"), client.get("/b"), client.get("/c")]);
    expect(calls.filter((c) => c.url === "/api/v1/auth/refresh")).toHaveLength(1);
  });

  it("signs out when the refresh is refused and surfaces the original 401", async () => {
    mockFetch((url) =>
      url === "/api/v1/auth/refresh" ? problem(401, "refresh token reused") : problem(401, "token expired"),
    );
    const store = memoryStore(session("A1", "R1"));
    const client = new ApiClient(store);
    const ended = vi.fn();
    client.onSessionChange(ended);
    const err = await client.get("/api/v1/auth/me").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(store.value).toBeNull();
    expect(client.signedIn).toBe(false);
    expect(ended).toHaveBeenCalledWith(false);
  });

  it("refreshes ahead of expiry before sending", async () => {
    const calls = mockFetch((url) =>
      url === "/api/v1/auth/refresh"
        ? json({ access_token: "A2", refresh_token: "R2", expires_in: 900 })
        : json({}),
    );
    const client = new ApiClient(memoryStore(session("A1", "R1", 1_000)));
    await client.get("/api/v1/models");
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/auth/refresh", "/api/v1/models"]);
    expect(calls[1].headers.authorization).toBe("Bearer A2");
  });

  it("plans the refresh at 80% of the token lifetime", async () => {
    vi.useFakeTimers();
    try {
      const calls = mockFetch(() => json({ access_token: "A3", refresh_token: "R3", expires_in: 900 }));
      const client = new ApiClient(memoryStore());
      client.setTokens({ access_token: "A2", refresh_token: "R2", expires_in: 100 });
      await vi.advanceTimersByTimeAsync(79_000);
      expect(calls).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1_500);
      expect(calls.map((c) => c.url)).toEqual(["/api/v1/auth/refresh"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("turns problem+json into ApiError with detail and field errors", async () => {
    mockFetch(() =>
      problem(422, "the request is invalid", [{ field: "email", message: "is not an email" }]),
    );
    const client = new ApiClient(memoryStore(session("A1", "R1")));
    const err = (await client.post("/api/v1/users", {}).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.message).toBe("the request is invalid");
    expect(err.fieldError("email")).toBe("is not an email");
    expect(err.fieldError("password")).toBeUndefined();
  });

  it("gives a readable message for an error that is not JSON", async () => {
    mockFetch(() => new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const client = new ApiClient(memoryStore());
    const err = (await client.get("/api/v1/models").catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(502);
    expect(err.message).toBe("502 Bad Gateway");
  });
});
