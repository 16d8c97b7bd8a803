"""The official `openai` Python package against `/v1`, used the way its documentation shows."""

from __future__ import annotations

import json
import re

import openai
import pytest
from openai import OpenAI

from conftest import CHAT_MODEL, EMBED_DIM, EMBED_MODEL, WEATHER_TOOL

QUESTION = [{"role": "user", "content": "Why is the sky blue?"}]
WEATHER_QUESTION = [{"role": "user", "content": "What is the weather in Paris?"}]


def make_client(base_url: str, key: str) -> OpenAI:
    # No retries: a failure shows up once, with its own status, and fast.
    return OpenAI(base_url=f"{base_url}/v1", api_key=key, max_retries=0, timeout=30)


@pytest.fixture(scope="module")
def client(base_url: str, api_key: str) -> OpenAI:
    return make_client(base_url, api_key)


@pytest.fixture(scope="module")
def restricted(base_url: str, restricted_user) -> OpenAI:
    return make_client(base_url, restricted_user.key)


def assert_openai_error(err: openai.APIStatusError) -> str:
    """The body is OpenAI's `{"error": {"message", "type", ...}}` (the SDK unwraps `error`)."""
    assert isinstance(err.body, dict), f"not OpenAI's error shape: {err.response.text}"
    message = err.body.get("message")
    assert isinstance(message, str) and message, f"no error.message: {err.response.text}"
    return message


def assert_vector(vector: object) -> None:
    assert isinstance(vector, list), type(vector)
    assert len(vector) == EMBED_DIM
    assert all(isinstance(x, float) for x in vector)


# --- models ---------------------------------------------------------------------------------


def test_models_list(client: OpenAI) -> None:
    ids = [model.id for model in client.models.list()]
    assert CHAT_MODEL in ids
    assert EMBED_MODEL in ids


# --- chat -----------------------------------------------------------------------------------


def test_chat_whole(client: OpenAI) -> None:
    reply = client.chat.completions.create(model=CHAT_MODEL, messages=QUESTION)
    assert reply.object == "chat.completion"
    choice = reply.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content
    assert choice.finish_reason == "stop"
    assert reply.usage is not None
    assert reply.usage.prompt_tokens > 0
    assert reply.usage.completion_tokens > 0
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


def test_chat_streamed(client: OpenAI) -> None:
    chunks = list(client.chat.completions.create(model=CHAT_MODEL, messages=QUESTION, stream=True))
    assert chunks, "no chunks"
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()
    reasons = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert reasons == ["stop"]
    # Usage only when asked for (stream_options.include_usage).
    assert all(c.usage is None for c in chunks)


def test_chat_streamed_include_usage(client: OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model=CHAT_MODEL,
            messages=QUESTION,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()
    last = chunks[-1]
    assert last.usage is not None, "the last chunk carries no usage"
    assert last.choices == []
    assert last.usage.prompt_tokens > 0
    assert last.usage.completion_tokens > 0
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens


# --- tools ----------------------------------------------------------------------------------


def test_tool_call_then_tool_result(client: OpenAI) -> None:
    messages: list = list(WEATHER_QUESTION)
    first = client.chat.completions.create(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL])
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls, "no tool_calls"
    call = choice.message.tool_calls[0]
    assert call.type == "function"
    assert call.id
    assert call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)
    assert isinstance(arguments, dict) and isinstance(arguments.get("city"), str)

    # OpenAI's documented loop: append the assistant message as returned, then the tool result.
    messages.append(choice.message)
    messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps({"temp_c": 21})})
    second = client.chat.completions.create(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL])
    answer = second.choices[0]
    assert answer.finish_reason == "stop"
    assert not answer.message.tool_calls
    assert answer.message.content


def test_tool_call_streamed(client: OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model=CHAT_MODEL, messages=WEATHER_QUESTION, tools=[WEATHER_TOOL], stream=True
        )
    )
    calls = [tc for c in chunks if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert calls, "no tool_calls in any delta"
    assert calls[0].index == 0
    assert calls[0].id
    assert calls[0].function.name == "get_weather"
    arguments = "".join(tc.function.arguments or "" for tc in calls if tc.index == 0)
    assert isinstance(json.loads(arguments).get("city"), str)
    reasons = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert reasons == ["tool_calls"]


# --- request fields ---------------------------------------------------------------------------

ACCEPTED = {
    "response_format_json_object": {"response_format": {"type": "json_object"}},
    "seed": {"seed": 1},
    "max_completion_tokens": {"max_completion_tokens": 20},
    "n_1": {"n": 1},
    "parallel_tool_calls_true": {"tools": [WEATHER_TOOL], "parallel_tool_calls": True},
    "parallel_tool_calls_false": {"tools": [WEATHER_TOOL], "parallel_tool_calls": False},
    "tool_choice_auto": {"tools": [WEATHER_TOOL], "tool_choice": "auto"},
}


@pytest.mark.parametrize("fields", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_chat_field_accepted(client: OpenAI, fields: dict) -> None:
    messages = WEATHER_QUESTION if "tools" in fields else QUESTION
    if "response_format" in fields:
        # OpenAI requires the word JSON in the messages for json_object.
        messages = [{"role": "user", "content": "Answer in JSON: why is the sky blue?"}]
    reply = client.chat.completions.create(model=CHAT_MODEL, messages=messages, **fields)
    choice = reply.choices[0]
    assert len(reply.choices) == 1
    if "tools" in fields:
        assert choice.finish_reason == "tool_calls"
        assert choice.message.tool_calls[0].function.name == "get_weather"
    else:
        assert choice.message.content


REFUSED = {
    "n_2": ({"n": 2}, "n"),
    "logprobs": ({"logprobs": True}, "logprobs"),
}


@pytest.mark.parametrize(("fields", "field"), REFUSED.values(), ids=REFUSED.keys())
def test_chat_field_refused(client: OpenAI, fields: dict, field: str) -> None:
    with pytest.raises((openai.BadRequestError, openai.UnprocessableEntityError)) as caught:
        client.chat.completions.create(model=CHAT_MODEL, messages=QUESTION, **fields)
    err = caught.value
    assert err.status_code in (400, 422)
    message = assert_openai_error(err)
    assert err.param == field or re.search(rf"\b{field}\b", message), (
        f"the error does not name {field!r}: {err.response.text}"
    )


# --- embeddings -----------------------------------------------------------------------------


def test_embeddings_default_arguments(client: OpenAI) -> None:
    # The SDK asks for encoding_format=base64 by default and decodes the answer itself.
    result = client.embeddings.create(model=EMBED_MODEL, input="hello")
    assert len(result.data) == 1
    assert result.data[0].index == 0
    assert_vector(result.data[0].embedding)
    assert result.usage is not None


def test_embeddings_float(client: OpenAI) -> None:
    result = client.embeddings.create(model=EMBED_MODEL, input="hello", encoding_format="float")
    assert len(result.data) == 1
    assert_vector(result.data[0].embedding)


@pytest.mark.parametrize("encoding", ["default", "float"])
def test_embeddings_list_input(client: OpenAI, encoding: str) -> None:
    extra = {} if encoding == "default" else {"encoding_format": encoding}
    texts = ["the sky", "is blue", "because of Rayleigh scattering"]
    result = client.embeddings.create(model=EMBED_MODEL, input=texts, **extra)
    assert [d.index for d in result.data] == [0, 1, 2]
    for item in result.data:
        assert_vector(item.embedding)


def test_embeddings_default_matches_float(client: OpenAI) -> None:
    default = client.embeddings.create(model=EMBED_MODEL, input="hello").data[0].embedding
    floats = client.embeddings.create(model=EMBED_MODEL, input="hello", encoding_format="float")
    assert default == pytest.approx(floats.data[0].embedding, rel=1e-6, abs=1e-7)


# --- errors ---------------------------------------------------------------------------------


def test_unknown_model_chat_is_not_found(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="no-such-model:latest", messages=QUESTION)
    assert_openai_error(caught.value)


def test_unknown_model_embeddings_is_not_found(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.embeddings.create(model="no-such-model:latest", input="hello", encoding_format="float")
    assert_openai_error(caught.value)


def test_bad_key_is_authentication_error(base_url: str) -> None:
    bad = make_client(base_url, "owp_this-key-does-not-exist")
    with pytest.raises(openai.AuthenticationError) as caught:
        bad.models.list()
    assert_openai_error(caught.value)


def test_restricted_models_list(restricted: OpenAI) -> None:
    assert [model.id for model in restricted.models.list()] == [EMBED_MODEL]


def test_restricted_embeddings_by_untagged_name(restricted: OpenAI) -> None:
    result = restricted.embeddings.create(model="all-minilm", input="hello", encoding_format="float")
    assert_vector(result.data[0].embedding)


def test_restricted_embeddings_by_tagged_name(restricted: OpenAI) -> None:
    result = restricted.embeddings.create(model=EMBED_MODEL, input="hello", encoding_format="float")
    assert_vector(result.data[0].embedding)


def test_restricted_chat_is_permission_denied(restricted: OpenAI) -> None:
    with pytest.raises(openai.PermissionDeniedError) as caught:
        restricted.chat.completions.create(model=CHAT_MODEL, messages=QUESTION)
    assert_openai_error(caught.value)
