/** A form for a prompt's variables, one input by type; used by "Try it" and the chat's /command. */
import { useId } from "react";
import type { Variable } from "../api/types";
import type { Values } from "../content/variables";
import { sentence } from "../api/problem";
import { fieldError } from "./forms";

function Input({ variable, value, onChange, error }: {
  variable: Variable;
  value: string | boolean | undefined;
  onChange(value: string | boolean): void;
  error?: string;
}) {
  const id = useId();
  const text = typeof value === "string" ? value : "";
  const hint = [variable.description ? sentence(variable.description) : "", variable.required && variable.type !== "boolean" ? "Required." : ""]
    .filter(Boolean)
    .join(" ");
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": described,
    required: variable.required && variable.type !== "boolean",
  };
  let input;
  switch (variable.type) {
    case "textarea":
      input = <textarea {...common} rows={4} value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "select":
      input = (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{variable.required ? "Choose…" : "(none)"}</option>
          {(variable.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case "boolean":
      return (
        <div className="field">
          <label className="check">
            <input
              {...common}
              type="checkbox"
              checked={value === true}
              onChange={(e) => onChange(e.target.checked)}
            />
            {variable.name}
          </label>
          {variable.description && (
            <small className="hint" id={`${id}-hint`}>
              {variable.description}
            </small>
          )}
          {error && (
            <small className="field-error" id={`${id}-error`}>
              {error}
            </small>
          )}
        </div>
      );
    default:
      input = (
        <input
          {...common}
          type={variable.type === "number" ? "number" : variable.type === "date" ? "date" : "text"}
          step={variable.type === "number" ? "any" : undefined}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {variable.name}
      </label>
      {input}
      {hint && (
        <small className="hint" id={`${id}-hint`}>
          {hint}
        </small>
      )}
      {error && (
        <small className="field-error" id={`${id}-error`}>
          {error}
        </small>
      )}
    </div>
  );
}

interface Props {
  variables: readonly Variable[];
  values: Values;
  onChange(values: Values): void;
  /** A failed render: its `variables.<name>` faults are shown beside the inputs. */
  error?: unknown;
}

export function VariableInputs({ variables, values, onChange, error }: Props) {
  if (variables.length === 0) return <p className="muted small-text">This prompt has no variables.</p>;
  return (
    <div className="variable-inputs">
      {variables.map((v) => (
        <Input
          key={v.name}
          variable={v}
          value={values[v.name]}
          onChange={(value) => onChange({ ...values, [v.name]: value })}
          error={fieldError(error, `variables.${v.name}`)}
        />
      ))}
    </div>
  );
}

/** The server fields a render failure names that the inputs show (for ErrorBox). */
export function variableFields(variables: readonly Variable[]): string[] {
  return variables.map((v) => `variables.${v.name}`);
}
