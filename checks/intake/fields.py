"""One record of an inventory file (a CSV row, a JSON object) into a validated Asset."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from checks.errors import UserError
from checks.model import Asset, Kind, Lifecycle
from checks.names import is_ip, normalize_name, normalize_url
from checks.text import excerpt, has_controls

CSV_HEADER = ("name", "kind", "owner", "status", "url", "icp")

_COLUMN_ALIASES = {
    "名称": "name",
    "资产": "name",
    "域名": "name",
    "类型": "kind",
    "负责人": "owner",
    "状态": "status",
    "网址": "url",
    "urls": "url",
    "备案号": "icp",
    "标签": "tags",
    "备注": "notes",
    "lifecycle": "status",
}
_KIND_ALIASES = {
    "网站": Kind.WEBSITE,
    "域名": Kind.DOMAIN,
    "办公系统": Kind.OA,
    "服务器": Kind.SERVER,
    "邮件": Kind.MAIL,
    "邮箱": Kind.MAIL,
    "其他": Kind.OTHER,
}
_STATUS_ALIASES = {
    "在用": Lifecycle.ACTIVE,
    "运行": Lifecycle.ACTIVE,
    "下线中": Lifecycle.RETIRING,
    "已下线": Lifecycle.RETIRED,
    "下线": Lifecycle.RETIRED,
}

_KIND_OF = {**{k.value: k for k in Kind}, **_KIND_ALIASES}
"""Kinds by id and by Chinese name: one dict lookup a row (an import's bulk path)."""
_STATUS_OF = {**{s.value: s for s in Lifecycle}, **_STATUS_ALIASES}
"""Lifecycles by id and by Chinese name."""


def parse_kind(value: str, name: str = "") -> Kind:
    """A kind from its id or Chinese name; empty means server for an IP, else website.

    Raises:
        UserError: unknown kind.
    """
    value = value.strip()
    if not value:
        return Kind.SERVER if is_ip(name) else Kind.WEBSITE
    kind = _KIND_OF.get(value) or _KIND_OF.get(value.lower())
    if kind is None:
        kinds = ", ".join(k.value for k in Kind)
        raise UserError(
            f"unknown kind {excerpt(value)} (use {kinds})",
            f"未知类型 {excerpt(value)}（可用：{kinds}）",
        )
    return kind


def parse_status(value: str) -> Lifecycle:
    """A lifecycle from its id or Chinese name; empty means active.

    Raises:
        UserError: unknown status.
    """
    value = value.strip()
    if not value:
        return Lifecycle.ACTIVE
    status = _STATUS_OF.get(value) or _STATUS_OF.get(value.lower())
    if status is None:
        raise UserError(
            f"unknown status {excerpt(value)} (use active, retiring, retired)",
            f"未知状态 {excerpt(value)}（可用：active、retiring、retired）",
        )
    return status


def parse_day(value: str) -> datetime:
    """A day as people type it (YYYY-MM-DD): midnight UTC of that day.

    One parser for every front end (risk acceptance expiry, a report's period).

    Raises:
        UserError: not a date.
    """
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)
    except ValueError:
        raise UserError(
            f"bad date {excerpt(value)}; use YYYY-MM-DD",
            f"日期无效 {excerpt(value)}；请用 YYYY-MM-DD",
        ) from None


_MULTILINE = frozenset({"notes", "note", "reason"})
"""Fields that may run over lines (Alt+Enter in Excel, a long note)."""


_SUSPECT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""Any character `_text` might refuse (controls, direction marks, lone surrogates): one search
decides for nearly every cell; only cells with a hit are looked at closely."""


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise UserError(f"{key}: expected text", f"{key}：应为文本")
    text = str(value).strip()
    if _SUSPECT.search(text) is None:
        return text
    if has_controls(text.replace("\n", "").replace("\t", "") if key in _MULTILINE else text):
        raise UserError(
            f"{key}: control or direction characters in {excerpt(text)}",
            f"{key}：含控制字符或方向字符 {excerpt(text)}",
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(f"{key}: not valid Unicode", f"{key}：不是有效的 Unicode") from None
    return text


def person_text(key: str, value: str | None) -> str:
    """Text a person typed (an owner, a note, `--who`), stripped; refused if it holds control
    or direction characters, which would act on a terminal or reorder what a reader sees.

    Raises:
        UserError: such characters, or invalid Unicode; the message quotes a short excerpt.
    """
    return _text({key: value}, key)


def _split(row: dict[str, Any], key: str) -> tuple[str, ...]:
    value = row.get(key)
    if isinstance(value, list):
        return tuple(t for i in range(len(value)) if (t := _text({key: value[i]}, key)))
    return _words(_text(row, key))


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.replace(";", " ").replace(",", " ").split())


def _clean_text(row: dict[str, Any], key: str) -> str:
    # A CSV cell of a record `_SUSPECT` found nothing in: text, with nothing to refuse.
    value = row.get(key)
    return value.strip() if value else ""


def is_clean(record: str) -> bool:
    """Whether a CSV record holds no character a cell might be refused for (then every cell
    is taken as it is, stripped: the fast path of a bulk import)."""
    return _SUSPECT.search(record) is None


def build_asset(row: dict[str, Any], *, clean: bool = False) -> Asset:
    """Validate one record (CSV row or JSON object) into an Asset.

    People's text is data too: control characters and directional overrides are refused.

    Args:
        clean: every value is text and `is_clean` held for the record they came from.

    Raises:
        UserError: a field is missing or invalid.
    """
    text = _clean_text if clean else _text
    raw_name = text(row, "name")
    if not raw_name:
        raise UserError("empty name", "名称为空")
    name = normalize_name(raw_name)
    urls = _words(text(row, "url")) if clean else _split(row, "url")
    return Asset(
        name=name,
        kind=parse_kind(text(row, "kind"), name),
        owner=text(row, "owner"),
        lifecycle=parse_status(text(row, "status")),
        urls=tuple(normalize_url(u) for u in urls),
        icp=text(row, "icp"),
        tags=_words(text(row, "tags")) if clean else _split(row, "tags"),
        notes=text(row, "notes"),
    )


def column_key(header: str) -> str:
    """The field a column header names (Chinese headers and aliases included)."""
    key = header.strip().lstrip("\ufeff").strip().lower()
    return _COLUMN_ALIASES.get(key, key)


OPTIONAL = frozenset({"kind", "owner", "status", "url", "icp", "tags", "notes"})
FIELD_OF_COLUMN = {
    "kind": "kind",
    "owner": "owner",
    "status": "lifecycle",
    "url": "urls",
    "icp": "icp",
    "tags": "tags",
    "notes": "notes",
}
"""Which Asset field each optional column sets."""


def merge(existing: Asset | None, new: Asset, present: frozenset[str]) -> Asset:
    """What an import makes of an asset: the file's columns win, absent columns keep their value."""
    if existing is None:
        return new
    changes = {FIELD_OF_COLUMN[c]: getattr(new, FIELD_OF_COLUMN[c]) for c in present}
    if all(getattr(existing, k) == v for k, v in changes.items()):
        return existing  # a re-import of what is stored: nothing to build
    return replace(existing, **changes)
