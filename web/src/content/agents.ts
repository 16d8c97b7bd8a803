/** The agent form's state and its mapping to the API body (`/api/v1/agents`). */
import type { Agent, AgentOptions, NewAgent, Prompt, Variable, Visibility } from "../api/types";
import { initialValues, valuesPayload } from "./variables";
import type { Values } from "./variables";

/** Number options with their ranges (the server checks them too and names `options.<key>`). */
export const NUMBER_OPTIONS = [
  { key: "temperature", label: "Temperature", min: 0, max: 2, step: "any", hint: "0 to 2" },
  { key: "top_p", label: "Top p", min: 0, max: 1, step: "any", hint: "0 to 1" },
  { key: "top_k", label: "Top k", min: 1, max: undefined, step: "1", hint: "1 or more" },
  { key: "num_ctx", label: "Context length (num_ctx)", min: 1, max: 1048576, step: "1", hint: "1 to 1 048 576 tokens" },
  { key: "num_predict", label: "Most tokens (num_predict)", min: -1, max: undefined, step: "1", hint: "-1: no limit" },
  { key: "seed", label: "Seed", min: undefined, max: undefined, step: "1", hint: "fixed seed for reproducible answers" },
  { key: "repeat_penalty", label: "Repeat penalty", min: 0, max: undefined, step: "any", hint: "0 or more" },
] as const;

export type NumberOption = (typeof NUMBER_OPTIONS)[number]["key"];

export interface AgentForm {
  name: string;
  slug: string;
  description: string;
  model: string;
  source: "text" | "prompt";
  systemPrompt: string;
  promptId: string;
  promptValues: Values;
  toolIds: string[];
  /** RAG system or collection ids that ground every turn. */
  knowledge: string[];
  options: Record<NumberOption, string>;
  stop: string[];
  visibility: Visibility;
  projectId: string;
  active: boolean;
}

/** A slug from a name: lower case, dashes, at most 48 characters. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
}

function emptyOptions(): Record<NumberOption, string> {
  return Object.fromEntries(NUMBER_OPTIONS.map((o) => [o.key, ""])) as Record<NumberOption, string>;
}

/** The form for a new agent, or filled from a stored one. */
export function agentForm(agent: Agent | null): AgentForm {
  const options = emptyOptions();
  if (agent) {
    const stored = agent.options as Record<string, unknown>;
    for (const o of NUMBER_OPTIONS) {
      const v = stored[o.key];
      if (typeof v === "number") options[o.key] = String(v);
    }
  }
  const values: Values = {};
  for (const [k, v] of Object.entries(agent?.prompt_variables ?? {})) {
    if (typeof v === "boolean") values[k] = v;
    else if (v !== null && v !== undefined) values[k] = String(v);
  }
  return {
    name: agent?.name ?? "",
    slug: agent?.slug ?? "",
    description: agent?.description ?? "",
    model: agent?.model ?? "",
    source: agent?.prompt_id ? "prompt" : "text",
    systemPrompt: agent?.system_prompt ?? "",
    promptId: agent?.prompt_id ?? "",
    promptValues: values,
    toolIds: agent?.tool_ids ?? [],
    knowledge: agent?.knowledge ?? [],
    options,
    stop: agent?.options.stop ?? [],
    visibility: agent?.visibility ?? "private",
    projectId: agent?.project_id ?? "",
    active: agent?.active ?? true,
  };
}

/** Start values for a newly chosen prompt: its defaults, kept where the form has values already. */
export function promptStartValues(prompt: Pick<Prompt, "variables">, current: Values): Values {
  const start = initialValues(prompt.variables as Variable[]);
  for (const v of prompt.variables) if (v.name in current) start[v.name] = current[v.name];
  return start;
}

/** The options object: filled number fields as numbers (a typo is sent as is for the server to name), stop when any. */
export function optionsPayload(form: Pick<AgentForm, "options" | "stop">): AgentOptions {
  const out: Record<string, unknown> = {};
  for (const o of NUMBER_OPTIONS) {
    const text = form.options[o.key].trim();
    if (!text) continue;
    const n = Number(text);
    out[o.key] = Number.isFinite(n) ? n : text;
  }
  const stop = form.stop.filter((s) => s !== "");
  if (stop.length) out.stop = stop;
  return out as AgentOptions;
}

/**
 * The create/update body. The system prompt comes either from the text or from a prompt with
 * its variables, never both: the other side is sent as null so an edit can switch sources.
 */
export function agentBody(form: AgentForm, prompt?: Pick<Prompt, "variables"> | null): NewAgent {
  const fromPrompt = form.source === "prompt";
  return {
    name: form.name.trim(),
    slug: form.slug.trim(),
    description: form.description.trim(),
    model: form.model,
    system_prompt: fromPrompt || !form.systemPrompt.trim() ? null : form.systemPrompt,
    prompt_id: fromPrompt ? form.promptId || null : null,
    prompt_variables: fromPrompt && prompt ? valuesPayload(prompt.variables as Variable[], form.promptValues) : {},
    tool_ids: form.toolIds,
    options: optionsPayload(form),
    knowledge: form.knowledge,
    visibility: form.visibility,
    project_id: form.projectId || null,
    active: form.active,
  };
}
