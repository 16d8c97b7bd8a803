/**
 * Prompt variables in the browser: the editor's drafts (text fields) ↔ the API's declarations,
 * the values a form collects ↔ the `/render` body, and what a template uses.
 */
import type { Prompt, Variable, VariableType } from "../api/types";

export const VARIABLE_TYPES: VariableType[] = ["text", "textarea", "number", "select", "date", "boolean"];

/** Names the server fills in itself. */
export const BUILTINS = ["CURRENT_DATE", "CURRENT_TIME", "USER_NAME", "USER_EMAIL"];

/** One variable as the editor holds it: everything as typed, `key` only for React. */
export interface VariableDraft {
  key: string;
  name: string;
  type: VariableType;
  required: boolean;
  /** As typed; "" means no default. For booleans "true" / "false". */
  default: string;
  /** Select choices, one per line. */
  options: string;
  description: string;
}

let nextKey = 0;
const newKey = () => `v${++nextKey}`;

export function emptyVariable(name = ""): VariableDraft {
  return { key: newKey(), name, type: "text", required: false, default: "", options: "", description: "" };
}

/** The editor's draft of a declared variable. */
export function fromVariable(v: Variable): VariableDraft {
  const value = v.default as unknown;
  return {
    key: newKey(),
    name: v.name,
    type: v.type,
    required: v.required ?? false,
    default: value === null || value === undefined ? "" : String(value),
    options: (v.options ?? []).join("\n"),
    description: v.description ?? "",
  };
}

/** Select choices from the options field: one per line (or comma separated), trimmed. */
export function splitOptions(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((o) => o.trim())
    .filter((o) => o !== "");
}

/** A default as the API wants it: typed by the variable type, null when none. */
function typedDefault(type: VariableType, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (type === "number") {
    const n = Number(trimmed);
    return Number.isFinite(n) ? n : trimmed;
  }
  if (type === "boolean") return trimmed === "true" ? true : trimmed === "false" ? false : trimmed;
  return type === "textarea" ? text : trimmed;
}

/** The declaration the API takes (defaults typed, options only for a select). */
export function toVariable(d: VariableDraft): Variable {
  const v: Record<string, unknown> = {
    name: d.name.trim(),
    type: d.type,
    required: d.required,
    description: d.description.trim(),
  };
  const def = typedDefault(d.type, d.default);
  if (def !== null) v.default = def;
  if (d.type === "select") v.options = splitOptions(d.options);
  return v as Variable;
}

/** The names a template uses, in order, once each; `\{{` is literal and built-ins are left out. */
export function templateNames(content: string): string[] {
  const names: string[] = [];
  const re = /(\\?)\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
  for (let m = re.exec(content); m; m = re.exec(content)) {
    if (m[1]) continue;
    const name = m[2];
    if (!BUILTINS.includes(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Names used in `content` that no draft declares (the server would refuse them). */
export function undeclared(content: string, drafts: readonly { name: string }[]): string[] {
  const declared = new Set(drafts.map((d) => d.name.trim()));
  return templateNames(content).filter((n) => !declared.has(n));
}

/** Tags from a comma separated field: trimmed, lower case, each once. */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const t of text.split(",")) {
    const tag = t.trim().toLowerCase();
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/** What a fill-in form holds: text for every type, a boolean for a checkbox. */
export type Values = Record<string, string | boolean>;

/** Start values: the defaults (empty text, or false for a checkbox, when none). */
export function initialValues(variables: readonly Variable[]): Values {
  const values: Values = {};
  for (const v of variables) {
    const def = v.default as unknown;
    if (v.type === "boolean") values[v.name] = def === true || def === "true";
    else values[v.name] = def === null || def === undefined ? "" : String(def);
  }
  return values;
}

/** The `/render` body's `variables`: typed values; an empty field is left out (the default applies). */
export function valuesPayload(variables: readonly Variable[], values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of variables) {
    const value = values[v.name];
    if (v.type === "boolean") {
      out[v.name] = value === true || value === "true";
      continue;
    }
    if (typeof value !== "string" || value.trim() === "") continue;
    if (v.type === "number") {
      const n = Number(value.trim());
      out[v.name] = Number.isFinite(n) ? n : value;
    } else {
      out[v.name] = v.type === "textarea" ? value : value.trim();
    }
  }
  return out;
}

/** Required variables without a value or default, by name. */
export function missingRequired(variables: readonly Variable[], values: Values): string[] {
  return variables
    .filter((v) => v.required && v.type !== "boolean")
    .filter((v) => {
      const value = values[v.name];
      const def = v.default as unknown;
      return (typeof value !== "string" || value.trim() === "") && (def === null || def === undefined);
    })
    .map((v) => v.name);
}

/** The command typed so far when the composer holds only `/something`, else null. */
export function commandQuery(draft: string): string | null {
  const m = /^\/([A-Za-z0-9-]*)$/.exec(draft);
  return m ? m[1].toLowerCase() : null;
}

/** Prompts for a typed command: commands starting with it first, then those containing it (or the name). */
export function filterCommands<P extends Pick<Prompt, "command" | "name">>(prompts: readonly P[], typed: string, limit = 8): P[] {
  const q = typed.toLowerCase();
  const starts = prompts.filter((p) => p.command.startsWith(q));
  const contains = prompts.filter(
    (p) => !p.command.startsWith(q) && (p.command.includes(q) || p.name.toLowerCase().includes(q)),
  );
  const byCommand = (a: P, b: P) => a.command.localeCompare(b.command);
  return [...starts.sort(byCommand), ...contains.sort(byCommand)].slice(0, limit);
}

/** A JSON text that must hold an object: the value, or where and why it does not parse. */
export type JsonResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; message: string; line?: number; column?: number };

export function parseJsonObject(text: string): JsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const lineCol = /line (\d+) column (\d+)/.exec(raw);
    const pos = /position (\d+)/.exec(raw);
    let line: number | undefined;
    let column: number | undefined;
    if (lineCol) {
      line = Number(lineCol[1]);
      column = Number(lineCol[2]);
    } else if (pos) {
      const before = text.slice(0, Number(pos[1]));
      line = before.split("\n").length;
      column = before.length - before.lastIndexOf("\n");
    } else if (text.trim() === "" || /end of (JSON )?input/i.test(raw)) {
      const lines = text.split("\n");
      line = lines.length;
      column = lines[lines.length - 1].length + 1;
    }
    const reason = raw.replace(/^JSON\.parse: /, "").replace(/\s*\(line \d+ column \d+\)/, "").replace(/ in JSON at position \d+/, "");
    const where = line !== undefined ? `Line ${line}, column ${column}: ` : "";
    return { ok: false, message: `${where}${reason.replace(/\.$/, "")}.`, line, column };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: "The schema must be a JSON object, e.g. {\"type\": \"object\", \"properties\": {}}." };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
