import { describe, expect, it } from "vitest";
import { homePath, visibleNav } from "./nav";

describe("visibleNav", () => {
  it("gives the `user` role chat, embeddings, the content screens and profile only", () => {
    const user = ["models:use", "content:read", "api_keys:self"];
    expect(visibleNav(user).map((i) => i.label)).toEqual(["Chat", "Embeddings", "Prompts", "Tools", "Agents", "Documents", "Collections", "RAG systems", "Projects", "Profile"]);
    expect(homePath(user)).toBe("/chat");
  });

  it("gives an admin the admin screens", () => {
    const admin = ["users:read", "users:write", "audit:read", "models:use", "models:manage", "usage:read"];
    expect(visibleNav(admin).map((i) => i.path)).toEqual([
      "/chat", "/embeddings", "/models", "/admin/users", "/admin/pending", "/usage", "/audit", "/profile",
    ]);
  });

  it("opens the content screens to a guest, who lands on prompts", () => {
    expect(visibleNav(["content:read"]).map((i) => i.path)).toEqual(["/prompts", "/tools", "/agents", "/documents", "/collections", "/rag-systems", "/projects", "/profile"]);
    expect(homePath(["content:read"])).toBe("/prompts");
  });

  it("leaves someone without permissions the profile", () => {
    expect(visibleNav([]).map((i) => i.path)).toEqual(["/profile"]);
    expect(homePath([])).toBe("/profile");
  });
});
