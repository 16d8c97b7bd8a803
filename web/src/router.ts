/**
 * History routing without a library: the gateway answers every client route with index.html,
 * so a path is enough; components re-render on `navigate` and on back/forward.
 */
import { useSyncExternalStore } from "react";

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

/** The current path, re-rendering on change. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Goes to `path` (a no-op when already there). */
export function navigate(path: string, replace = false): void {
  if (window.location.pathname === path) return;
  if (replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  listeners.forEach((l) => l());
}

/**
 * A screen holding something that would be lost (an uncopied API-key secret) registers a guard:
 * `go` asks it before in-app navigation, and the browser warns on reload or close.
 */
type Guard = () => Promise<boolean>;
const guards = new Set<Guard>();

function warnOnUnload(e: BeforeUnloadEvent) {
  e.preventDefault();
  // Older browsers show the dialog only when returnValue is set.
  e.returnValue = "";
}

/** Adds a leave guard; the returned function removes it. */
export function guardLeaving(guard: Guard): () => void {
  guards.add(guard);
  if (guards.size === 1) window.addEventListener("beforeunload", warnOnUnload);
  return () => {
    guards.delete(guard);
    if (guards.size === 0) window.removeEventListener("beforeunload", warnOnUnload);
  };
}

/** Whether every guard lets the user leave (asked one after the other). */
export async function mayLeave(): Promise<boolean> {
  for (const guard of [...guards]) {
    if (!(await guard())) return false;
  }
  return true;
}

/** In-app navigation that respects the leave guards. */
export async function go(path: string): Promise<void> {
  if (window.location.pathname === path) return;
  if (await mayLeave()) navigate(path);
}
