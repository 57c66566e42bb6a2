"""The signatures each service documents, computed exactly as documented.

- DingTalk custom robot (加签): `timestamp` in milliseconds and `sign` as URL query parameters;
  sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))).
- Feishu custom bot (签名校验): `timestamp` in seconds and `sign` in the JSON body;
  sign = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")), within an hour.
- assetwatch webhooks, in the style of GitHub's: `X-Assetwatch-Signature-256: sha256=<hex>`,
  HMAC-SHA256 with the secret over f"{timestamp}." + body, the timestamp in
  `X-Assetwatch-Timestamp` (so a captured request cannot be replayed later with a new time).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote_plus


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign` query value (already URL-encoded)."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's `sign` body field."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def webhook_signature(secret: str, timestamp_s: int, body: bytes) -> str:
    """The `X-Assetwatch-Signature-256` header value."""
    mac = hmac.new(secret.encode(), f"{timestamp_s}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()
