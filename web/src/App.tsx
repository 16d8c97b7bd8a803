/** The app: sign-in pages when signed out, else the shell with the current (permitted) screen. */
import { useEffect } from "react";
import type { ComponentType } from "react";
import { ConfirmProvider } from "./components/ConfirmDialog";
import { NoAccess, Shell } from "./components/Shell";
import { homePath, visibleNav } from "./nav";
import { navigate, usePath } from "./router";
import { useSession } from "./session";
import { Audit } from "./pages/Audit";
import { Chat } from "./pages/Chat";
import { Collections } from "./pages/Collections";
import { Documents } from "./pages/Documents";
import { Embeddings } from "./pages/Embeddings";
import { Models } from "./pages/Models";
import { Pending } from "./pages/Pending";
import { Profile } from "./pages/Profile";
import { Projects } from "./pages/Projects";
import { Agents } from "./pages/Agents";
import { Prompts } from "./pages/Prompts";
import { RagSystems } from "./pages/RagSystems";
import { Register } from "./pages/Register";
import { SignIn } from "./pages/SignIn";
import { Tools } from "./pages/Tools";
import { Usage } from "./pages/Usage";
import { Users } from "./pages/Users";

const SCREENS: Record<string, ComponentType> = {
  "/chat": Chat,
  "/embeddings": Embeddings,
  "/prompts": Prompts,
  "/tools": Tools,
  "/agents": Agents,
  "/documents": Documents,
  "/collections": Collections,
  "/rag-systems": RagSystems,
  "/projects": Projects,
  "/models": Models,
  "/admin/users": Users,
  "/admin/pending": Pending,
  "/usage": Usage,
  "/audit": Audit,
  "/profile": Profile,
};

export function App() {
  const { me, loading } = useSession();
  const path = usePath();
  const nav = visibleNav(me?.permissions ?? []);
  const allowed = nav.some((item) => item.path === path);
  // A screen that exists but is not for this role gets a message, not a silent redirect.
  const forbidden = !!me && !allowed && path in SCREENS;

  // Signed out: only the sign-in and registration pages; signed in: unknown paths go home.
  useEffect(() => {
    if (loading) return;
    if (!me && path !== "/signin" && path !== "/register") navigate("/signin", true);
    if (me && !allowed && !forbidden) navigate(homePath(me.permissions), true);
  }, [loading, me, path, allowed, forbidden]);

  if (loading) return <p className="loading">Loading…</p>;
  if (!me) return path === "/register" ? <Register /> : <SignIn />;

  const Screen = allowed ? SCREENS[path] : null;
  return (
    <ConfirmProvider>
      <Shell nav={nav} path={path}>
        {Screen && <Screen />}
        {forbidden && <NoAccess home={homePath(me.permissions)} />}
      </Shell>
    </ConfirmProvider>
  );
}
