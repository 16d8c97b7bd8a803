/**
 * The chat's `/command` list: prompts whose command fits what was typed after `/`. The composer
 * keeps the focus and moves the highlight with the arrow keys (`pickKey`); Enter or Tab chooses.
 */
import type { Prompt } from "../api/types";

export type PickAction = { type: "move"; index: number } | { type: "choose" } | { type: "close" } | null;

/** What a key does while the list is open with `count` entries and `active` highlighted. */
export function pickKey(key: string, active: number, count: number): PickAction {
  if (key === "Escape") return { type: "close" };
  if (count === 0) return null;
  if (key === "ArrowDown") return { type: "move", index: (active + 1) % count };
  if (key === "ArrowUp") return { type: "move", index: (active - 1 + count) % count };
  if (key === "Home") return { type: "move", index: 0 };
  if (key === "End") return { type: "move", index: count - 1 };
  if (key === "Enter" || key === "Tab") return { type: "choose" };
  return null;
}

export const PICKER_ID = "command-picker";
export const optionId = (i: number) => `${PICKER_ID}-${i}`;

interface Props {
  prompts: Pick<Prompt, "id" | "command" | "name">[];
  active: number;
  loading?: boolean;
  typed: string;
  onChoose(index: number): void;
  onHover(index: number): void;
}

export function CommandPicker({ prompts, active, loading, typed, onChoose, onHover }: Props) {
  return (
    <div className="command-picker">
      {loading && prompts.length === 0 && <p className="muted small-text">Loading prompts…</p>}
      {!loading && prompts.length === 0 && (
        <p className="muted small-text" role="status">
          No prompt has a command starting with /{typed}.
        </p>
      )}
      <ul id={PICKER_ID} role="listbox" aria-label="Prompts">
        {prompts.map((p, i) => (
          <li
            key={p.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className={i === active ? "active" : undefined}
            // Keep the focus in the composer: choose on mouse down, before it would blur.
            onMouseDown={(e) => {
              e.preventDefault();
              onChoose(i);
            }}
            onMouseEnter={() => onHover(i)}
          >
            <code>/{p.command}</code> <span>{p.name}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
