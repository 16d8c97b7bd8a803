/** Chat with an Ollama model: the reply streams in as markdown; Stop aborts it. */
import { useCallback, useEffect, useRef, useState } from "react";
import type { FormEvent, KeyboardEvent } from "react";
import { api } from "../api/client";
import { streamChat } from "../api/chat";
import type { ChatDone, ChatMessage, ToolCall } from "../api/chat";
import { renderPrompt } from "../api/content";
import type { Agent, AgentList, Conversation, Page, Prompt, PromptList, StoredMessage } from "../api/types";
import { CommandPicker, PICKER_ID, optionId, pickKey } from "../components/CommandPicker";
import { Conversations } from "../components/Conversations";
import { ErrorBox, useAction } from "../components/forms";
import { VariableInputs, variableFields } from "../components/VariableInputs";
import { commandQuery, filterCommands, initialValues, missingRequired } from "../content/variables";
import type { Values } from "../content/variables";
import { Markdown } from "../components/Markdown";
import { ModelPicker, chatModels } from "../components/ModelPicker";
import { ToolCallCard } from "../components/ToolCallCard";
import { CitedReply } from "../components/CitedReply";
import { answerOf, linesFromStored, pendingCalls, withToolCall } from "../content/transcript";
import type { Line } from "../content/transcript";
import { useLoad } from "../hooks";

let nextKey = 0;
const key = () => `m${++nextKey}`;

function doneInfo(done: ChatDone): string | undefined {
  const parts: string[] = [];
  if (done.usage?.completion_tokens !== undefined) parts.push(`${done.usage.completion_tokens} tokens`);
  if (done.timings?.total_ms !== undefined) parts.push(`${(done.timings.total_ms / 1000).toFixed(1)} s`);
  return parts.length ? parts.join(" · ") : undefined;
}

/** The prompts for `/command`, loaded the first time `/` is typed. */
function usePromptList(wanted: boolean) {
  const [prompts, setPrompts] = useState<Prompt[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  useEffect(() => {
    if (!wanted || started.current) return;
    started.current = true;
    api
      .get<PromptList>("/api/v1/prompts", { limit: 500 })
      .then((page) => setPrompts(page.items))
      .catch((err: unknown) => {
        setError(err);
        setPrompts([]);
      });
  }, [wanted]);
  return { prompts, error };
}

/** The variables of the prompt chosen with `/command`, rendered into the composer or sent. */
function UsePrompt({ prompt, onText, onCancel, canSend }: {
  prompt: Prompt;
  onText(text: string, send: boolean): void;
  onCancel(): void;
  canSend: boolean;
}) {
  const [values, setValues] = useState<Values>(() => initialValues(prompt.variables));
  const [missing, setMissing] = useState<string[]>([]);
  const action = useAction(async (send: boolean) => {
    const rendered = await renderPrompt(api, prompt, values);
    onText(rendered.text, send);
  });
  const go = (e: FormEvent, send: boolean) => {
    e.preventDefault();
    const absent = missingRequired(prompt.variables, values);
    setMissing(absent);
    if (absent.length === 0) void action.run(send);
  };
  return (
    <form className="card use-prompt" aria-labelledby="use-prompt-title" onSubmit={(e) => go(e, true)}>
      <h2 id="use-prompt-title">
        <code>/{prompt.command}</code> {prompt.name}
      </h2>
      <VariableInputs variables={prompt.variables} values={values} onChange={setValues} error={action.error} />
      {missing.length > 0 && (
        <p className="message warning" role="alert">
          Fill in {missing.join(", ")} first.
        </p>
      )}
      <ErrorBox error={action.error} fields={variableFields(prompt.variables)} />
      <div className="buttons">
        <button type="submit" disabled={action.busy || !canSend}>
          Send
        </button>
        <button type="button" className="secondary" disabled={action.busy} onClick={(e) => go(e, false)}>
          Insert into message
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The agent named by `?agent=<id>` (the agents screen's "Chat with this agent"). */
function agentFromUrl(): string {
  return new URLSearchParams(window.location.search).get("agent") ?? "";
}

/** Active agents the user can see; none (and no picker) without `content:read`. */
function AgentPicker({ agents, value, onChange }: { agents: Agent[]; value: string; onChange(id: string): void }) {
  const known = agents.some((a) => a.id === value);
  return (
    <div className="field">
      <label htmlFor="chat-agent">Agent</label>
      <select id="chat-agent" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">(none: the model alone)</option>
        {value && !known && <option value={value}>(an agent no longer available)</option>}
        {agents.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Chat() {
  const [model, setModel] = useState("");
  const [agentId, setAgentId] = useState(agentFromUrl);
  const agentList = useLoad(
    () => api.get<AgentList>("/api/v1/agents", { limit: 500, active: true }).catch(() => null),
    [],
  );
  const agents = ((agentList.data as Page<Agent> | null)?.items ?? []).filter((a) => a.active);
  const agent = agents.find((a) => a.id === agentId) ?? null;
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
      const [page, conversation] = await Promise.all([
        api.get<Page<StoredMessage>>(`/api/v1/conversations/${id}/messages`, { limit: 500 }),
        api.get<Conversation>(`/api/v1/conversations/${id}`).catch(() => null),
      ]);
      setLines(linesFromStored(page.items));
      setAgentId(conversation?.agent_id ?? "");
      const last = [...page.items].reverse().find((m) => m.model);
      if (last?.model) setModel(last.model);
    } catch (err) {
      setError(err);
    }
  }, []);

  // `?conversation=<id>` (e.g. a RAG system's answer) opens that conversation on arrival.
  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get("conversation");
    if (id) void open(id);
  }, [open]);

  const updateLast = (change: (line: Line) => Line) =>
    setLines((all) => (all.length ? [...all.slice(0, -1), change(all[all.length - 1])] : all));

  const typed = commandQuery(draft);
  const [pickerClosed, setPickerClosed] = useState(false);
  const [active, setActive] = useState(0);
  const [chosen, setChosen] = useState<Prompt | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const promptList = usePromptList(typed !== null);
  const matches = typed === null ? [] : filterCommands(promptList.prompts ?? [], typed);
  const pickerOpen = typed !== null && !pickerClosed && !chosen;
  useEffect(() => setActive(0), [typed]);

  const choose = async (prompt: Prompt | undefined) => {
    if (!prompt) return;
    setPickerClosed(true);
    if (prompt.variables.length > 0) {
      setChosen(prompt);
      return;
    }
    // Nothing to ask: the text goes straight into the composer.
    try {
      const rendered = await renderPrompt(api, prompt, {});
      setDraft(rendered.text);
      input.current?.focus();
    } catch (err) {
      setError(err);
    }
  };

  const ready = !!agent || (!agentId && !!model);

  /** One turn: the new messages (shown as `shown`), then the reply streams into a new line. */
  const turn = async (messages: ChatMessage[], shown: Line) => {
    setError(null);
    setLines((all) => [...all, shown, { key: key(), role: "assistant", content: "", streaming: true }]);
    const controller = new AbortController();
    abort.current = controller;
    setStreaming(true);
    try {
      await streamChat(
        api,
        {
          ...(agent ? { agent_id: agent.id } : { model }),
          messages,
          conversation_id: conversationId ?? undefined,
        },
        {
          onStart: (start) => setConversationId(start.conversation_id),
          onDelta: (text) => updateLast((l) => ({ ...l, content: l.content + text })),
          onToolCall: (call) => updateLast((l) => withToolCall(l, call)),
          onCitations: (citations) => updateLast((l) => ({ ...l, citations })),
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

  const send = async (text = draft) => {
    const content = text.trim();
    if (!content || !ready || streaming) return;
    setDraft("");
    await turn([{ role: "user", content }], { key: key(), role: "user", content });
  };

  /** The user's result for a tool call goes back as a `tool` message of the same conversation. */
  const answer = async (call: ToolCall, result: string) => {
    if (!ready || streaming) return;
    await turn([{ role: "tool", content: result, tool_call_id: call.id }], {
      key: key(),
      role: "tool",
      content: result,
      toolCallId: call.id,
    });
  };
  const pending = new Set(pendingCalls(lines).map((c) => c.id));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send();
  };
  // Enter sends, Shift+Enter adds a line.
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (pickerOpen && !e.nativeEvent.isComposing && !e.shiftKey) {
      const pick = pickKey(e.key, active, matches.length);
      if (pick) {
        e.preventDefault();
        if (pick.type === "move") setActive(pick.index);
        else if (pick.type === "close") setPickerClosed(true);
        else void choose(matches[active]);
        return;
      }
    }
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
        <div className="chat-pickers">
          {(agents.length > 0 || agentId) && (
            <AgentPicker
              agents={agents}
              value={agentId}
              onChange={(id) => {
                setAgentId(id);
                if (!id) setModel("");
              }}
            />
          )}
          <ModelPicker value={agent ? agent.model : model} onChange={setModel} filter={chatModels} disabled={!!agentId} />
        </div>
        <ol className="messages" aria-live="polite" aria-label="Messages">
          {lines.map((line) => (
            <li key={line.key} className={`message ${line.role}`} data-role={line.role}>
              <span className="who">{line.role === "user" ? "You" : line.role === "tool" ? "tool result" : line.role}</span>
              {line.role === "assistant" && line.citations && !line.streaming ? (
                <CitedReply text={line.content} citations={line.citations} />
              ) : line.role === "assistant" ? (
                (line.content || line.streaming || !line.toolCalls?.length) && (
                  <Markdown text={line.content || (line.streaming && !line.toolCalls?.length ? "…" : "")} />
                )
              ) : (
                <p className="plain">{line.content}</p>
              )}
              {line.toolCalls?.map((call) => (
                <ToolCallCard
                  key={call.id}
                  call={call}
                  answer={answerOf(lines, call.id)?.content}
                  onAnswer={pending.has(call.id) ? (result) => void answer(call, result) : undefined}
                  disabled={streaming || !ready}
                />
              ))}
              {line.incomplete && <small className="muted">(incomplete)</small>}
              {line.info && <small className="muted">{line.info}</small>}
            </li>
          ))}
        </ol>
        <ErrorBox error={error} />
        {chosen && (
          <UsePrompt
            key={chosen.id}
            prompt={chosen}
            canSend={ready && !streaming}
            onCancel={() => {
              setChosen(null);
              input.current?.focus();
            }}
            onText={(text, now) => {
              setChosen(null);
              if (now) void send(text);
              else {
                setDraft(text);
                input.current?.focus();
              }
            }}
          />
        )}
        {pickerOpen && (
          <CommandPicker
            prompts={matches}
            active={active}
            typed={typed ?? ""}
            loading={promptList.prompts === null}
            onChoose={(i) => void choose(matches[i])}
            onHover={setActive}
          />
        )}
        {pickerOpen && promptList.error !== null && <ErrorBox error={promptList.error} />}
        <form className="composer" onSubmit={submit}>
          <label htmlFor="chat-input" className="visually-hidden">
            Message
          </label>
          <textarea
            id="chat-input"
            ref={input}
            rows={3}
            value={draft}
            placeholder="Message (Enter sends, Shift+Enter for a new line, / for a prompt)"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={pickerOpen}
            aria-controls={pickerOpen ? PICKER_ID : undefined}
            aria-activedescendant={pickerOpen && matches.length > 0 ? optionId(active) : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              setPickerClosed(false);
            }}
            onKeyDown={onKey}
          />
          {streaming ? (
            <button type="button" className="danger" onClick={() => abort.current?.abort()}>
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!draft.trim() || !ready}>
              Send
            </button>
          )}
        </form>
      </section>
    </div>
  );
}
