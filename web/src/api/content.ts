/** Small helpers for the content API (prompts, tools, projects). */
import type { ApiClient } from "./client";
import type { Prompt, Rendered, Variable } from "./types";
import { valuesPayload } from "../content/variables";
import type { Values } from "../content/variables";

/** Renders the current version of a prompt with the values of a fill-in form. */
export function renderPrompt(client: ApiClient, prompt: Pick<Prompt, "id" | "variables">, values: Values): Promise<Rendered> {
  return client.post<Rendered>(`/api/v1/prompts/${prompt.id}/render`, {
    variables: valuesPayload(prompt.variables as Variable[], values),
  });
}
