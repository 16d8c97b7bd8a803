import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { ApiError } from "../api/problem";
import { emptyVariable, toVariable } from "../content/variables";
import type { VariableDraft } from "../content/variables";
import { VariablesEditor } from "./VariablesEditor";

let latest: VariableDraft[] = [];

function Harness({ error, start = [] }: { error?: unknown; start?: VariableDraft[] }) {
  const [vars, setVars] = useState<VariableDraft[]>(start);
  latest = vars;
  return <VariablesEditor variables={vars} onChange={setVars} error={error} />;
}

describe("VariablesEditor", () => {
  it("adds a variable, makes it a select with options, and removes another", () => {
    render(<Harness />);
    expect(screen.getByText(/No variables/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Add variable" }));
    fireEvent.click(screen.getByRole("button", { name: "Add variable" }));
    const first = screen.getByRole("group", { name: "Variable 1" });
    fireEvent.change(within(first).getByLabelText("Name"), { target: { value: "tone" } });
    const tone = screen.getByRole("group", { name: "Variable tone" });
    expect(within(tone).queryByLabelText("Options (one per line)")).toBeNull();
    fireEvent.change(within(tone).getByLabelText("Type"), { target: { value: "select" } });
    fireEvent.change(within(tone).getByLabelText("Options (one per line)"), { target: { value: "friendly\nformal" } });
    const def = within(tone).getByLabelText("Default") as HTMLSelectElement;
    expect(Array.from(def.options).map((o) => o.value)).toEqual(["", "friendly", "formal"]);
    fireEvent.change(def, { target: { value: "formal" } });
    fireEvent.click(within(tone).getByLabelText("Required"));

    fireEvent.click(screen.getByRole("button", { name: "Remove variable 2" }));
    expect(screen.queryByRole("group", { name: "Variable 2" })).toBeNull();
    expect(latest.map(toVariable)).toEqual([
      { name: "tone", type: "select", required: true, description: "", default: "formal", options: ["friendly", "formal"] },
    ]);
  });

  it("offers true/false as the default of a boolean", () => {
    render(<Harness start={[{ ...emptyVariable("formal"), type: "boolean" }]} />);
    const group = screen.getByRole("group", { name: "Variable formal" });
    const def = within(group).getByLabelText("Default") as HTMLSelectElement;
    expect(def.tagName).toBe("SELECT");
    fireEvent.change(def, { target: { value: "true" } });
    expect(toVariable(latest[0]).default).toBe(true);
  });

  it("shows the server's faults beside the field of the right variable", () => {
    const error = new ApiError({
      status: 422,
      detail: "variables[1].options: a select needs options",
      errors: [{ field: "variables[1].options", message: "a select needs options" }],
    });
    render(<Harness error={error} start={[emptyVariable("a"), { ...emptyVariable("b"), type: "select" }]} />);
    const b = screen.getByRole("group", { name: "Variable b" });
    expect(within(b).getByText("A select needs options.")).toBeTruthy();
    expect(within(screen.getByRole("group", { name: "Variable a" })).queryByText(/select needs/)).toBeNull();
  });
});
