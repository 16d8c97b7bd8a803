"""README's client examples run as written (only the address and the key are replaced)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
README_URL = "http://127.0.0.1:8080"
README_KEY = "owp_…"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def substituted(code: str, base_url: str, key: str) -> str:
    assert README_URL in code, f"README's example no longer uses {README_URL}:\n{code}"
    assert README_KEY in code, f"README's example no longer uses the placeholder {README_KEY}:\n{code}"
    return code.replace(README_URL, base_url).replace(README_KEY, key)


def test_openai_python_example_runs(base_url: str, api_key: str, capsys) -> None:
    text = readme()
    marker = "With the official OpenAI SDK (Python)"
    assert marker in text, f"README no longer has the section {marker!r}"
    after = text.split(marker, 1)[1]
    block = re.search(r"```python\n(.*?)```", after, re.DOTALL)
    assert block, f"no ```python block after {marker!r}"
    code = substituted(block.group(1), base_url, api_key)

    exec(compile(code, "README.md (OpenAI SDK example)", "exec"), {"__name__": "readme_example"})

    out = capsys.readouterr().out
    # The streamed answer, then the first four numbers of the embedding, on the last line.
    streamed, _, last_line = out.rstrip("\n").rpartition("\n")
    assert streamed.strip(), f"no streamed text printed:\n{out}"
    numbers = ast.literal_eval(last_line.strip())
    assert isinstance(numbers, list) and len(numbers) == 4, last_line
    assert all(isinstance(x, float) for x in numbers), last_line


def test_ollama_python_example_runs(base_url: str, api_key: str) -> None:
    import ollama

    text = readme()
    inline = re.search(r"`(ollama\.Client\(.*?\))`", text, re.DOTALL)
    assert inline, "README no longer shows `ollama.Client(host=..., headers=...)`"
    expression = substituted(inline.group(1), base_url, api_key)
    client = eval(compile(expression, "README.md (Ollama example)", "eval"), {"ollama": ollama})
    names = [m.model for m in client.list().models]
    assert "llama3.2:latest" in names
