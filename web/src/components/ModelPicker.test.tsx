import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { json, mockFetch } from "../test/helpers";
import { ModelPicker, chatModels, isEmbeddingModel } from "./ModelPicker";

const model = (name: string, family: string) => ({ name, family, size: 1, parameter_size: "", quantization_level: "", modified_at: "" });
const MODELS = [model("llama3.2:latest", "llama"), model("nomic-embed-text:latest", "nomic-bert"), model("odd:latest", "odd")];
const CAPS: Record<string, string[]> = {
  "llama3.2:latest": ["completion", "tools"],
  "nomic-embed-text:latest": ["embedding"],
  "odd:latest": ["embedding"],
};

function Picker({ filter }: { filter: typeof chatModels }) {
  const [value, setValue] = useState("");
  return <ModelPicker value={value} onChange={setValue} filter={filter} />;
}

describe("ModelPicker", () => {
  it("filters by the capabilities the server reports and picks the first fitting model", async () => {
    mockFetch((url) => {
      if (url === "/api/v1/models") return json({ items: MODELS, total: 3 });
      const name = decodeURIComponent(url.split("/").pop() ?? "");
      return json({ ...model(name, ""), capabilities: CAPS[name], parameters: "", template: "", model_info: {} });
    });
    const { unmount } = render(<Picker filter={isEmbeddingModel} />);
    await waitFor(() =>
      expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["nomic-embed-text:latest", "odd:latest"]),
    );
    expect((screen.getByLabelText("Model") as HTMLSelectElement).value).toBe("nomic-embed-text:latest");
    unmount();
    render(<Picker filter={chatModels} />);
    await waitFor(() => expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["llama3.2:latest"]));
  });

  it("falls back to family and name when capabilities cannot be read", () => {
    expect(isEmbeddingModel(model("all-minilm:latest", "bert"))).toBe(true);
    expect(isEmbeddingModel(model("mxbai-embed-large", "x"))).toBe(true);
    expect(isEmbeddingModel(model("llama3.2:latest", "llama"))).toBe(false);
  });
});
