"""Intake: inventory files (CSV as Chinese Excel saves it, or JSON) into validated assets."""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
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
            f"unknown kind {excerpt(value)} (use {kinds})",
            f"未知类型 {excerpt(value)}（可用：{kinds}）",
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
            f"unknown status {excerpt(value)} (use active, retiring, retired)",
            f"未知状态 {excerpt(value)}（可用：active、retiring、retired）",
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
            f"bad date {excerpt(value)}; use YYYY-MM-DD",
            f"日期无效 {excerpt(value)}；请用 YYYY-MM-DD",
        ) from None


_MULTILINE = frozenset({"notes", "note", "reason"})
"""Fields that may run over lines (Alt+Enter in Excel, a long note)."""


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise UserError(f"{key}: expected text", f"{key}：应为文本")
    text = str(value).strip()
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
    return tuple(v for v in _text(row, key).replace(";", " ").replace(",", " ").split() if v)


def build_asset(row: dict[str, Any]) -> Asset:
    """Validate one record (CSV row or JSON object) into an Asset.

    People's text is data too: control characters and directional overrides are refused.

    Raises:
        UserError: a field is missing or invalid.
    """
    raw_name = _text(row, "name")
    if not raw_name:
        raise UserError("empty name", "名称为空")
    name = normalize_name(raw_name)
    return Asset(
        name=name,
        kind=parse_kind(_text(row, "kind"), name),
        owner=_text(row, "owner"),
        lifecycle=parse_status(_text(row, "status")),
        urls=tuple(normalize_url(u) for u in _split(row, "url")),
        icp=_text(row, "icp"),
        tags=_split(row, "tags"),
        notes=_text(row, "notes"),
    )


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LINE_END = re.compile(rb"\r\n|\n|\r")


def decode(data: bytes) -> str:
    """Text of a whole file: UTF-16 or UTF-8 by BOM, else UTF-8, else GB18030 (GBK Excel)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec if codec != "utf-16" else _utf16(bom), "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _utf16(bom: bytes) -> str:
    return "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"


def decode_lines(data: bytes) -> tuple[list[str], dict[int, UserError]]:
    """A file's physical lines, each decoded on its own (a GBK row after UTF-8 rows reads right).

    Only CR, LF and CRLF end a line: a vertical tab, NEL or U+2028 inside a cell never does.
    Returns the lines and, by line number, those that are neither UTF-8 nor GB18030.
    """
    for bom, _ in _BOMS[1:]:
        if data.startswith(bom):
            text = data[len(bom) :].decode(_utf16(bom), "replace")
            return re.split(r"\r\n|\n|\r", text), {}
    data = data.removeprefix(codecs.BOM_UTF8)
    lines: list[str] = []
    bad: dict[int, UserError] = {}
    for number, raw in enumerate(_LINE_END.split(data), start=1):
        for codec in ("utf-8", "gb18030"):
            try:
                lines.append(raw.decode(codec))
                break
            except UnicodeDecodeError:
                continue
        else:
            lines.append(raw.decode("utf-8", "replace"))
            bad[number] = UserError(
                "neither UTF-8 nor GBK: save the file as UTF-8 or GBK",
                "既不是 UTF-8 也不是 GBK：请另存为 UTF-8 或 GBK",
            )
    return lines, bad


def _column(header: str) -> str:
    key = header.strip().lstrip("\ufeff").strip().lower()
    return _COLUMN_ALIASES.get(key, key)


OPTIONAL = frozenset({"kind", "owner", "status", "url", "icp", "tags", "notes"})
MAX_RECORD_LINES = 50
"""Physical lines one quoted cell may span before its quote counts as broken."""


def _records(lines: list[str], start: int) -> Iterator[tuple[int, str | None]]:
    """(first line number, the record's text) per record; text None when its quote never closes.

    A quoted cell may hold line breaks (Excel writes them so); an unclosed quote costs its
    first line only, never the rest of the file.
    """
    index = start
    while index < len(lines):
        first = index
        text = lines[index]
        index += 1
        while text.count('"') % 2 and index < len(lines) and index - first < MAX_RECORD_LINES:
            text += "\n" + lines[index]
            index += 1
        if text.count('"') % 2:
            yield first + 1, None
            index = first + 1
            continue
        yield first + 1, text


def _delimiter(header: str) -> str:
    return "\t" if header.count("\t") > header.count(",") else ","


def parse_csv(text: str | list[str], bad: dict[int, UserError] | None = None) -> ParsedFile:
    """Parse CSV (or tab-separated, as Excel's "Unicode text" saves it) per RFC 4180.

    Raises:
        UserError: no header with a `name` column.
    """
    lines = re.split(r"\r\n|\n|\r", text) if isinstance(text, str) else text
    bad = bad or {}
    result = ParsedFile()
    header_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        raise UserError("the file is empty", "文件为空")
    delimiter = _delimiter(lines[header_line])
    header = [_column(h) for h in next(csv.reader([lines[header_line]], delimiter=delimiter))]
    if "name" not in header:
        raise UserError(
            f"no 'name' column; the header must be {','.join(CSV_HEADER)}",
            f"缺少 name 列；表头应为 {','.join(CSV_HEADER)}",
        )
    present = frozenset(header) & OPTIONAL
    for line_no, record in _records(lines, header_line + 1):
        if line_no in bad:
            result.errors.append(RowError(line_no, bad[line_no]))
            continue
        if record is None:
            result.errors.append(
                RowError(
                    line_no,
                    UserError("broken quoting: a quote is never closed", "引号不匹配：引号未闭合"),
                )
            )
            continue
        if not record.strip():
            continue
        try:
            cells = next(csv.reader([record], delimiter=delimiter, strict=True))
            if len(cells) > len(header):
                raise UserError(
                    f"{len(cells)} fields, the header has {len(header)}",
                    f"有 {len(cells)} 个字段，表头只有 {len(header)} 个",
                )
            result.assets.append(
                (line_no, build_asset(dict(zip(header, cells, strict=False))), present)
            )
        except csv.Error as exc:
            result.errors.append(
                RowError(line_no, UserError(f"broken quoting: {exc}", f"引号不匹配：{exc}"))
            )
        except UserError as exc:
            result.errors.append(RowError(line_no, exc))
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
    except RecursionError:
        raise UserError("JSON nested too deeply", "JSON 嵌套过深") from None
    if isinstance(data, dict):
        data = data.get("assets")
    if not isinstance(data, list):
        raise UserError("expected a list of assets", "应为资产列表")
    result = ParsedFile()
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            result.errors.append(RowError(number, UserError("not an object", "不是对象")))
            continue
        try:
            item = {_column(str(k)): v for k, v in item.items()}
            result.assets.append((number, build_asset(item), frozenset(item) & OPTIONAL))
        except UserError as exc:
            result.errors.append(RowError(number, exc))
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
    return parse_csv(*decode_lines(data))


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
