"""The official `ollama` Python package against `/ollama`, as README shows it."""

from __future__ import annotations

import ollama
import pytest

from conftest import CHAT_MODEL, EMBED_DIM, EMBED_MODEL, WEATHER_TOOL

QUESTION = [{"role": "user", "content": "Why is the sky blue?"}]
WEATHER_QUESTION = [{"role": "user", "content": "What is the weather in Paris?"}]


def make_client(base_url: str, key: str) -> ollama.Client:
    return ollama.Client(
        host=f"{base_url}/ollama", headers={"Authorization": f"Bearer {key}"}, timeout=30
    )


@pytest.fixture(scope="module")
def client(base_url: str, api_key: str) -> ollama.Client:
    return make_client(base_url, api_key)


@pytest.fixture(scope="module")
def restricted(base_url: str, restricted_user) -> ollama.Client:
    return make_client(base_url, restricted_user.key)


def get_weather(city: str) -> str:
    """
    The current weather in a city.

    Args:
      city: The city's name

    Returns:
      The weather
    """
    return f"21 degrees and sunny in {city}"


def assert_ollama_error(err: ollama.ResponseError) -> None:
    """Ollama's `{"error": "message"}`: the library unwraps it into a plain message."""
    assert isinstance(err.error, str) and err.error
    assert not err.error.lstrip().startswith("{"), f"not Ollama's error shape: {err.error}"


def test_list(client: ollama.Client) -> None:
    names = [m.model for m in client.list().models]
    assert CHAT_MODEL in names
    assert EMBED_MODEL in names


def test_chat_whole(client: ollama.Client) -> None:
    reply = client.chat(model=CHAT_MODEL, messages=QUESTION)
    assert reply.done is True
    assert reply.message.role == "assistant"
    assert reply.message.content
    assert reply.eval_count and reply.eval_count > 0


def test_chat_streamed(client: ollama.Client) -> None:
    parts = list(client.chat(model=CHAT_MODEL, messages=QUESTION, stream=True))
    assert len(parts) > 1
    assert "".join(p.message.content or "" for p in parts).strip()
    assert all(not p.done for p in parts[:-1])
    assert parts[-1].done is True
    assert parts[-1].done_reason == "stop"


def test_generate(client: ollama.Client) -> None:
    reply = client.generate(model=CHAT_MODEL, prompt="Why is the sky blue?")
    assert reply.done is True
    assert reply.response


def test_generate_streamed(client: ollama.Client) -> None:
    parts = list(client.generate(model=CHAT_MODEL, prompt="Why is the sky blue?", stream=True))
    assert "".join(p.response for p in parts).strip()
    assert parts[-1].done is True


def test_embed_single(client: ollama.Client) -> None:
    result = client.embed(model=EMBED_MODEL, input="hello")
    assert len(result.embeddings) == 1
    assert len(result.embeddings[0]) == EMBED_DIM


def test_embed_list(client: ollama.Client) -> None:
    result = client.embed(model=EMBED_MODEL, input=["the sky", "is blue"])
    assert len(result.embeddings) == 2
    assert all(len(vector) == EMBED_DIM for vector in result.embeddings)


def test_show(client: ollama.Client) -> None:
    info = client.show(CHAT_MODEL)
    assert info.details is not None
    assert info.details.family
    assert "completion" in (info.capabilities or [])


def test_tools_as_json(client: ollama.Client) -> None:
    reply = client.chat(model=CHAT_MODEL, messages=WEATHER_QUESTION, tools=[WEATHER_TOOL])
    calls = reply.message.tool_calls
    assert calls, "no tool_calls"
    assert calls[0].function.name == "get_weather"
    assert isinstance(calls[0].function.arguments.get("city"), str)


def test_tools_as_python_function_then_result(client: ollama.Client) -> None:
    messages: list = list(WEATHER_QUESTION)
    first = client.chat(model=CHAT_MODEL, messages=messages, tools=[get_weather])
    calls = first.message.tool_calls
    assert calls, "no tool_calls"
    assert calls[0].function.name == "get_weather"
    result = get_weather(**calls[0].function.arguments)
    # The library's documented loop: the assistant message, then the tool's result.
    messages.append(first.message)
    messages.append({"role": "tool", "content": result, "tool_name": "get_weather"})
    second = client.chat(model=CHAT_MODEL, messages=messages, tools=[get_weather])
    assert not second.message.tool_calls
    assert second.message.content


UNKNOWN = "no-such-model:latest"

CALLS = {
    "chat": lambda c: c.chat(model=UNKNOWN, messages=QUESTION),
    "chat_streamed": lambda c: list(c.chat(model=UNKNOWN, messages=QUESTION, stream=True)),
    "generate": lambda c: c.generate(model=UNKNOWN, prompt="hi"),
    "embed": lambda c: c.embed(model=UNKNOWN, input="hi"),
    "show": lambda c: c.show(UNKNOWN),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_unknown_model_is_404(client: ollama.Client, call) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        call(client)
    assert caught.value.status_code == 404, str(caught.value)
    assert_ollama_error(caught.value)


def test_restricted_list(restricted: ollama.Client) -> None:
    assert [m.model for m in restricted.list().models] == [EMBED_MODEL]


def test_restricted_embed_by_untagged_name(restricted: ollama.Client) -> None:
    result = restricted.embed(model="all-minilm", input="hello")
    assert len(result.embeddings[0]) == EMBED_DIM


RESTRICTED_CALLS = {
    "chat": lambda c: c.chat(model=CHAT_MODEL, messages=QUESTION),
    "chat_streamed": lambda c: list(c.chat(model=CHAT_MODEL, messages=QUESTION, stream=True)),
    "generate": lambda c: c.generate(model=CHAT_MODEL, prompt="hi"),
    "show": lambda c: c.show(CHAT_MODEL),
}


@pytest.mark.parametrize("call", RESTRICTED_CALLS.values(), ids=RESTRICTED_CALLS.keys())
def test_not_granted_model_is_403(restricted: ollama.Client, call) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        call(restricted)
    assert caught.value.status_code == 403, str(caught.value)
    assert_ollama_error(caught.value)
