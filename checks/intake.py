"""Intake: inventory files (CSV as Chinese Excel saves it, or JSON) into validated assets."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checks.errors import UserError
from checks.model import Asset, Kind, Lifecycle
from checks.names import is_ip, normalize_name, normalize_url

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


@dataclass(slots=True)
class RowError:
    """A rejected row: where it was and why."""

    line: int
    """CSV line number (the header is line 1), or the JSON item number."""
    error: UserError


@dataclass(slots=True)
class ParsedFile:
    """Good rows (with the fields the file set) and rejected rows."""

    assets: list[tuple[int, Asset, frozenset[str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def parse_kind(value: str, name: str = "") -> Kind:
    """A kind from its id or Chinese name; empty means server for an IP, else website.

    Raises:
        UserError: unknown kind.
    """
    value = value.strip()
    if not value:
        return Kind.SERVER if is_ip(name) else Kind.WEBSITE
    if value in _KIND_ALIASES:
        return _KIND_ALIASES[value]
    try:
        return Kind(value.lower())
    except ValueError:
        kinds = ", ".join(k.value for k in Kind)
        raise UserError(
            f"unknown kind {value!r} (use {kinds})", f"未知类型 {value!r}（可用：{kinds}）"
        ) from None


def parse_status(value: str) -> Lifecycle:
    """A lifecycle from its id or Chinese name; empty means active.

    Raises:
        UserError: unknown status.
    """
    value = value.strip()
    if not value:
        return Lifecycle.ACTIVE
    if value in _STATUS_ALIASES:
        return _STATUS_ALIASES[value]
    try:
        return Lifecycle(value.lower())
    except ValueError:
        raise UserError(
            f"unknown status {value!r} (use active, retiring, retired)",
            f"未知状态 {value!r}（可用：active、retiring、retired）",
        ) from None


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
            f"bad date {value!r}; use YYYY-MM-DD", f"日期无效 {value!r}；请用 YYYY-MM-DD"
        ) from None


def _split(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(v for v in str(value or "").replace(";", " ").replace(",", " ").split() if v)


def build_asset(row: dict[str, Any]) -> Asset:
    """Validate one record (CSV row or JSON object) into an Asset.

    Raises:
        UserError: a field is missing or invalid.
    """
    raw_name = str(row.get("name") or "").strip()
    if not raw_name:
        raise UserError("empty name", "名称为空")
    name = normalize_name(raw_name)
    return Asset(
        name=name,
        kind=parse_kind(str(row.get("kind") or ""), name),
        owner=str(row.get("owner") or "").strip(),
        lifecycle=parse_status(str(row.get("status") or "")),
        urls=tuple(normalize_url(u) for u in _split(row.get("url"))),
        icp=str(row.get("icp") or "").strip(),
        tags=_split(row.get("tags")),
        notes=str(row.get("notes") or "").strip(),
    )


def decode(data: bytes) -> str:
    """Text of an inventory file: UTF-8 (with or without BOM), else GB18030 (GBK Excel exports)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _column(header: str) -> str:
    key = header.strip().lstrip("\ufeff").strip().lower()
    return _COLUMN_ALIASES.get(key, key)


def parse_csv(text: str) -> ParsedFile:
    """Parse CSV text. Each physical line is one row, so one broken quote costs one row.

    Raises:
        UserError: no header with a `name` column.
    """
    result = ParsedFile()
    lines = text.splitlines()
    header_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        raise UserError("the file is empty", "文件为空")
    header = [_column(h) for h in next(csv.reader([lines[header_line]]))]
    if "name" not in header:
        raise UserError(
            f"no 'name' column; the header must be {','.join(CSV_HEADER)}",
            f"缺少 name 列；表头应为 {','.join(CSV_HEADER)}",
        )
    present = frozenset(header) & {"kind", "owner", "status", "url", "icp", "tags", "notes"}
    for index in range(header_line + 1, len(lines)):
        line_no = index + 1
        line = lines[index]
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line], strict=True))
        except csv.Error as exc:
            result.errors.append(
                RowError(line_no, UserError(f"broken quoting: {exc}", f"引号不匹配：{exc}"))
            )
            continue
        if len(cells) > len(header):
            result.errors.append(
                RowError(
                    line_no,
                    UserError(
                        f"{len(cells)} fields, the header has {len(header)}",
                        f"有 {len(cells)} 个字段，表头只有 {len(header)} 个",
                    ),
                )
            )
            continue
        try:
            asset = build_asset(dict(zip(header, cells, strict=False)))
        except UserError as exc:
            result.errors.append(RowError(line_no, exc))
            continue
        result.assets.append((line_no, asset, present))
    return result


def parse_json(text: str) -> ParsedFile:
    """Parse a JSON list of asset objects, or {"assets": [...]}.

    Raises:
        UserError: not valid JSON, or not a list of objects.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"invalid JSON: {exc}", f"JSON 格式错误：{exc}") from None
    if isinstance(data, dict):
        data = data.get("assets")
    if not isinstance(data, list):
        raise UserError("expected a list of assets", "应为资产列表")
    result = ParsedFile()
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            result.errors.append(RowError(number, UserError("not an object", "不是对象")))
            continue
        item = {_column(k): v for k, v in item.items()}
        try:
            asset = build_asset(item)
        except UserError as exc:
            result.errors.append(RowError(number, exc))
            continue
        present = frozenset(item) & {"kind", "owner", "status", "url", "icp", "tags", "notes"}
        result.assets.append((number, asset, present))
    return result


def parse_file(path: Path) -> ParsedFile:
    """Read an inventory file: JSON when it says so (.json or a leading [ or {), else CSV.

    Raises:
        UserError: unreadable file, or a file-level problem (no header, bad JSON).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(
            f"cannot read {path}: {exc.strerror}", f"无法读取 {path}：{exc.strerror}"
        ) from None
    text = decode(data)
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        return parse_json(text)
    return parse_csv(text)


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
    return replace(existing, **changes)
