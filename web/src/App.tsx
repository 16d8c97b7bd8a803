/** The shell: sign-in pages when signed out, else the role-aware sidebar and the current screen. */
import { useEffect } from "react";
import type { ComponentType } from "react";
import { homePath, visibleNav } from "./nav";
import { navigate, usePath } from "./router";
import { useSession } from "./session";
import { Audit } from "./pages/Audit";
import { Chat } from "./pages/Chat";
import { Embeddings } from "./pages/Embeddings";
import { Models } from "./pages/Models";
import { Pending } from "./pages/Pending";
import { Profile } from "./pages/Profile";
import { Register } from "./pages/Register";
import { SignIn } from "./pages/SignIn";
import { Usage } from "./pages/Usage";
import { Users } from "./pages/Users";

const SCREENS: Record<string, ComponentType> = {
  "/chat": Chat,
  "/embeddings": Embeddings,
  "/models": Models,
  "/admin/users": Users,
  "/admin/pending": Pending,
  "/usage": Usage,
  "/audit": Audit,
  "/profile": Profile,
};

export function App() {
  const { me, loading, signOut } = useSession();
  const path = usePath();
  const nav = visibleNav(me?.permissions ?? []);
  const allowed = nav.some((item) => item.path === path);

  // Signed out: only the sign-in and registration pages; signed in: only permitted screens.
  useEffect(() => {
    if (loading) return;
    if (!me && path !== "/signin" && path !== "/register") navigate("/signin", true);
    if (me && !allowed) navigate(homePath(me.permissions), true);
  }, [loading, me, path, allowed]);

  if (loading) return <p className="loading">Loading…</p>;
  if (!me) return path === "/register" ? <Register /> : <SignIn />;

  const Screen = allowed ? SCREENS[path] : null;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Ollama Workshop</span>
        <span className="who" data-testid="signed-in-as">
          {me.user.email}
        </span>
        <button type="button" className="secondary small" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav className="sidebar" aria-label="Main">
        <ul>
          {nav.map((item) => (
            <li key={item.path}>
              <a
                href={item.path}
                aria-current={item.path === path ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(item.path);
                }}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {Screen && <Screen />}
      </main>
    </div>
  );
}
