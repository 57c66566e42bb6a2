"""Inventory files, read a row at a time: CSV as Chinese Excel saves it, or a JSON list.

Rows stream: a 100,000-row sheet or a 50 MB JSON file is never held whole, in bytes or in
objects. A file-level problem (unreadable, no `name` column, broken JSON) raises `UserError`;
a bad row becomes a `RowError` naming its line and the rows around it still come.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from checks.errors import UserError
from checks.intake.fields import CSV_HEADER, OPTIONAL, build_asset, column_key, is_clean
from checks.model import Asset


@dataclass(slots=True)
class RowError:
    """A rejected row: where it was and why."""

    line: int
    """CSV line number (the header is line 1), or the JSON item number."""
    error: UserError


GoodRow = tuple[int, Asset, frozenset[str]]
"""(line, the asset, the optional fields the file set for it)."""
Row = GoodRow | RowError


@dataclass(slots=True)
class ParsedFile:
    """Good rows (with the fields the file set) and rejected rows."""

    assets: list[GoodRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


CHUNK = 1 << 20
"""Bytes read at a time."""
MAX_RECORD_LINES = 50
"""Physical lines one quoted cell may span before its quote counts as broken."""
MAX_ITEM = 16 << 20
"""Characters one JSON item may take: more is a broken file, not an asset."""
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LINE_END = re.compile(rb"\r\n|\n|\r")
_UNREADABLE = UserError(
    "neither UTF-8 nor GBK: save the file as UTF-8 or GBK",
    "既不是 UTF-8 也不是 GBK：请另存为 UTF-8 或 GBK",
)


def read_rows(path: Path) -> Iterator[Row]:
    """The rows of an inventory file: JSON when it says so (.json, or a leading [ or {), else CSV.

    Raises:
        UserError: unreadable file, or a file-level problem (no header, broken JSON), possibly
            after some rows were given: a caller writing them in one transaction rolls back.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise UserError(
            f"cannot read {path}: {exc.strerror}", f"无法读取 {path}：{exc.strerror}"
        ) from None
    with handle:
        head = handle.read(4)
        handle.seek(0)
        utf16 = next((c for b, c in _BOMS[1:] if head.startswith(b)), None)
        if utf16 is not None:  # Excel's "Unicode text": small, read whole
            text = handle.read()[2:].decode(utf16, "replace")
            yield from _csv_rows(enumerate(re.split(r"\r\n|\n|\r", text), start=1), set())
            return
        start = _first_char(handle)
        if path.suffix.lower() == ".json" or start in ("[", "{"):
            reader = io.TextIOWrapper(handle, encoding="utf-8-sig")
            try:
                yield from _json_rows(reader, start)
            except UnicodeDecodeError:
                raise UserError(
                    "not UTF-8: JSON files are UTF-8 (save the file as UTF-8)",
                    "不是 UTF-8 编码：JSON 文件须为 UTF-8（请另存为 UTF-8）",
                ) from None
            return
        bad: set[int] = set()
        yield from _csv_rows(_decoded_lines(handle, bad), bad)


def parse_file(path: Path) -> ParsedFile:
    """Every row of an inventory file at once (a preview, a test); imports use `read_rows`."""
    parsed = ParsedFile()
    for row in read_rows(path):
        if isinstance(row, RowError):
            parsed.errors.append(row)
        else:
            parsed.assets.append(row)
    return parsed


def _first_char(handle: IO[bytes]) -> str:
    head = handle.read(4096)
    handle.seek(0)
    return head.removeprefix(codecs.BOM_UTF8).lstrip()[:1].decode("latin-1")


# -- CSV -----------------------------------------------------------------------------------


def _byte_lines(handle: IO[bytes]) -> Iterator[bytes]:
    """Physical lines: only CR, LF and CRLF end one (a vertical tab, NEL or U+2028 never does)."""
    rest = b""
    while chunk := handle.read(CHUNK):
        data = rest + chunk
        hold = data.endswith(b"\r")  # its LF may open the next chunk
        parts = _LINE_END.split(data[:-1] if hold else data)
        rest = parts.pop() + (b"\r" if hold else b"")
        yield from parts
    yield from _LINE_END.split(rest)


def _decoded_lines(handle: IO[bytes], bad: set[int]) -> Iterator[tuple[int, str]]:
    """(number, text) of each line, decoded on its own: a GBK row after UTF-8 rows reads right.
    Lines that are neither UTF-8 nor GB18030 are added to `bad`."""
    for number, raw in enumerate(_byte_lines(handle), start=1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            yield number, raw.decode("utf-8")
            continue
        except UnicodeDecodeError:
            pass
        try:
            yield number, raw.decode("gb18030")
        except UnicodeDecodeError:
            bad.add(number)
            yield number, raw.decode("utf-8", "replace")


def _records(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str | None]]:
    """(first line number, the record's text) per record; text None when its quote never closes.

    A quoted cell may hold line breaks (Excel writes them so); an unclosed quote costs its
    first line only, never the rest of the file.
    """
    pending: deque[tuple[int, str]] = deque()

    def take() -> tuple[int, str] | None:
        return pending.popleft() if pending else next(lines, None)

    while (line := take()) is not None:
        first, text = line
        used: list[tuple[int, str]] = []
        while text.count('"') % 2 and len(used) + 1 < MAX_RECORD_LINES:
            more = take()
            if more is None:
                break
            used.append(more)
            text += "\n" + more[1]
        if text.count('"') % 2:
            pending.extendleft(reversed(used))
            yield first, None
            continue
        yield first, text


def _delimiter(header: str) -> str:
    return "\t" if header.count("\t") > header.count(",") else ","


def _csv_rows(lines: Iterator[tuple[int, str]], bad: set[int]) -> Iterator[Row]:
    """Parse CSV (or tab-separated, as Excel's "Unicode text" saves it) per RFC 4180.

    Raises:
        UserError: the file is empty, or has no header with a `name` column.
    """
    lines = iter(lines)
    first = next(((n, t) for n, t in lines if t.strip()), None)
    if first is None:
        raise UserError("the file is empty", "文件为空")
    delimiter = _delimiter(first[1])
    header = [column_key(h) for h in next(csv.reader([first[1]], delimiter=delimiter))]
    if "name" not in header:
        raise UserError(
            f"no 'name' column; the header must be {','.join(CSV_HEADER)}",
            f"缺少 name 列；表头应为 {','.join(CSV_HEADER)}",
        )
    present = frozenset(header) & OPTIONAL
    for line_no, record in _records(lines):
        if line_no in bad:
            yield RowError(line_no, _UNREADABLE)
        elif record is None:
            yield RowError(
                line_no,
                UserError("broken quoting: a quote is never closed", "引号不匹配：引号未闭合"),
            )
        elif record.strip():
            yield _csv_row(line_no, record, header, delimiter, present)


def _csv_row(
    line_no: int, record: str, header: list[str], delimiter: str, present: frozenset[str]
) -> Row:
    clean = is_clean(record)
    try:
        if clean and '"' not in record:
            cells = record.split(delimiter)  # what csv.reader makes of it, at a fifth the cost
        else:
            cells = next(csv.reader([record], delimiter=delimiter, strict=True))
        if len(cells) > len(header):
            raise UserError(
                f"{len(cells)} fields, the header has {len(header)}",
                f"有 {len(cells)} 个字段，表头只有 {len(header)} 个",
            )
        row = dict(zip(header, cells, strict=False))
        return line_no, build_asset(row, clean=clean), present
    except csv.Error as exc:
        return RowError(line_no, UserError(f"broken quoting: {exc}", f"引号不匹配：{exc}"))
    except UserError as exc:
        return RowError(line_no, exc)


# -- JSON ----------------------------------------------------------------------------------


def _json_rows(reader: IO[str], start: str) -> Iterator[Row]:
    """A JSON list of asset objects, item by item; or {"assets": [...]}, read whole.

    Raises:
        UserError: not valid JSON, or not a list of objects.
    """
    if start == "{":
        try:
            data = json.loads(reader.read()).get("assets")
        except json.JSONDecodeError as exc:
            raise UserError(f"invalid JSON: {exc}", f"JSON 格式错误：{exc}") from None
        except RecursionError:
            raise UserError("JSON nested too deeply", "JSON 嵌套过深") from None
        if not isinstance(data, list):
            raise UserError("expected a list of assets", "应为资产列表")
        items: Iterator[Any] = iter(data)
    else:
        items = _array_items(reader)
    for number, item in enumerate(items, start=1):
        yield _json_row(number, item)


def _json_row(number: int, item: Any) -> Row:
    if not isinstance(item, dict):
        return RowError(number, UserError("not an object", "不是对象"))
    try:
        item = {column_key(str(k)): v for k, v in item.items()}
        return number, build_asset(item), frozenset(item) & OPTIONAL
    except UserError as exc:
        return RowError(number, exc)


class _Text:
    """A text stream read a chunk at a time, with what is not yet consumed kept in `buf`."""

    def __init__(self, reader: IO[str]) -> None:
        self.reader = reader
        self.buf = ""
        self.pos = 0
        self.done = False

    def more(self) -> bool:
        """Read another chunk (dropping what is consumed); False at the end of the file."""
        if self.done:
            return False
        chunk = self.reader.read(CHUNK)
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        self.done = not chunk
        return bool(chunk)

    def skip_space(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos : self.pos + 1]


def _array_items(reader: IO[str]) -> Iterator[Any]:
    """The items of a top-level JSON array, decoded one at a time by the standard decoder."""
    decoder = json.JSONDecoder()
    text = _Text(reader)

    def broken(why: str) -> UserError:
        return UserError(f"invalid JSON: {why}", f"JSON 格式错误：{why}")

    if text.skip_space() != "[":
        raise broken("expected a list of assets")
    text.pos += 1
    count = 0
    if text.skip_space() == "]":
        text.pos += 1
        if text.skip_space():
            raise broken("text after the list")
        return
    while True:
        text.skip_space()
        while True:
            try:
                item, end = decoder.raw_decode(text.buf, text.pos)
            except json.JSONDecodeError as exc:
                if len(text.buf) - text.pos < MAX_ITEM and text.more():
                    continue  # the item goes on in the next chunk
                raise broken(f"item {count + 1}: {exc.msg}") from None
            except RecursionError:
                raise UserError("JSON nested too deeply", "JSON 嵌套过深") from None
            if end == len(text.buf) and text.more():
                continue  # a number or a word may go on in the next chunk
            break
        text.pos = end
        count += 1
        yield item
        char = text.skip_space()
        text.pos += 1
        if char == "]":
            if text.skip_space():
                raise broken(f"text after the list (item {count})")
            return
        if char != ",":
            raise broken(f"expected , or ] after item {count}")
