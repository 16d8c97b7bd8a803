/** The declared variables of a prompt: add, change and remove them; server faults sit beside each field. */
import { useId } from "react";
import type { ReactNode } from "react";
import { VARIABLE_TYPES, emptyVariable, splitOptions } from "../content/variables";
import type { VariableDraft } from "../content/variables";
import type { VariableType } from "../api/types";
import { Field, fieldError } from "./forms";

function Labelled({ label, error, children }: { label: string; error?: string; children(id: string): ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {error && <small className="field-error">{error}</small>}
    </div>
  );
}

interface Props {
  variables: VariableDraft[];
  onChange(variables: VariableDraft[]): void;
  /** The failed save, whose `variables[i].member` faults are shown beside their fields. */
  error?: unknown;
  disabled?: boolean;
}

export function VariablesEditor({ variables, onChange, error, disabled }: Props) {
  const set = (i: number, change: Partial<VariableDraft>) =>
    onChange(variables.map((v, j) => (j === i ? { ...v, ...change } : v)));
  const err = (i: number, member: string) => fieldError(error, `variables[${i}].${member}`);
  return (
    <fieldset className="variables" disabled={disabled}>
      <legend>Variables</legend>
      {variables.length === 0 && (
        <p className="muted small-text">
          No variables. Add one, then use it in the content as {"{{name}}"}.
        </p>
      )}
      {variables.map((v, i) => (
        <fieldset key={v.key} className="variable">
          <legend>{v.name.trim() ? `Variable ${v.name.trim()}` : `Variable ${i + 1}`}</legend>
          <div className="variable-grid">
            <Field label="Name" value={v.name} onChange={(e) => set(i, { name: e.target.value })} error={err(i, "name")} required />
            <Labelled label="Type" error={err(i, "type")}>
              {(id) => (
                <select id={id} value={v.type} onChange={(e) => set(i, { type: e.target.value as VariableType })}>
                  {VARIABLE_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              )}
            </Labelled>
            {v.type === "select" ? (
              <Labelled label="Default" error={err(i, "default")}>
                {(id) => (
                  <select id={id} value={v.default} onChange={(e) => set(i, { default: e.target.value })}>
                    <option value="">none</option>
                    {v.default && !splitOptions(v.options).includes(v.default) && <option value={v.default}>{v.default}</option>}
                    {splitOptions(v.options).map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                )}
              </Labelled>
            ) : v.type === "boolean" ? (
              <Labelled label="Default" error={err(i, "default")}>
                {(id) => (
                  <select id={id} value={v.default} onChange={(e) => set(i, { default: e.target.value })}>
                    <option value="">none</option>
                    <option value="true">true</option>
                    <option value="false">false</option>
                  </select>
                )}
              </Labelled>
            ) : (
              <Field
                label="Default"
                type={v.type === "number" ? "number" : v.type === "date" ? "date" : "text"}
                value={v.default}
                onChange={(e) => set(i, { default: e.target.value })}
                error={err(i, "default")}
              />
            )}
            <Field label="Description" value={v.description} onChange={(e) => set(i, { description: e.target.value })} error={err(i, "description")} />
          </div>
          {v.type === "select" && (
            <Labelled label="Options (one per line)" error={err(i, "options")}>
              {(id) => (
                <textarea id={id} rows={3} value={v.options} onChange={(e) => set(i, { options: e.target.value })} />
              )}
            </Labelled>
          )}
          <div className="buttons">
            <label className="check">
              <input type="checkbox" checked={v.required} onChange={(e) => set(i, { required: e.target.checked })} />
              Required
            </label>
            <button
              type="button"
              className="danger small"
              aria-label={`Remove variable ${v.name.trim() || i + 1}`}
              onClick={() => onChange(variables.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>
        </fieldset>
      ))}
      <button type="button" className="secondary small" onClick={() => onChange([...variables, emptyVariable()])}>
        Add variable
      </button>
    </fieldset>
  );
}
