/** The conversation list beside the chat: open, rename, delete. */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import { ApiError } from "../api/problem";
import type { Conversation } from "../api/types";
import { useConfirm } from "./ConfirmDialog";
import { ErrorBox, Notice, useAction } from "./forms";

interface Props {
  items: Conversation[] | undefined;
  error: unknown;
  activeId: string | null;
  onOpen(id: string | null): void;
  onChanged(): void;
}

export function Conversations({ items, error, activeId, onOpen, onChanged }: Props) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  // On a phone the list starts folded so the chat itself is on screen.
  const [collapsed, setCollapsed] = useState(
    () => typeof window.matchMedia === "function" && window.matchMedia("(max-width: 768px)").matches,
  );
  const confirm = useConfirm();
  const rename = useAction(async (id: string) => {
    await api.patch(`/api/v1/conversations/${id}`, { title: title.trim() });
    setRenaming(null);
    onChanged();
  });
  const remove = useAction(async (c: Conversation) => {
    await api.delete(`/api/v1/conversations/${c.id}`);
    if (c.id === activeId) onOpen(null);
    setMessage(`Deleted “${c.title || "Untitled"}”.`);
    onChanged();
  });
  const askRemove = async (c: Conversation) => {
    setMessage(null);
    const ok = await confirm({
      action: "Delete conversation",
      object: c.title || "Untitled",
      consequence: "All its messages are deleted for good.",
    });
    if (ok) void remove.run(c);
  };
  const submit = (e: FormEvent, id: string) => {
    e.preventDefault();
    void rename.run(id);
  };
  // A server without the conversation routes yet still lets people chat.
  const unavailable = error instanceof ApiError && (error.status === 404 || error.status === 405);

  return (
    <nav className={`conversations${collapsed ? " collapsed" : ""}`} aria-label="Conversations">
      <div className="buttons">
        <button type="button" onClick={() => onOpen(null)}>
          New chat
        </button>
        <button
          type="button"
          className="secondary conv-toggle"
          aria-expanded={!collapsed}
          onClick={() => setCollapsed((c) => !c)}
        >
          {collapsed ? `Show conversations (${items?.length ?? 0})` : "Hide conversations"}
        </button>
      </div>
      {unavailable ? (
        <p className="muted">Saved conversations are not available on this server.</p>
      ) : (
        <ErrorBox error={error} />
      )}
      <ErrorBox error={rename.error ?? remove.error} />
      {message && <Notice kind="success">{message}</Notice>}
      <ul>
        {items?.map((c) => (
          <li key={c.id} className={c.id === activeId ? "active" : ""}>
            {renaming === c.id ? (
              <form onSubmit={(e) => submit(e, c.id)} className="rename">
                <label className="visually-hidden" htmlFor={`rename-${c.id}`}>
                  New title
                </label>
                <input
                  id={`rename-${c.id}`}
                  value={title}
                  autoFocus
                  onChange={(e) => setTitle(e.target.value)}
                  onKeyDown={(e) => e.key === "Escape" && setRenaming(null)}
                />
                <button type="submit" className="small">
                  Save
                </button>
              </form>
            ) : (
              <>
                <button
                  type="button"
                  className="link"
                  aria-current={c.id === activeId ? "true" : undefined}
                  onClick={() => onOpen(c.id)}
                >
                  {c.title || "Untitled"}
                </button>
                <span className="row-actions">
                  <button
                    type="button"
                    className="secondary small"
                    aria-label={`Rename ${c.title || "Untitled"}`}
                    onClick={() => {
                      setRenaming(c.id);
                      setTitle(c.title ?? "");
                    }}
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    className="danger small"
                    aria-label={`Delete ${c.title || "Untitled"}`}
                    onClick={() => void askRemove(c)}
                  >
                    Delete
                  </button>
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
