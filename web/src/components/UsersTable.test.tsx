import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import type { UserView } from "../api/types";
import { PAGE_SIZE, UsersTable, sortUsers } from "./UsersTable";

const user = (i: number, extra: Partial<UserView> = {}): UserView => ({
  id: `u${i}`,
  email: `user${String(i).padStart(2, "0")}@example.org`,
  full_name: `Name ${i}`,
  roles: ["user"],
  status: "active",
  organization_id: "o",
  created_at: "2026-01-01T00:00:00",
  updated_at: "2026-01-01T00:00:00",
  ...extra,
});

describe("UsersTable", () => {
  it("sorts by last sign-in with never-signed-in users first ascending", () => {
    const users = [user(1, { last_login_at: "2026-02-01T00:00:00" }), user(2), user(3, { last_login_at: "2026-01-01T00:00:00" })];
    expect(sortUsers(users, "last_login", true).map((u) => u.id)).toEqual(["u2", "u3", "u1"]);
    expect(sortUsers(users, "last_login", false).map((u) => u.id)).toEqual(["u1", "u3", "u2"]);
  });

  it("pages, re-sorts on a header click, and selects a whole page", () => {
    const users = Array.from({ length: 30 }, (_, i) => user(i + 1));
    const onSelect = vi.fn();
    render(<UsersTable users={users} selected={new Set()} onSelect={onSelect} openId={null} onOpen={() => {}} />);
    const table = screen.getByRole("table", { name: "Users" });
    expect(within(table).getAllByRole("row")).toHaveLength(PAGE_SIZE + 1);
    expect(screen.getByText("Page 1 of 2 · 30 users")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(within(table).getAllByRole("row")).toHaveLength(30 - PAGE_SIZE + 1);

    fireEvent.click(screen.getByRole("button", { name: /Email/ }));
    expect(screen.getByRole("columnheader", { name: /Email/ }).getAttribute("aria-sort")).toBe("descending");
    fireEvent.click(screen.getByRole("button", { name: "Previous" }));
    expect(within(table).getAllByRole("row")[1].textContent).toContain("user30@example.org");

    fireEvent.click(screen.getByRole("checkbox", { name: "Select all on this page" }));
    expect(onSelect.mock.calls[0][0]).toHaveLength(PAGE_SIZE);
    expect(onSelect.mock.calls[0][1]).toBe(true);
  });
});
