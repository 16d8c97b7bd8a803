/**
 * Try a collection's search: query, mode, how many results, a score floor and tags. Each result
 * shows its scores, document, position and text, and opens its chunk marked in the document.
 */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { Collection, SearchAnswer, SearchRequest, SearchResult } from "../api/types";
import { formatScore, parseTags, positionText } from "../knowledge/format";
import { go } from "../router";
import { EmptyState } from "./States";
import { ErrorBox, Field, Notice, fieldError, useAction } from "./forms";

const MODES = [
  { value: "hybrid", label: "hybrid (vector + keywords)" },
  { value: "vector", label: "vector (meaning)" },
  { value: "lexical", label: "lexical (keywords)" },
];

const FIELDS = ["query", "top_k", "mode", "min_score", "filter.tags"];

/** The document screen with the result's chunk marked in its text. */
function resultLink(result: SearchResult): string {
  const where = positionText(result.position);
  const params = new URLSearchParams({
    id: result.document_id,
    start: String(result.position.start),
    end: String(result.position.end),
    label: `search result${where ? ` · ${where}` : ""}`,
  });
  return `/documents?${params.toString()}`;
}

function ResultItem({ result, rank }: { result: SearchResult; rank: number }) {
  const where = positionText(result.position);
  const parts = [
    result.vector_score !== null && result.vector_score !== undefined && `vector ${formatScore(result.vector_score)}`,
    result.lexical_score !== null && result.lexical_score !== undefined && `lexical ${formatScore(result.lexical_score)}`,
  ].filter(Boolean);
  return (
    <li className="search-result" aria-label={`Result ${rank}: ${result.document_title}`}>
      <div className="chunk-head">
        <strong>{result.document_title}</strong>
        <span className="badge" title="Ranking score of the mode">
          score {formatScore(result.score)}
        </span>
        {parts.length > 0 && <span className="muted small-text">{parts.join(" · ")}</span>}
      </div>
      {where && <p className="muted small-text result-position">{where}</p>}
      <p className="chunk-text">{result.text}</p>
      <button type="button" className="secondary small" onClick={() => void go(resultLink(result))}>
        Open in document
      </button>
    </li>
  );
}

export function SearchPlayground({ collection }: { collection: Collection }) {
  const [query, setQuery] = useState("");
  const [mode, setMode] = useState("hybrid");
  const [topK, setTopK] = useState("5");
  const [minScore, setMinScore] = useState("");
  const [tags, setTags] = useState("");
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const search = useAction(async () => {
    const tagList = parseTags(tags);
    const body: SearchRequest = {
      query: query.trim(),
      mode,
      top_k: Number(topK) || 5,
      min_score: minScore.trim() === "" ? null : Number(minScore),
      filter: tagList.length ? { tags: tagList } : {},
    };
    setAnswer(await api.post<SearchAnswer>(`/api/v1/collections/${collection.id}/search`, body));
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void search.run();
  };

  return (
    <section className="card" aria-labelledby="search-title">
      <h2 id="search-title">Search playground</h2>
      <form onSubmit={submit}>
        <Field label="Query" value={query} required placeholder="A question or keywords" onChange={(e) => setQuery(e.target.value)} error={fieldError(search.error, "query")} />
        <div className="two-columns">
          <div className="field">
            <label htmlFor="search-mode">Mode</label>
            <select id="search-mode" value={mode} onChange={(e) => setMode(e.target.value)}>
              {MODES.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
            </select>
          </div>
          <Field label="Results" type="number" min={1} max={100} value={topK} onChange={(e) => setTopK(e.target.value)} error={fieldError(search.error, "top_k")} />
          <Field
            label="Minimum score"
            type="number"
            step="any"
            value={minScore}
            placeholder="none"
            hint={mode === "lexical" ? "Lexical score, 0 to 1." : "Vector similarity."}
            onChange={(e) => setMinScore(e.target.value)}
            error={fieldError(search.error, "min_score")}
          />
          <Field label="Only tags" value={tags} placeholder="e.g. setup" hint="Comma-separated; any of them." onChange={(e) => setTags(e.target.value)} error={fieldError(search.error, "filter.tags")} />
        </div>
        <ErrorBox error={search.error} fields={FIELDS} />
        <button type="submit" disabled={search.busy || !query.trim()}>
          Search
        </button>
      </form>
      {answer && (
        <div className="search-answer" role="region" aria-label="Search results">
          {answer.state === "indexing" && (
            <Notice kind="warning">
              {answer.pending_documents === 1
                ? "1 document is still being indexed and was not searched."
                : `${answer.pending_documents} documents are still being indexed and were not searched.`}
            </Notice>
          )}
          <p className="muted small-text">
            {answer.results.length} {answer.results.length === 1 ? "result" : "results"} · {answer.mode} · generation {answer.generation}
          </p>
          {answer.results.length === 0 ? (
            <EmptyState>Nothing found. Try other words, another mode or a lower minimum score.</EmptyState>
          ) : (
            <ol className="search-results">
              {answer.results.map((r, i) => (
                <ResultItem key={r.chunk_id} result={r} rank={i + 1} />
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}
