"""WeCom group robots (企业微信群机器人): markdown; the key in the URL is the credential.

Answers: `errcode` 0 is success; 45009 is "api freq out of limit" (20 messages a minute per
robot); 93000 an invalid webhook key; 40058 a body the robot cannot read.
"""

from __future__ import annotations

from typing import Any

import httpx

from checks.notify.base import Answer, Outcome, json_body, post


def judge(data: dict[str, Any]) -> Answer | None:
    """Read WeCom's `{"errcode": 0, "errmsg": "ok"}`."""
    code = data.get("errcode")
    if not isinstance(code, int):
        return None
    text = f"errcode {code} {data.get('errmsg', '')}".strip()
    if code == 0:
        return Answer(Outcome.OK, text)
    if code == 45009:
        return Answer(Outcome.LIMITED, text, 60.0)
    if code in (93000, 40008, 40058, 44004):
        return Answer(Outcome.REJECTED, text)
    return Answer(Outcome.RETRY, text)


async def send(client: httpx.AsyncClient, url: str, payload: dict[str, Any]) -> Answer:
    """Post one markdown message."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    return await post(client, url, json_body(payload), headers, [], judge)
