import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { Markdown } from "./Markdown";

describe("Markdown", () => {
  it("shows raw HTML from the model as text, never as elements", () => {
    const { container } = render(
      <Markdown text={'Hi <img src=x onerror="alert(1)"> <script>alert(2)</script>'} />,
    );
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(container.textContent).toContain("<script>alert(2)</script>");
  });

  it("keeps web links and drops javascript: links", () => {
    const { container } = render(
      <Markdown text={"[good](https://example.org) and [bad](javascript:alert(1))"} />,
    );
    const links = container.querySelectorAll("a");
    expect(links).toHaveLength(1);
    expect(links[0].getAttribute("href")).toBe("https://example.org");
    expect(links[0].getAttribute("rel")).toContain("noopener");
    expect(container.textContent).toContain("bad");
  });

  it("renders code blocks with their language and a copy button", () => {
    render(<Markdown text={"Run:\n\n```sh\nmake run\n```\n"} />);
    expect(screen.getByText("make run").tagName).toBe("CODE");
    expect(screen.getByText("sh")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Copy code" })).toBeTruthy();
  });
});
