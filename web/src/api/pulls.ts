/**
 * Model pulls in progress. Kept at module level, outside any component, so a pull keeps going
 * and its progress bar comes back when the admin leaves the Models screen and returns.
 */
import type { ApiClient } from "./client";
import { errorMessage } from "./problem";
import { readSse } from "./sse";

export interface PullState {
  name: string;
  status: string;
  total?: number;
  completed?: number;
  /** running → done | failed */
  phase: "running" | "done" | "failed";
  error?: string;
}

type Listener = () => void;

export class PullStore {
  private pulls = new Map<string, PullState>();
  private snapshot: PullState[] = [];
  private listeners = new Set<Listener>();

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A stable array (new only after a change), as useSyncExternalStore needs. */
  getSnapshot = (): PullState[] => this.snapshot;

  /** Forgets finished pulls. */
  clearFinished(): void {
    for (const [name, pull] of this.pulls) if (pull.phase !== "running") this.pulls.delete(name);
    this.changed();
  }

  /** Starts pulling `name` unless it is already being pulled; resolves when it ends. */
  async start(client: ApiClient, name: string, onFinished?: () => void): Promise<void> {
    if (this.pulls.get(name)?.phase === "running") return;
    this.set({ name, status: "starting", phase: "running" });
    try {
      const res = await client.send("POST", "/api/v1/models/pull", { body: { name } });
      if (!res.body) throw new Error("The server sent no progress stream.");
      for await (const ev of readSse(res.body)) {
        const data = JSON.parse(ev.data) as Record<string, unknown>;
        if (ev.event === "progress") {
          this.set({
            name,
            phase: "running",
            status: String(data.status ?? ""),
            total: num(data.total),
            completed: num(data.completed),
          });
        } else if (ev.event === "done") {
          this.set({ name, phase: "done", status: "success" });
        } else if (ev.event === "error") {
          throw new Error(String(data.message ?? data.detail ?? "pull failed"));
        }
      }
      if (this.pulls.get(name)?.phase === "running") {
        throw new Error("The pull stopped before it finished.");
      }
    } catch (err) {
      this.set({ name, phase: "failed", status: "failed", error: errorMessage(err) });
    } finally {
      onFinished?.();
    }
  }

  private set(pull: PullState): void {
    this.pulls.set(pull.name, pull);
    this.changed();
  }

  private changed(): void {
    this.snapshot = [...this.pulls.values()];
    this.listeners.forEach((l) => l());
  }
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The app's pulls. */
export const pulls = new PullStore();
