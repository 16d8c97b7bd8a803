/**
 * The signed-in frame: top bar with the product name, the sidebar (a drawer behind a menu button
 * under 768 px), the pending-approvals badge, and the current screen.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { ReactNode } from "react";
import { api } from "../api/client";
import type { UserPage } from "../api/types";
import type { NavItem } from "../nav";
import { go, mayLeave } from "../router";
import { useSession } from "../session";

const pendingListeners = new Set<() => void>();

/** Tells the badge to count again (after approvals or rejections). */
export function pendingChanged(): void {
  pendingListeners.forEach((l) => l());
}

/** How many registrations wait for approval; null when the user may not approve. */
function usePendingCount(enabled: boolean, path: string): number | null {
  const [count, setCount] = useState<number | null>(null);
  const load = useCallback(async () => {
    if (!enabled) return setCount(null);
    try {
      const page = await api.get<UserPage>("/api/v1/admin/users/pending", { limit: 1 });
      setCount(page.total);
    } catch {
      setCount(null);
    }
  }, [enabled]);
  useEffect(() => {
    void load();
  }, [load, path]);
  useEffect(() => {
    pendingListeners.add(load);
    return () => void pendingListeners.delete(load);
  }, [load]);
  return count;
}

export function Shell({ nav, path, children }: { nav: NavItem[]; path: string; children: ReactNode }) {
  const { me, can, signOut } = useSession();
  const [open, setOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const pending = usePendingCount(can("users:write"), path);
  // The drawer closes once the user went somewhere.
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    // Keyboard users land in the drawer they opened.
    document.querySelector<HTMLElement>("#main-nav a")?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      menuButton.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <div className={`shell${open ? " drawer-open" : ""}`}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          ref={menuButton}
          type="button"
          className="menu-button"
          aria-label="Menu"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen((o) => !o)}
        >
          <span aria-hidden="true">☰</span>
        </button>
        <span className="brand">Ollama Workshop</span>
        <span className="who" data-testid="signed-in-as">
          {me?.user.email}
        </span>
        <button
          type="button"
          className="secondary small"
          onClick={async () => {
            if (await mayLeave()) void signOut();
          }}
        >
          Sign out
        </button>
      </header>
      {open && <div className="drawer-backdrop" onClick={() => setOpen(false)} />}
      <nav className="sidebar" id="main-nav" aria-label="Main">
        <ul>
          {nav.map((item) => (
            <li key={item.path}>
              <a
                href={item.path}
                aria-current={item.path === path ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  void go(item.path);
                  setOpen(false);
                }}
              >
                {item.label}
                {item.path === "/admin/pending" && pending !== null && pending > 0 && (
                  <span className="count" aria-label={`${pending} waiting`} data-testid="pending-count">
                    {pending}
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** What a signed-in user sees at an address their role does not open. */
export function NoAccess({ home }: { home: string }) {
  return (
    <div className="page">
      <h1>You don't have access to this page</h1>
      <p>Your role does not include this screen. Ask the organiser if you need it.</p>
      <p>
        <a
          href={home}
          onClick={(e) => {
            e.preventDefault();
            void go(home);
          }}
        >
          Go to your start page
        </a>
      </p>
    </div>
  );
}
