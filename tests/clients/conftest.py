"""Shared setup of the client compatibility tests.

They talk to a running `owp serve` whose Ollama is the fake (`fake_ollama` example): models
`llama3.2:latest` (chat) and `all-minilm:latest` (embeddings, 384 dimensions). A chat request
carrying `tools` whose last message is the user's gets a call of the first tool back.

`scripts/client-compat.sh` starts both servers and sets:
- `OWP_BASE_URL`: the gateway's root, e.g. `http://127.0.0.1:41234` (no trailing slash);
- `OWP_API_KEY`: the bootstrap admin's API key (every model, `users:write`, `api_keys:write`).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

import pytest

CHAT_MODEL = "llama3.2:latest"
EMBED_MODEL = "all-minilm:latest"
EMBED_DIM = 384

# OpenAI's function-tool format, as the openai SDK sends it.
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "The city's name"}},
            "required": ["city"],
        },
    },
}


def _required_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        pytest.exit(
            f"{name} is not set: run `make client-compat` (or scripts/client-compat.sh), or set "
            "OWP_BASE_URL and OWP_API_KEY to a running owp whose Ollama is the fake",
            returncode=2,
        )
    return value


@pytest.fixture(scope="session")
def base_url() -> str:
    return _required_env("OWP_BASE_URL").rstrip("/")


@pytest.fixture(scope="session")
def api_key() -> str:
    return _required_env("OWP_API_KEY")


def rest(base_url: str, key: str, method: str, path: str, body: object | None = None) -> dict:
    """One call of the gateway's own REST API (`/api/v1`); fails the test on any error status."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base_url}/api/v1{path}",
        data=data,
        method=method,
        headers={"authorization": f"Bearer {key}", "content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
    except urllib.error.HTTPError as err:
        detail = err.read().decode(errors="replace")
        pytest.fail(f"{method} /api/v1{path} answered {err.code}: {detail}")
    return json.loads(text) if text.strip() else {}


@dataclass(frozen=True)
class RestrictedUser:
    """A `user`-role account granted only `all-minilm` (written without its tag), with a key."""

    user_id: str
    key: str


@pytest.fixture(scope="session")
def restricted_user(base_url: str, api_key: str) -> RestrictedUser:
    email = f"sdk-{uuid.uuid4().hex[:12]}@example.org"
    user = rest(base_url, api_key, "POST", "/users", {"email": email, "full_name": "SDK tests"})
    user_id = user["id"]
    rest(base_url, api_key, "PATCH", f"/users/{user_id}", {"active": True, "roles": ["user"]})
    # Written WITHOUT `:latest` on purpose: a grant of `all-minilm` must cover the installed
    # `all-minilm:latest`, as `ollama pull all-minilm` names it.
    rest(base_url, api_key, "PUT", f"/users/{user_id}/grants", {"allowed_model_ids": ["all-minilm"]})
    issued = rest(base_url, api_key, "POST", f"/users/{user_id}/api-keys", {"label": "sdk"})
    secret = issued.get("secret")
    assert isinstance(secret, str) and secret.startswith("owp_"), f"no key in the answer: {issued}"
    return RestrictedUser(user_id=user_id, key=secret)
