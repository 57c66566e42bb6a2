"""Feishu custom bots (自定义机器人): interactive cards, signed when a secret is set.

Answers: `code` 0 is success; 19021 is "sign match fail or timestamp is not within one hour from
current time"; 19024 a missing keyword, 19022 an address not allowed; 11232 is the frequency
limit (100 a minute, 5 a second per bot).
"""

from __future__ import annotations

from typing import Any

import httpx

from checks.notify.base import Answer, Outcome, json_body, now_s, post
from checks.notify.signing import feishu_sign


def signed(payload: dict[str, Any], secret: str, timestamp_s: int) -> dict[str, Any]:
    """The body with `timestamp` (seconds, as a string) and `sign` (unchanged without a secret)."""
    if not secret:
        return payload
    return {"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **payload}


def judge(data: dict[str, Any]) -> Answer | None:
    """Read Feishu's `{"code": 0, "msg": "success"}` (older bots: `StatusCode`)."""
    code = data.get("code", data.get("StatusCode"))
    if not isinstance(code, int):
        return None
    text = f"code {code} {data.get('msg', data.get('StatusMessage', ''))}".strip()
    if code == 0:
        return Answer(Outcome.OK, text)
    if code == 11232:
        return Answer(Outcome.LIMITED, text, 60.0)
    if code in (19021, 19022, 19024, 9499, 19001, 19002):
        return Answer(Outcome.REJECTED, text)
    return Answer(Outcome.RETRY, text)


async def send(client: httpx.AsyncClient, url: str, secret: str, payload: dict[str, Any]) -> Answer:
    """Post one card; signed now (Feishu refuses a timestamp more than an hour off)."""
    body = json_body(signed(payload, secret, int(now_s())))
    headers = {"Content-Type": "application/json; charset=utf-8"}
    return await post(client, url, body, headers, [secret], judge)
