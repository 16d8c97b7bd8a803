import { describe, expect, it } from "vitest";
import { parseAttendees, parseCsv, toCsvLine } from "./csv";

describe("csv", () => {
  it("parses quoted fields with commas, quotes and newlines", () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\n"multi\nline",x,\n\n')).toEqual([
      ["a", "b, c", 'say "hi"'],
      ["multi\nline", "x", ""],
    ]);
    expect(toCsvLine(["a", 'b "c"', "d,e", null, 3])).toBe('a,"b ""c""","d,e",,3');
  });

  it("checks each attendee row: email, repeats, known roles; roles default to user", () => {
    const rows = parseAttendees(
      "email,name,roles\nada@example.org,Ada,user;admin\nnot-an-email,Bob,\nADA@example.org,Again,\ncy@example.org,Cy,wizard\ndee@example.org,,",
      ["user", "admin"],
    );
    expect(rows.map((r) => [r.line, r.email, r.roles, r.problem ?? "ok"])).toEqual([
      [2, "ada@example.org", ["user", "admin"], "ok"],
      [3, "not-an-email", ["user"], "“not-an-email” is not an email address"],
      [4, "ADA@example.org", ["user"], "the same email is in an earlier row"],
      [5, "cy@example.org", ["wizard"], "unknown role wizard"],
      [6, "dee@example.org", ["user"], "ok"],
    ]);
  });

  it("reads rows without a header as email, name, roles", () => {
    expect(parseAttendees("eve@example.org,Eve", [])[0]).toEqual({ line: 1, email: "eve@example.org", name: "Eve", roles: ["user"] });
  });
});
