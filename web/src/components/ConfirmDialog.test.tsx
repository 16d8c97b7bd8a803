import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { ConfirmDialog } from "./ConfirmDialog";

const request = { action: "Delete model", object: "llama3.2:latest", consequence: "Nobody can use it until it is pulled again." };

describe("ConfirmDialog", () => {
  it("names the object and the consequence, and focuses Cancel first", () => {
    render(<ConfirmDialog {...request} onAnswer={() => {}} />);
    const dialog = screen.getByRole("alertdialog", { name: "Delete model “llama3.2:latest”?" });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(screen.getByText("Nobody can use it until it is pulled again.").id).toBe(dialog.getAttribute("aria-describedby"));
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Cancel" }));
  });

  it("answers true on the action button, false on Cancel and on Escape", () => {
    const onAnswer = vi.fn();
    render(<ConfirmDialog {...request} onAnswer={onAnswer} />);
    fireEvent.click(screen.getByRole("button", { name: "Delete model" }));
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    fireEvent.keyDown(screen.getByRole("alertdialog"), { key: "Escape" });
    expect(onAnswer.mock.calls).toEqual([[true], [false], [false]]);
  });

  it("keeps Tab inside the dialog", () => {
    render(<ConfirmDialog {...request} onAnswer={() => {}} />);
    const cancel = screen.getByRole("button", { name: "Cancel" });
    const act = screen.getByRole("button", { name: "Delete model" });
    act.focus();
    fireEvent.keyDown(act, { key: "Tab" });
    expect(document.activeElement).toBe(cancel);
    fireEvent.keyDown(cancel, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(act);
  });

  it("gives focus back to what had it before", () => {
    const opener = document.createElement("button");
    document.body.appendChild(opener);
    opener.focus();
    const { unmount } = render(<ConfirmDialog {...request} onAnswer={() => {}} />);
    expect(document.activeElement).not.toBe(opener);
    unmount();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });
});
