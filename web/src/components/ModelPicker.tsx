/** A model drop-down from `/api/v1/models`, or a text field (with a notice) when Ollama is down. */
import { useEffect, useId } from "react";
import { api } from "../api/client";
import type { ModelDetail, ModelList, ModelView } from "../api/types";
import { useLoad } from "../hooks";
import { errorMessage } from "../api/problem";

/** A listed model with what it can do, when `/api/v1/models/{name}` told. */
export type PickerModel = ModelView & { capabilities?: string[] };

/**
 * Whether a model only makes embeddings: by Ollama's capabilities (`embedding` without
 * `completion`); when they could not be read, by its family and the usual embedding names.
 */
export function isEmbeddingModel(model: PickerModel): boolean {
  if (model.capabilities) {
    return model.capabilities.includes("embedding") && !model.capabilities.includes("completion");
  }
  const family = model.family.toLowerCase();
  if (family.includes("bert") || family === "all-minilm") return true;
  return /(embed|minilm|^bge|^e5-|^gte|paraphrase-)/i.test(model.name);
}

/** For chat: everything but embedding-only models. */
export const chatModels = (m: PickerModel) => !isEmbeddingModel(m);

/** The models the caller may use, each with its capabilities (one detail call per model). */
async function loadModels(): Promise<{ items: PickerModel[] }> {
  const list = await api.get<ModelList>("/api/v1/models");
  const items = await Promise.all(
    list.items.map(async (m): Promise<PickerModel> => {
      try {
        const detail = await api.get<ModelDetail>(`/api/v1/models/${encodeURIComponent(m.name)}`);
        return Array.isArray(detail.capabilities) ? { ...m, capabilities: detail.capabilities } : m;
      } catch {
        return m;
      }
    }),
  );
  return { items };
}

export function useModels() {
  return useLoad(loadModels, []);
}

interface Props {
  value: string;
  onChange(name: string): void;
  /** Which models fit (e.g. only embedding-capable ones); all when absent. */
  filter?: (model: PickerModel) => boolean;
  label?: string;
  /** Fixed (e.g. by a chosen agent): shown, not changeable, and no first model is picked. */
  disabled?: boolean;
}

export function ModelPicker({ value, onChange, filter, label = "Model", disabled = false }: Props) {
  const id = useId();
  const models = useModels();
  const names = (models.data?.items ?? []).filter(filter ?? (() => true)).map((m) => m.name);
  // Pick the first model once the list arrives, unless one is chosen already.
  useEffect(() => {
    if (!disabled && !value && names.length > 0) onChange(names[0]);
  }, [value, names[0], onChange, disabled]);

  if (models.error) {
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          value={value}
          placeholder="e.g. llama3.2:latest"
          onChange={(e) => onChange(e.target.value)}
          required
          disabled={disabled}
        />
        <small className="message warning" role="status">
          Models could not be listed ({errorMessage(models.error)}). Type a model name.
        </small>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} required disabled={disabled}>
        {models.loading && names.length === 0 && <option value="">Loading…</option>}
        {!models.loading && names.length === 0 && <option value="">No suitable model installed</option>}
        {value && !names.includes(value) && <option value={value}>{value}</option>}
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
