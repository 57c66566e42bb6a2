"""What a sender reports, and the shared HTTP post of the robot and webhook channels."""

from __future__ import annotations

import enum
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from checks.text import inert

TIMEOUT_S = 10.0
USER_AGENT = "assetwatch/0.1 (alerts)"
ANSWER_MAX = 300
"""Characters of a service's answer kept for the admin (attempts, `notify test`)."""


class Outcome(enum.StrEnum):
    """How one delivery attempt ended."""

    OK = "ok"
    RETRY = "retry"
    """Down, timed out, a server error: try again later."""
    LIMITED = "rate-limited"
    """The service asked us to slow down (`Answer.retry_after` says how long)."""
    REJECTED = "rejected"
    """The service refused the message (a wrong secret, token or body): fix the channel."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One attempt's result, worded without any secret."""

    outcome: Outcome
    text: str
    """What the service said ("errcode 0 ok", "HTTP 503", "connect refused")."""
    retry_after: float | None = None
    """Seconds the service asked us to wait (rate limits)."""

    @property
    def ok(self) -> bool:
        """The service took the message."""
        return self.outcome == Outcome.OK


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` without any of `secrets` (tokens, passwords), inert and bounded."""
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "…")
    text = " ".join(inert(text).split())
    return text if len(text) <= ANSWER_MAX else text[: ANSWER_MAX - 1] + "…"


def url_secrets(url: str) -> list[str]:
    """The parts of a URL that are credentials: query values, the path's last segment, userinfo."""
    parsed = httpx.URL(url)
    found = [v for _, v in parsed.params.multi_items()]
    found += [s for s in parsed.path.split("/")[-1:] if len(s) >= 8]
    if parsed.userinfo:
        found.append(parsed.userinfo.decode("utf-8", "replace"))
    return found


def retry_after(headers: Mapping[str, str], default: float) -> float:
    """Seconds from a Retry-After header (seconds form), else `default`; at most an hour."""
    raw = headers.get("retry-after", "")
    try:
        return min(max(float(raw), 1.0), 3600.0)
    except ValueError:
        return default


Judge = Callable[[dict[str, Any]], Answer | None]
"""Reads a service's JSON answer: an Answer, or None when the body says nothing known."""


async def post(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    secrets: Iterable[str],
    judge: Judge | None = None,
) -> Answer:
    """POST a JSON body; map the transport's failure, the HTTP status and the JSON answer.

    Args:
        judge: reads a robot's JSON body (errcode / code); None: a 2xx is success.
    """
    hidden = [*secrets, *url_secrets(url)]
    try:
        response = await client.post(url, content=body, headers=dict(headers))
    except httpx.TimeoutException:
        return Answer(Outcome.RETRY, "timeout")
    except httpx.HTTPError as exc:
        return Answer(Outcome.RETRY, scrub(f"{type(exc).__name__}: {exc}", hidden))
    status = response.status_code
    if status == 429:
        return Answer(Outcome.LIMITED, "HTTP 429", retry_after(response.headers, 60.0))
    if status >= 500:
        return Answer(Outcome.RETRY, f"HTTP {status}", retry_after(response.headers, 0.0) or None)
    if status >= 300 or judge is None:
        outcome = Outcome.OK if 200 <= status < 300 else Outcome.REJECTED
        return Answer(outcome, scrub(f"HTTP {status} {response.text[:200]}", hidden))
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    answer = judge(data) if isinstance(data, dict) else None
    if answer is None:
        return Answer(Outcome.RETRY, scrub(f"HTTP {status} unreadable answer", hidden))
    return Answer(answer.outcome, scrub(answer.text, hidden), answer.retry_after)


def json_body(payload: Mapping[str, Any]) -> bytes:
    """The JSON a channel posts (UTF-8, no ASCII escaping: Chinese stays Chinese)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def now_s() -> float:
    """The real wall clock, for signatures: services check them against their own clock."""
    return time.time()


def client() -> httpx.AsyncClient:
    """The HTTP client of one delivery pass: no redirects followed (a body never goes elsewhere)."""
    return httpx.AsyncClient(
        timeout=TIMEOUT_S, follow_redirects=False, headers={"User-Agent": USER_AGENT}
    )
