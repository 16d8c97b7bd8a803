/**
 * Picks the knowledge an agent answers from: RAG systems and collections the user can see, as
 * checkboxes grouped by kind. Ids no longer visible stay listed so they can be removed.
 */
import { api } from "../api/client";
import type { CollectionList, RagSystemList } from "../api/rag";
import { useLoad } from "../hooks";

interface Option {
  id: string;
  name: string;
  detail: string;
}

async function loadOptions(): Promise<{ systems: Option[]; collections: Option[] }> {
  const [systems, collections] = await Promise.all([
    api.get<RagSystemList>("/api/v1/rag-systems", { limit: 500 }).catch(() => null),
    api.get<CollectionList>("/api/v1/collections", { limit: 500 }).catch(() => null),
  ]);
  return {
    systems: (systems?.items ?? []).map((s) => ({ id: s.id, name: s.name, detail: s.chat_model })),
    collections: (collections?.items ?? []).map((c) => ({ id: c.id, name: c.name, detail: c.embedding_model })),
  };
}

export function KnowledgePicker({ value, onChange, error }: {
  value: string[];
  onChange(ids: string[]): void;
  error?: string;
}) {
  const options = useLoad(loadOptions, []);
  const systems = options.data?.systems ?? [];
  const collections = options.data?.collections ?? [];
  const known = new Set([...systems, ...collections].map((o) => o.id));
  const toggle = (id: string, on: boolean) => onChange(on ? [...value, id] : value.filter((x) => x !== id));
  const group = (label: string, items: Option[]) =>
    items.length > 0 && (
      <div role="group" aria-label={label}>
        <span className="label-text small-text">{label}</span>
        <div className="check-list">
          {items.map((o) => (
            <label key={o.id} className="check">
              <input type="checkbox" checked={value.includes(o.id)} onChange={(e) => toggle(o.id, e.target.checked)} />
              {o.name} <span className="muted small-text">{o.detail}</span>
            </label>
          ))}
        </div>
      </div>
    );

  return (
    <fieldset>
      <legend>Knowledge</legend>
      <p className="hint small-text">Each turn is answered from these, with numbered sources, unless the chat names its own.</p>
      {options.data && systems.length === 0 && collections.length === 0 && value.length === 0 && (
        <p className="muted small-text">No RAG systems or collections to offer.</p>
      )}
      {group("RAG systems", systems)}
      {group("Collections", collections)}
      {value
        .filter((id) => options.data && !known.has(id))
        .map((id) => (
          <label key={id} className="check">
            <input type="checkbox" checked onChange={() => toggle(id, false)} />
            {id} <span className="muted small-text">(not visible to you)</span>
          </label>
        ))}
      {error && <small className="field-error">{error}</small>}
    </fieldset>
  );
}
