"""Generic webhooks: the digest as JSON, one delivery id per message, HMAC-signed.

Headers, in the style of GitHub's webhooks: `X-Assetwatch-Event` (alert or test),
`X-Assetwatch-Delivery` (the same on every retry of one message, so a receiver de-duplicates),
`X-Assetwatch-Timestamp` and, with a secret, `X-Assetwatch-Signature-256` (`checks.notify.signing`).
Any 2xx is success; 429 and `Retry-After` are honoured.
"""

from __future__ import annotations

from typing import Any

import httpx

from checks.notify.base import Answer, json_body, now_s, post
from checks.notify.signing import webhook_signature


def headers(
    delivery: str, event: str, secret: str, body: bytes, timestamp_s: int
) -> dict[str, str]:
    """The headers of one attempt."""
    out = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Assetwatch-Event": event,
        "X-Assetwatch-Delivery": delivery,
        "X-Assetwatch-Timestamp": str(timestamp_s),
    }
    if secret:
        out["X-Assetwatch-Signature-256"] = webhook_signature(secret, timestamp_s, body)
    return out


async def send(
    client: httpx.AsyncClient,
    url: str,
    secret: str,
    payload: dict[str, Any],
    delivery: str,
    event: str = "alert",
) -> Answer:
    """Post the JSON body; the body is the same on every retry, the timestamp is not."""
    body = json_body(payload)
    sent = headers(delivery, event, secret, body, int(now_s()))
    return await post(client, url, body, sent, [secret])
