/** Chat with an Ollama model: the reply streams in as markdown; Stop aborts it. */
import { useCallback, useEffect, useRef, useState } from "react";
import type { FormEvent, KeyboardEvent } from "react";
import { api } from "../api/client";
import { streamChat } from "../api/chat";
import type { ChatDone } from "../api/chat";
import type { Conversation, Page, StoredMessage } from "../api/types";
import { Conversations } from "../components/Conversations";
import { ErrorBox } from "../components/forms";
import { Markdown } from "../components/Markdown";
import { ModelPicker, chatModels } from "../components/ModelPicker";
import { useLoad } from "../hooks";

interface Line {
  key: string;
  role: StoredMessage["role"];
  content: string;
  incomplete?: boolean;
  streaming?: boolean;
  info?: string;
}

let nextKey = 0;
const key = () => `m${++nextKey}`;

function doneInfo(done: ChatDone): string | undefined {
  const parts: string[] = [];
  if (done.usage?.completion_tokens !== undefined) parts.push(`${done.usage.completion_tokens} tokens`);
  if (done.timings?.total_ms !== undefined) parts.push(`${(done.timings.total_ms / 1000).toFixed(1)} s`);
  return parts.length ? parts.join(" · ") : undefined;
}

export function Chat() {
  const [model, setModel] = useState("");
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [streaming, setStreaming] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const conversations = useLoad(
    () => api.get<Page<Conversation>>("/api/v1/conversations", { limit: 100 }),
    [],
  );

  // Leaving the page stops a reply in flight (the server keeps the partial answer).
  useEffect(() => () => abort.current?.abort(), []);

  const open = useCallback(async (id: string | null) => {
    abort.current?.abort();
    setConversationId(id);
    setError(null);
    if (!id) {
      setLines([]);
      return;
    }
    try {
      const page = await api.get<Page<StoredMessage>>(`/api/v1/conversations/${id}/messages`, {
        limit: 500,
      });
      setLines(
        page.items.map((m) => ({
          key: m.id,
          role: m.role,
          content: m.content,
          incomplete: m.incomplete,
        })),
      );
      const last = [...page.items].reverse().find((m) => m.model);
      if (last?.model) setModel(last.model);
    } catch (err) {
      setError(err);
    }
  }, []);

  const updateLast = (change: (line: Line) => Line) =>
    setLines((all) => (all.length ? [...all.slice(0, -1), change(all[all.length - 1])] : all));

  const send = async () => {
    const content = draft.trim();
    if (!content || !model || streaming) return;
    setDraft("");
    setError(null);
    setLines((all) => [
      ...all,
      { key: key(), role: "user", content },
      { key: key(), role: "assistant", content: "", streaming: true },
    ]);
    const controller = new AbortController();
    abort.current = controller;
    setStreaming(true);
    try {
      await streamChat(
        api,
        {
          model,
          messages: [{ role: "user", content }],
          conversation_id: conversationId ?? undefined,
        },
        {
          onStart: (start) => setConversationId(start.conversation_id),
          onDelta: (text) => updateLast((l) => ({ ...l, content: l.content + text })),
          onDone: (done) => updateLast((l) => ({ ...l, info: doneInfo(done) })),
        },
        controller.signal,
      );
      updateLast((l) => ({ ...l, streaming: false }));
    } catch (err) {
      const stopped = err instanceof DOMException && err.name === "AbortError";
      updateLast((l) => ({ ...l, streaming: false, incomplete: true }));
      if (!stopped) setError(err);
    } finally {
      abort.current = null;
      setStreaming(false);
      void conversations.reload();
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send();
  };
  // Enter sends, Shift+Enter adds a line.
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <div className="page chat-page">
      <Conversations
        items={conversations.data?.items}
        error={conversations.error}
        activeId={conversationId}
        onOpen={(id) => void open(id)}
        onChanged={() => void conversations.reload()}
      />
      <section className="chat" aria-labelledby="chat-title">
        <h1 id="chat-title">Chat</h1>
        <ModelPicker value={model} onChange={setModel} filter={chatModels} />
        <ol className="messages" aria-live="polite" aria-label="Messages">
          {lines.map((line) => (
            <li key={line.key} className={`message ${line.role}`} data-role={line.role}>
              <span className="who">{line.role === "user" ? "You" : line.role}</span>
              {line.role === "assistant" ? (
                <Markdown text={line.content || (line.streaming ? "…" : "")} />
              ) : (
                <p className="plain">{line.content}</p>
              )}
              {line.incomplete && <small className="muted">(incomplete)</small>}
              {line.info && <small className="muted">{line.info}</small>}
            </li>
          ))}
        </ol>
        <ErrorBox error={error} />
        <form className="composer" onSubmit={submit}>
          <label htmlFor="chat-input" className="visually-hidden">
            Message
          </label>
          <textarea
            id="chat-input"
            rows={3}
            value={draft}
            placeholder="Message (Enter sends, Shift+Enter for a new line)"
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKey}
          />
          {streaming ? (
            <button type="button" className="danger" onClick={() => abort.current?.abort()}>
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!draft.trim() || !model}>
              Send
            </button>
          )}
        </form>
      </section>
    </div>
  );
}
