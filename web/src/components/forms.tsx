/** Small form pieces: every input has a label, errors sit beside what they are about. */
import { useEffect, useId, useState } from "react";
import type { InputHTMLAttributes, ReactNode } from "react";
import { ApiError, presentError, sentence } from "../api/problem";

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  error?: string;
  hint?: ReactNode;
};

export function Field({ label, error, hint, ...input }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...input}
      />
      {hint && <small className="hint">{hint}</small>}
      {error && (
        <small className="field-error" id={`${id}-error`}>
          {error}
        </small>
      )}
    </div>
  );
}

/**
 * The one banner for a failed action: what the form fields do not already show. `fields` names
 * the fields whose errors sit beside them (via `fieldError`), so nothing is said twice.
 */
export function ErrorBox({ error, fields = [] }: { error: unknown; fields?: readonly string[] }) {
  const { banner } = presentError(error, fields);
  if (!banner) return null;
  return (
    <p className="message error" role="alert">
      {banner}
    </p>
  );
}

export type NoticeKind = "success" | "info" | "warning" | "error";

/** How long a success message stays before it fades away. */
const SUCCESS_VISIBLE_MS = 6000;

/**
 * A message in one of four distinct styles. Success messages fade out after a few seconds
 * (a new text shows again); the others stay until their cause goes.
 */
export function Notice({ children, kind = "info" }: { children: ReactNode; kind?: NoticeKind }) {
  const [gone, setGone] = useState(false);
  const text = typeof children === "string" ? children : JSON.stringify(String(children));
  useEffect(() => {
    setGone(false);
    if (kind !== "success") return;
    const timer = setTimeout(() => setGone(true), SUCCESS_VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [kind, text]);
  if (gone) return null;
  return (
    <p className={`message ${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </p>
  );
}

/** A field's server-side message, when the error named it (in sentence case). */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const message = error.fieldError(field);
  return message ? sentence(message) : undefined;
}

/** Runs an async action with busy/error state, for buttons and forms. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action(...args);
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, setError };
}

/** Copies text and says so for a moment. */
export function CopyButton({
  text,
  label = "Copy",
  onCopied,
}: {
  text: string;
  label?: string;
  onCopied?: () => void;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
      onCopied?.();
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 2000);
  };
  return (
    <button type="button" className="secondary small" onClick={() => void copy()}>
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}
    </button>
  );
}
