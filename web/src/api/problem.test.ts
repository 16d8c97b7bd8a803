import { describe, expect, it } from "vitest";
import { ApiError, errorMessage, presentError, readProblem, sentence } from "./problem";

const err = (status: number, detail: string, errors?: { field: string; message: string }[], requestId?: string) =>
  new ApiError({ status, detail, errors, requestId });

describe("error presentation", () => {
  it("puts server texts in sentence case", () => {
    expect(sentence("invalid email or password")).toBe("Invalid email or password.");
    expect(sentence("Already fine.")).toBe("Already fine.");
    expect(errorMessage(err(401, "invalid email or password"))).toBe("Invalid email or password.");
  });

  it("shows field errors beside their fields and no banner when they say it all", () => {
    const shown = presentError(err(409, "email already registered", [{ field: "email", message: "already registered" }]), ["email"]);
    expect(shown).toEqual({ banner: null, fields: { email: "Already registered." } });
  });

  it("puts errors of fields the form does not show into the one banner", () => {
    const shown = presentError(err(422, "invalid", [{ field: "full_name", message: "too long" }]), ["email"]);
    expect(shown).toEqual({ banner: "Full name: too long.", fields: {} });
  });

  it("gives a 5xx a friendly text with the request id to quote, never the status line", async () => {
    const res = new Response("oops", { status: 500, statusText: "Internal Server Error", headers: { "x-request-id": "req-42" } });
    const problem = await readProblem(res);
    expect(problem.requestId).toBe("req-42");
    const { banner } = presentError(new ApiError(problem));
    expect(banner).toContain("Something went wrong on the server");
    expect(banner).toContain("req-42");
    expect(banner).not.toContain("500");
  });

  it("says when the server could not be reached", () => {
    expect(presentError(new TypeError("Failed to fetch")).banner).toBe("The server could not be reached.");
  });
});
