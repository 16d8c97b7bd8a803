/**
 * Ask a RAG system: the answer streams in token by token, then its numbered sources arrive.
 * Follow-up questions continue the same stored conversation, which the chat screen can open.
 */
import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import { askRagSystem } from "../api/rag";
import type { Citation, RagSystem } from "../api/rag";
import { go } from "../router";
import { CitedReply } from "./CitedReply";
import { ErrorBox } from "./forms";
import { Markdown } from "./Markdown";

interface Answer {
  question: string;
  text: string;
  citations: Citation[] | null;
  streaming: boolean;
  incomplete?: boolean;
}

export function AskPanel({ system }: { system: RagSystem }) {
  const [question, setQuestion] = useState("");
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  const streaming = answer?.streaming ?? false;

  // Leaving the panel stops an answer in flight (the server keeps what arrived).
  useEffect(() => () => abort.current?.abort(), []);

  const update = (change: Partial<Answer>) => setAnswer((a) => (a ? { ...a, ...change } : a));
  const ask = async (e: FormEvent) => {
    e.preventDefault();
    const text = question.trim();
    if (!text || streaming) return;
    setError(null);
    setAnswer({ question: text, text: "", citations: null, streaming: true });
    const controller = new AbortController();
    abort.current = controller;
    try {
      await askRagSystem(
        api,
        system.id,
        { question: text, conversation_id: conversationId ?? undefined },
        {
          onStart: (start) => setConversationId(start.conversation_id),
          onDelta: (piece) => setAnswer((a) => (a ? { ...a, text: a.text + piece } : a)),
          onCitations: (citations) => update({ citations }),
        },
        controller.signal,
      );
      update({ streaming: false });
      setQuestion("");
    } catch (err) {
      const stopped = err instanceof DOMException && err.name === "AbortError";
      update({ streaming: false, incomplete: true });
      if (!stopped) setError(err);
    } finally {
      abort.current = null;
    }
  };

  return (
    <section className="card" aria-labelledby="ask-title">
      <h2 id="ask-title">Ask “{system.name}”</h2>
      <form className="ask-form" onSubmit={(e) => void ask(e)}>
        <div className="field">
          <label htmlFor="rag-question">Question</label>
          <textarea
            id="rag-question"
            rows={2}
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
        </div>
        <div className="buttons">
          {streaming ? (
            <button type="button" className="danger" onClick={() => abort.current?.abort()}>
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!question.trim()}>
              Ask
            </button>
          )}
          {conversationId && !streaming && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setConversationId(null);
                setAnswer(null);
              }}
            >
              New conversation
            </button>
          )}
        </div>
      </form>
      <ErrorBox error={error} />
      {answer && (
        <div className="ask-answer" aria-live="polite" aria-label="Answer" role="region" data-streaming={answer.streaming}>
          <p className="muted small-text">Q: {answer.question}</p>
          {answer.citations && !answer.streaming ? (
            <CitedReply text={answer.text} citations={answer.citations} />
          ) : (
            <Markdown text={answer.text || (answer.streaming ? "…" : "")} />
          )}
          {answer.incomplete && <small className="muted">(incomplete)</small>}
          {conversationId && !answer.streaming && (
            <p className="small-text">
              Stored as a conversation:{" "}
              <a
                href={`/chat?conversation=${encodeURIComponent(conversationId)}`}
                onClick={(e) => {
                  e.preventDefault();
                  void go(`/chat?conversation=${encodeURIComponent(conversationId)}`);
                }}
              >
                open it in the chat
              </a>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
