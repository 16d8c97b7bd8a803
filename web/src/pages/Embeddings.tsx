/** Embed a text: dimensions, norm, first values, and the vector as JSON to copy. */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { EmbeddingsResponse } from "../api/types";
import { CopyButton, ErrorBox, fieldError, useAction } from "../components/forms";
import { ModelPicker, isEmbeddingModel } from "../components/ModelPicker";

/** Euclidean length of a vector. */
export function norm(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
}

export function Embeddings() {
  const [model, setModel] = useState("");
  const [text, setText] = useState("");
  const [result, setResult] = useState<EmbeddingsResponse | null>(null);
  const action = useAction(async () => {
    setResult(await api.post<EmbeddingsResponse>("/api/v1/embeddings", { model, input: text }));
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };
  const vector = result?.embeddings[0] ?? [];
  const inputError = fieldError(action.error, "input");

  return (
    <div className="page">
      <h1>Embeddings</h1>
      <form className="card" onSubmit={submit}>
        <ModelPicker value={model} onChange={setModel} filter={isEmbeddingModel} label="Embedding model" />
        <div className="field">
          <label htmlFor="embed-text">Text</label>
          <textarea
            id="embed-text"
            rows={4}
            required
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          {inputError && <small className="field-error">{inputError}</small>}
        </div>
        <ErrorBox error={action.error} fields={["input"]} />
        <button type="submit" disabled={action.busy || !model || !text.trim()}>
          Embed
        </button>
      </form>
      {result && (
        <section className="card" aria-labelledby="embedding-title">
          <h2 id="embedding-title">Embedding from {result.model}</h2>
          <dl className="facts">
            <dt>Dimensions</dt>
            <dd data-testid="dims">{result.dims}</dd>
            <dt>Norm</dt>
            <dd>{norm(vector).toFixed(4)}</dd>
            <dt>First values</dt>
            <dd>
              <code>{vector.slice(0, 8).map((x) => x.toFixed(4)).join(", ")}</code>
            </dd>
          </dl>
          <CopyButton text={JSON.stringify(vector)} label="Copy as JSON" />
        </section>
      )}
    </div>
  );
}
