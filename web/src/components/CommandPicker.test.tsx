import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { CommandPicker, pickKey } from "./CommandPicker";

describe("pickKey", () => {
  it("moves round the list, chooses with Enter or Tab, closes with Escape", () => {
    expect(pickKey("ArrowDown", 0, 3)).toEqual({ type: "move", index: 1 });
    expect(pickKey("ArrowDown", 2, 3)).toEqual({ type: "move", index: 0 });
    expect(pickKey("ArrowUp", 0, 3)).toEqual({ type: "move", index: 2 });
    expect(pickKey("End", 0, 3)).toEqual({ type: "move", index: 2 });
    expect(pickKey("Home", 2, 3)).toEqual({ type: "move", index: 0 });
    expect(pickKey("Enter", 1, 3)).toEqual({ type: "choose" });
    expect(pickKey("Tab", 1, 3)).toEqual({ type: "choose" });
    expect(pickKey("Escape", 1, 3)).toEqual({ type: "close" });
    expect(pickKey("a", 1, 3)).toBeNull();
  });

  it("lets Enter through when nothing matches (the text is sent as typed)", () => {
    expect(pickKey("Enter", 0, 0)).toBeNull();
    expect(pickKey("ArrowDown", 0, 0)).toBeNull();
    expect(pickKey("Escape", 0, 0)).toEqual({ type: "close" });
  });
});

describe("CommandPicker", () => {
  const prompts = [
    { id: "p1", command: "review", name: "Code review" },
    { id: "p2", command: "rename", name: "Naming" },
  ];

  it("marks the active option and chooses on click", () => {
    const onChoose = vi.fn();
    render(<CommandPicker prompts={prompts} active={1} typed="re" onChoose={onChoose} onHover={() => {}} />);
    const options = screen.getAllByRole("option");
    expect(options.map((o) => o.getAttribute("aria-selected"))).toEqual(["false", "true"]);
    fireEvent.mouseDown(options[0]);
    expect(onChoose).toHaveBeenCalledWith(0);
  });

  it("says when no command fits", () => {
    render(<CommandPicker prompts={[]} active={0} typed="zz" onChoose={() => {}} onHover={() => {}} />);
    expect(screen.getByText("No prompt has a command starting with /zz.")).toBeTruthy();
  });
});
