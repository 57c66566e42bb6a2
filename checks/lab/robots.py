"""The lab's alert receivers: DingTalk, WeCom and Feishu group robots and a webhook receiver, on
loopback, each on its own port so that it can go down (connections refused) and come back.

They check what the services check, written here from the services' documentation and not
shared with the senders (a bug in `checks.notify.signing` must not be mirrored here):

- DingTalk: `access_token`; with a secret, `timestamp` (ms, within an hour) and `sign`, the
  base64 of HMAC-SHA256(secret, "{timestamp}\\n{secret}") as the query decodes it;
  `errcode` 310000 "sign not match", 300001 "token is not exist", 130101 over 20 a minute.
- WeCom: the `key`; a markdown `content` of at most 4096 bytes; 93000 for a wrong key,
  45009 "api freq out of limit" over 20 a minute.
- Feishu: the hook token; with a secret, body `timestamp` (s, within an hour) and `sign`, the
  base64 of HMAC-SHA256 keyed with "{timestamp}\\n{secret}" over nothing; `code` 19021 for a bad
  signature, 11232 over the frequency limit (5 a second, 100 a minute).
- Webhook: `X-Assetwatch-Signature-256` over "{timestamp}." + body; a delivery id seen before
  is answered 200 and counted as a duplicate, never recorded twice.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from checks.alerting import Contact
from checks.service import channels
from checks.service.channels import ChannelInput
from checks.store import Store

Reply = tuple[int, dict[str, Any], dict[str, str]]
"""(HTTP status, JSON body, extra headers)."""


@dataclass(frozen=True, slots=True)
class Received:
    """One message a robot took."""

    body: dict[str, Any]
    headers: dict[str, str]
    at: float

    @property
    def text(self) -> str:
        """The message's readable text (markdown, card content, or the JSON), for assertions."""
        return json.dumps(self.body, ensure_ascii=False)


@dataclass(slots=True)
class Robot:
    """One receiver. Thread-safe switches: `down()`, `up()`, `throttle(n)`, `hold()`."""

    kind: str
    secret: str
    token: str
    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    """Requests answered with an error (bad signature, token or body, rate limit)."""
    duplicates: int = 0
    """Webhook deliveries received again (same id): answered 200, not recorded."""
    requests: int = 0
    throttled: int = 0
    """The next this many requests get the rate-limit answer."""
    held: threading.Event | None = None
    """While set to an unset Event, requests are taken (and recorded) but answered only once
    it is set: the window where a sender may die after the service took its message."""
    got_request: threading.Event = field(default_factory=threading.Event)
    _recent: deque[float] = field(default_factory=deque)
    _seen: set[str] = field(default_factory=set)
    _server: asyncio.Server | None = None
    _lab: RobotLab | None = None

    @property
    def url(self) -> str:
        """The URL to configure as the channel's webhook."""
        base = f"http://{self.host}:{self.port}"
        return {
            "dingtalk": f"{base}/robot/send?access_token={self.token}",
            "wecom": f"{base}/cgi-bin/webhook/send?key={self.token}",
            "feishu": f"{base}/open-apis/bot/v2/hook/{self.token}",
        }.get(self.kind, f"{base}/hook/{self.token}")

    def down(self) -> None:
        """Stop listening: connections are refused until `up()`."""
        assert self._lab is not None
        self._lab.call(self._close)

    def up(self) -> None:
        """Listen again, on the same port."""
        assert self._lab is not None
        self._lab.call(self._open)

    def throttle(self, count: int) -> None:
        """Answer the next `count` requests with the service's rate-limit error."""
        self.throttled = count

    def minute_passed(self) -> None:
        """Forget the requests of the last minute (a test moved the sender's clock a minute)."""
        self._recent.clear()

    def hold(self) -> threading.Event:
        """Hold answers until the returned event is set (requests are still recorded)."""
        self.held = threading.Event()
        self.got_request.clear()
        return self.held

    async def _open(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(
                self._handle, self.host, self.port, reuse_address=True
            )
            self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            lines = head.decode("latin-1").split("\r\n")
            _, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    key, value = line.split(":", 1)
                    headers[key.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            body = await reader.readexactly(min(length, 1 << 20))
            status, answer, extra = self.judge(target, headers, body)
            if self.held is not None:
                self.got_request.set()
                await asyncio.to_thread(self.held.wait, 30)
            self.got_request.set()
            payload = json.dumps(answer, ensure_ascii=False).encode()
            out = [f"HTTP/1.1 {status} X", f"Content-Length: {len(payload)}"]
            out += ["Content-Type: application/json", "Connection: close"]
            out += [f"{k}: {v}" for k, v in extra.items()]
            writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + payload)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, TimeoutError, ValueError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    # -- what each service checks ----------------------------------------------------------

    def _over_limit(self, per_minute: int, per_second: int = 0) -> bool:
        now = time.monotonic()
        while self._recent and now - self._recent[0] > 60:
            self._recent.popleft()
        self._recent.append(now)
        last_second = sum(1 for t in self._recent if now - t <= 1)
        return len(self._recent) > per_minute or bool(per_second and last_second > per_second)

    def judge(self, target: str, headers: dict[str, str], raw: bytes) -> Reply:
        """Answer one request as the service would, recording what it took or refused."""
        self.requests += 1
        url = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        reply: Reply = getattr(self, f"_{self.kind}")(url.path, query, headers, body, raw)
        status, answer, _ = reply
        took = status == 200 and answer.get("errcode", answer.get("code", 0)) == 0
        if took and not answer.get("duplicate"):
            self.received.append(Received(body or {}, headers, time.time()))
        elif not took:
            self.refused.append(answer)
        return reply

    def _throttled(self) -> bool:
        if self.throttled > 0:
            self.throttled -= 1
            return True
        return False

    def _dingtalk(
        self, path: str, q: dict[str, str], h: dict[str, str], body: Any, raw: bytes
    ) -> Reply:
        if path != "/robot/send" or q.get("access_token") != self.token:
            return 200, {"errcode": 300001, "errmsg": "token is not exist"}, {}
        if self.secret:
            stamp = q.get("timestamp", "")
            expected = base64.b64encode(
                hmac.new(
                    self.secret.encode(), f"{stamp}\n{self.secret}".encode(), hashlib.sha256
                ).digest()
            ).decode()
            fresh = stamp.isdigit() and abs(time.time() * 1000 - int(stamp)) <= 3600_000
            if not fresh or not hmac.compare_digest(q.get("sign", ""), expected):
                more = "https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq"
                return 200, {"errcode": 310000, "errmsg": f"sign not match, more: [{more}]"}, {}
        if self._throttled() or self._over_limit(20):
            return (
                200,
                {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
                {},
            )
        md = (body or {}).get("markdown") or {}
        if not isinstance(body, dict) or body.get("msgtype") != "markdown" or not md.get("text"):
            return 200, {"errcode": 40035, "errmsg": "缺少参数 json"}, {}
        return 200, {"errcode": 0, "errmsg": "ok"}, {}

    def _wecom(
        self, path: str, q: dict[str, str], h: dict[str, str], body: Any, raw: bytes
    ) -> Reply:
        if path != "/cgi-bin/webhook/send" or q.get("key") != self.token:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [lab]"}, {}
        if self._throttled() or self._over_limit(20):
            return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}, {}
        content = ((body or {}).get("markdown") or {}).get("content", "")
        if not isinstance(body, dict) or body.get("msgtype") != "markdown" or not content:
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}, {}
        if len(content.encode()) > 4096:
            return 200, {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}, {}
        return 200, {"errcode": 0, "errmsg": "ok"}, {}

    def _feishu(
        self, path: str, q: dict[str, str], h: dict[str, str], body: Any, raw: bytes
    ) -> Reply:
        if path != f"/open-apis/bot/v2/hook/{self.token}" or not isinstance(body, dict):
            return (
                200,
                {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"},
                {},
            )
        if self.secret:
            stamp = str(body.get("timestamp", ""))
            key = f"{stamp}\n{self.secret}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            fresh = stamp.isdigit() and abs(time.time() - int(stamp)) <= 3600
            if not fresh or not hmac.compare_digest(str(body.get("sign", "")), expected):
                msg = "sign match fail or timestamp is not within one hour from current time"
                return 200, {"code": 19021, "data": {}, "msg": msg}, {}
        if self._throttled() or self._over_limit(100, 5):
            msg = "frequency limited psm[lark.oapi.app_platform_runtime]appID[-1]"
            return 200, {"code": 11232, "data": {}, "msg": msg}, {}
        if body.get("msg_type") != "interactive" or not isinstance(body.get("card"), dict):
            return 200, {"code": 9499, "data": {}, "msg": "Bad Request"}, {}
        ok = {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}
        return 200, ok, {}

    def _webhook(
        self, path: str, q: dict[str, str], h: dict[str, str], body: Any, raw: bytes
    ) -> Reply:
        if path != f"/hook/{self.token}":
            return 404, {"error": "no such hook"}, {}
        if self.secret:
            stamp = h.get("x-assetwatch-timestamp", "")
            mac = hmac.new(self.secret.encode(), f"{stamp}.".encode() + raw, hashlib.sha256)
            fresh = stamp.isdigit() and abs(time.time() - int(stamp)) <= 300
            given = h.get("x-assetwatch-signature-256", "")
            if not fresh or not hmac.compare_digest(given, "sha256=" + mac.hexdigest()):
                return 401, {"error": "bad signature"}, {}
        if self._throttled():
            return 429, {"error": "slow down"}, {"Retry-After": "1"}
        delivery = h.get("x-assetwatch-delivery", "")
        if delivery in self._seen:
            self.duplicates += 1
            return 200, {"duplicate": True}, {}
        if delivery:
            self._seen.add(delivery)
        return 200, {"ok": True}, {}


class RobotLab:
    """The receivers, served on a thread of their own: `with RobotLab() as robots:`."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self.robots: list[Robot] = []

    def __enter__(self) -> RobotLab:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the thread and its event loop."""
        self._thread = threading.Thread(target=self._run, name="assetwatch-robots", daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            self._ready.set()
            await self._stop.wait()
            for robot in self.robots:
                await robot._close()

        asyncio.run(main())

    def call(self, coro_fn: Any) -> None:
        """Run a coroutine function on the robots' loop and wait for it."""
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(coro_fn(), self._loop).result(10)

    def add(self, kind: str, secret: str = "", token: str = "") -> Robot:
        """A new receiver of a kind (dingtalk, wecom, feishu, webhook), listening."""
        robot = Robot(kind, secret, token or secrets.token_hex(16))
        robot._lab = self
        self.call(robot._open)
        self.robots.append(robot)
        return robot

    def stop(self) -> None:
        """Stop every receiver."""
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)


DEMO_CHANNELS = (
    ("dingtalk", "lab-dingtalk", "SEC" + "5f" * 16),
    ("wecom", "lab-wecom", ""),
    ("feishu", "lab-feishu", "feishu-lab-secret"),
    ("webhook", "lab-webhook", "webhook-lab-secret"),
)
"""The channels `assetwatch demo` configures, each pointing at a lab robot (signed where the
service signs)."""


def demo_channels(store: Store, robots: RobotLab, lang: str) -> list[Robot]:
    """Start a lab robot per kind and configure a channel on each (for `assetwatch demo`)."""
    made = []
    for kind, name, secret in DEMO_CHANNELS:
        robot = robots.add(kind, secret)
        given = ChannelInput(kind=kind, name=name, url=robot.url, secret=secret, lang=lang)
        channels.save(store, given, who="demo")
        made.append(robot)
    channels.set_contact(store, Contact("人事部 李娜", dingtalk="13800000000", feishu="ou_lab_hr"))
    channels.set_contact(store, Contact("信息中心 赵磊", dingtalk="13900000000", wecom="zhaolei"))
    return made
