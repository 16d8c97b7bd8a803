/** A tool call in the chat transcript: the tool, its arguments, and the result (typed by the user). */
import { useId, useState } from "react";
import type { FormEvent } from "react";
import type { ToolCall } from "../api/chat";
import { formatArguments } from "../content/transcript";

export function ToolCallCard({ call, answer, onAnswer, disabled = false }: {
  call: ToolCall;
  /** The stored result, once answered. */
  answer?: string;
  /** Sends the result; absent when this call can no longer be answered. */
  onAnswer?(result: string): void;
  disabled?: boolean;
}) {
  const id = useId();
  const [result, setResult] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!result.trim() || !onAnswer) return;
    onAnswer(result);
    setResult("");
  };
  return (
    <div className="tool-call" role="group" aria-label={`Tool call ${call.name}`} data-testid="tool-call">
      <p className="tool-call-title">
        <span className="badge">tool call</span> <code>{call.name}</code>
      </p>
      <pre className="tool-call-args" aria-label="Arguments">
        <code>{formatArguments(call.arguments)}</code>
      </pre>
      {answer !== undefined ? (
        <p className="tool-call-answer small-text">
          <span className="muted">Result:</span> {answer}
        </p>
      ) : (
        onAnswer && (
          <form className="inline-form tool-result-form" onSubmit={submit}>
            <div className="field">
              <label htmlFor={id}>Tool result</label>
              <textarea id={id} rows={2} value={result} onChange={(e) => setResult(e.target.value)} />
            </div>
            <button type="submit" disabled={disabled || !result.trim()}>
              Send result
            </button>
          </form>
        )
      )}
    </div>
  );
}
