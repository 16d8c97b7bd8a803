import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { ToolCallCard } from "./ToolCallCard";

const call = { id: "call_1", name: "get_weather", arguments: { city: "Paris" } };

describe("ToolCallCard", () => {
  it("shows the tool and its arguments, and sends the typed result", () => {
    const onAnswer = vi.fn();
    render(<ToolCallCard call={call} onAnswer={onAnswer} />);
    const card = screen.getByRole("group", { name: "Tool call get_weather" });
    expect(card.querySelector("pre")?.textContent).toBe('{\n  "city": "Paris"\n}');
    const send = screen.getByRole("button", { name: "Send result" }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText("Tool result"), { target: { value: "sunny" } });
    fireEvent.click(send);
    expect(onAnswer).toHaveBeenCalledWith("sunny");
  });

  it("shows the stored result instead of the form once answered", () => {
    render(<ToolCallCard call={call} answer="sunny" onAnswer={() => {}} />);
    expect(screen.getByText("sunny")).toBeTruthy();
    expect(screen.queryByLabelText("Tool result")).toBeNull();
  });

  it("offers no form when the call can no longer be answered", () => {
    render(<ToolCallCard call={call} />);
    expect(screen.queryByRole("button", { name: "Send result" })).toBeNull();
  });
});
