"""DingTalk custom robots (自定义机器人): markdown, signed when a secret is set.

Answers: `errcode` 0 is success; 310000 is a refused signature, keyword or IP (加签不匹配);
130101 is "send too fast, exceed 20 times per minute" (the robot is then throttled for ten
minutes); 300001 a token that does not exist.
"""

from __future__ import annotations

from typing import Any

import httpx

from checks.notify.base import Answer, Outcome, json_body, now_s, post
from checks.notify.signing import dingtalk_sign

THROTTLED_S = 600.0
"""DingTalk throttles a robot that sent more than 20 messages in a minute for ten minutes."""


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot's URL with `timestamp` and `sign` appended (unchanged without a secret)."""
    if not secret:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def judge(data: dict[str, Any]) -> Answer | None:
    """Read DingTalk's `{"errcode": 0, "errmsg": "ok"}`."""
    code = data.get("errcode")
    if not isinstance(code, int):
        return None
    text = f"errcode {code} {data.get('errmsg', '')}".strip()
    if code == 0:
        return Answer(Outcome.OK, text)
    if code == 130101:
        return Answer(Outcome.LIMITED, text, THROTTLED_S)
    if code in (310000, 300001, 400101, 400102):
        return Answer(Outcome.REJECTED, text)
    return Answer(Outcome.RETRY, text)


async def send(client: httpx.AsyncClient, url: str, secret: str, payload: dict[str, Any]) -> Answer:
    """Post one markdown message; signed now (DingTalk refuses a timestamp an hour off)."""
    target = signed_url(url, secret, int(now_s() * 1000))
    headers = {"Content-Type": "application/json; charset=utf-8"}
    return await post(client, target, json_body(payload), headers, [secret], judge)
