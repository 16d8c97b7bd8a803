import { afterEach, describe, expect, it, vi } from "vitest";
import { act, render, screen } from "@testing-library/react";
import { ApiError } from "../api/problem";
import { ErrorBox, Field, Notice, fieldError } from "./forms";

afterEach(() => vi.useRealTimers());

describe("messages and errors", () => {
  it("gives each kind its own style; success fades away, warnings stay", () => {
    vi.useFakeTimers();
    render(
      <>
        <Notice kind="success">Saved.</Notice>
        <Notice kind="warning">Careful.</Notice>
      </>,
    );
    expect(screen.getByText("Saved.").className).toBe("message success");
    expect(screen.getByText("Careful.").className).toBe("message warning");
    act(() => vi.advanceTimersByTime(6000));
    expect(screen.queryByText("Saved.")).toBeNull();
    expect(screen.getByText("Careful.")).toBeTruthy();
  });

  it("shows a field's error once, beside the field, and no banner for it", () => {
    const err = new ApiError({ status: 409, detail: "email is already taken", errors: [{ field: "email", message: "already taken" }] });
    render(
      <form>
        <Field label="Email" error={fieldError(err, "email")} />
        <ErrorBox error={err} fields={["email"]} />
      </form>,
    );
    expect(screen.getAllByText(/already taken/i).map((e) => e.textContent)).toEqual(["Already taken."]);
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows the rest in one sentence-case banner", () => {
    render(<ErrorBox error={new ApiError({ status: 401, detail: "invalid email or password" })} />);
    expect(screen.getByRole("alert").textContent).toBe("Invalid email or password.");
  });
});
