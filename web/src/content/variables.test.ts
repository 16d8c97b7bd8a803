import { describe, expect, it } from "vitest";
import {
  commandQuery,
  emptyVariable,
  filterCommands,
  fromVariable,
  initialValues,
  missingRequired,
  parseJsonObject,
  parseTags,
  templateNames,
  toVariable,
  undeclared,
  valuesPayload,
} from "./variables";
import type { Variable } from "../api/types";

describe("drafts and declarations", () => {
  it("types the default and sends options only for a select", () => {
    const n = { ...emptyVariable("count"), type: "number" as const, default: " 3 ", options: "a" };
    expect(toVariable(n)).toEqual({ name: "count", type: "number", required: false, description: "", default: 3 });
    const b = { ...emptyVariable("formal"), type: "boolean" as const, default: "false" };
    expect(toVariable(b).default).toBe(false);
    const s = { ...emptyVariable("tone"), type: "select" as const, options: "friendly\n formal ,\n\n", required: true };
    expect(toVariable(s)).toEqual({ name: "tone", type: "select", required: true, description: "", options: ["friendly", "formal"] });
    expect("default" in toVariable(emptyVariable("x"))).toBe(false);
  });

  it("round-trips a declaration through a draft", () => {
    const v = { name: "tone", type: "select", required: true, default: "formal" as unknown, options: ["friendly", "formal"], description: "How" } as Variable;
    expect(toVariable(fromVariable(v))).toEqual(v);
  });

  it("finds the names a template uses, skipping built-ins and escaped braces", () => {
    expect(templateNames("Hi {{ who }}, today {{CURRENT_DATE}} \\{{literal}} {{who}} {{topic}}")).toEqual(["who", "topic"]);
    expect(undeclared("{{a}} {{b}}", [{ name: "a" }])).toEqual(["b"]);
  });

  it("parses tags: trimmed, lower case, once", () => {
    expect(parseTags(" Rust, demo ,rust,, ")).toEqual(["rust", "demo"]);
  });
});

describe("values", () => {
  const vars = [
    { name: "topic", type: "text", required: true },
    { name: "n", type: "number", default: 2 as unknown },
    { name: "formal", type: "boolean" },
    { name: "when", type: "date" },
  ] as Variable[];

  it("starts from the defaults", () => {
    expect(initialValues(vars)).toEqual({ topic: "", n: "2", formal: false, when: "" });
  });

  it("sends typed values and leaves empty fields out", () => {
    expect(valuesPayload(vars, { topic: " Rust ", n: "5", formal: true, when: "" })).toEqual({ topic: "Rust", n: 5, formal: true });
    expect(valuesPayload(vars, { topic: "x", n: "", formal: false, when: "2026-12-05" })).toEqual({ topic: "x", formal: false, when: "2026-12-05" });
  });

  it("names required variables still empty", () => {
    expect(missingRequired(vars, { topic: " ", n: "" })).toEqual(["topic"]);
    expect(missingRequired(vars, { topic: "a" })).toEqual([]);
  });
});

describe("command picker filtering", () => {
  const prompts = [
    { command: "review", name: "Code review" },
    { command: "summarize", name: "Summary" },
    { command: "pr-review", name: "Pull request" },
    { command: "rename", name: "Naming help" },
  ];

  it("reads the typed command only while the composer holds just /word", () => {
    expect(commandQuery("/")).toBe("");
    expect(commandQuery("/Rev")).toBe("rev");
    expect(commandQuery("/rev now")).toBeNull();
    expect(commandQuery("hi /rev")).toBeNull();
  });

  it("puts prefix matches first, then other matches by command or name", () => {
    expect(filterCommands(prompts, "re").map((p) => p.command)).toEqual(["rename", "review", "pr-review"]);
    expect(filterCommands(prompts, "summ").map((p) => p.command)).toEqual(["summarize"]);
    expect(filterCommands(prompts, "naming").map((p) => p.command)).toEqual(["rename"]);
    expect(filterCommands(prompts, "").map((p) => p.command)).toEqual(["pr-review", "rename", "review", "summarize"]);
    expect(filterCommands(prompts, "", 2)).toHaveLength(2);
    expect(filterCommands(prompts, "zzz")).toEqual([]);
  });
});

describe("parseJsonObject", () => {
  it("accepts an object", () => {
    expect(parseJsonObject('{"type": "object"}')).toEqual({ ok: true, value: { type: "object" } });
  });

  it("says where a syntax error is", () => {
    const r = parseJsonObject('{\n  "type": "object",\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.line).toBe(3);
      expect(r.message).toMatch(/^Line 3, column 1: /);
    }
    const end = parseJsonObject('{"a": 1');
    expect(end.ok).toBe(false);
  });

  it("refuses what is not an object", () => {
    const r = parseJsonObject("[1, 2]");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/must be a JSON object/);
  });
});
