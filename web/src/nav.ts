/** The sidebar: each screen and the permission that makes it useful (none = everyone signed in). */
export interface NavItem {
  path: string;
  label: string;
  permission?: string;
}

export const NAV: NavItem[] = [
  { path: "/chat", label: "Chat", permission: "models:use" },
  { path: "/embeddings", label: "Embeddings", permission: "models:use" },
  { path: "/prompts", label: "Prompts", permission: "content:read" },
  { path: "/tools", label: "Tools", permission: "content:read" },
  { path: "/agents", label: "Agents", permission: "content:read" },
  { path: "/documents", label: "Documents", permission: "content:read" },
  { path: "/collections", label: "Collections", permission: "content:read" },
  { path: "/rag-systems", label: "RAG systems", permission: "content:read" },
  { path: "/projects", label: "Projects", permission: "content:read" },
  { path: "/models", label: "Models", permission: "models:manage" },
  { path: "/admin/users", label: "Users", permission: "users:read" },
  { path: "/admin/pending", label: "Pending approvals", permission: "users:write" },
  { path: "/usage", label: "Usage", permission: "usage:read" },
  { path: "/audit", label: "Audit log", permission: "audit:read" },
  { path: "/profile", label: "Profile" },
];

/** The screens a user with these permissions may open, in sidebar order. */
export function visibleNav(permissions: readonly string[]): NavItem[] {
  return NAV.filter((item) => !item.permission || permissions.includes(item.permission));
}

/** Where to land after sign-in: the first screen the user may use. */
export function homePath(permissions: readonly string[]): string {
  return visibleNav(permissions)[0]?.path ?? "/profile";
}
