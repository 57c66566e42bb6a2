"""The organisation's ICP filing list (备案), read from a file: CSV (UTF-8 or GBK) or XLSX.

Pure: bytes in, `Filing` rows out. Nothing is looked up online for filings: the list is what
the company copied or exported from the MIIT filing system (beian.miit.gov.cn) or its hosting
provider's 备案 console, and assetwatch reconciles it with the inventory.

Columns (Chinese as the consoles name them, or the English aliases), header on the first row
that has a domain column:

| column | aliases | required |
|---|---|---|
| 网站域名 | domain, website domain, 域名, 网址, 首页网址 | yes (split on ; , 、 space) |
| 网站备案号 | site_no, website number, website licence, 网站备案/许可证号 | no |
| 主体备案号 | entity_no, entity number, main licence, 主体备案/许可证号 | no |
| 网站名称 | site_name, website name | no |
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from checks.errors import UserError
from checks.model import Filing
from checks.names import normalize_name

COLUMNS: dict[str, str] = {
    "网站域名": "domain",
    "domain": "domain",
    "website domain": "domain",
    "域名": "domain",
    "网址": "domain",
    "首页网址": "domain",
    "网站备案号": "site_no",
    "site_no": "site_no",
    "website number": "site_no",
    "website licence": "site_no",
    "网站备案/许可证号": "site_no",
    "主体备案号": "entity_no",
    "entity_no": "entity_no",
    "entity number": "entity_no",
    "main licence": "entity_no",
    "主体备案/许可证号": "entity_no",
    "网站名称": "site_name",
    "site_name": "site_name",
    "website name": "site_name",
}
"""Header (lower case, trimmed) -> field of `Filing`."""
_SPLIT = re.compile(r"[;,，；、\s]+")
MAX_ROWS = 100_000


@dataclass(slots=True)
class FilingList:
    """What a filing file held: its filings and, by line, what could not be read."""

    filings: list[Filing] = field(default_factory=list)
    errors: list[tuple[int, UserError]] = field(default_factory=list)


def _column(header: object) -> str:
    key = str(header or "").strip().lstrip("\ufeff").strip().lower()
    return COLUMNS.get(key, "")


def _domain(raw: str) -> str:
    raw = raw.strip()
    raw = (urlsplit(raw).hostname or "") if "://" in raw else raw.split("/", 1)[0]
    name = normalize_name(raw)
    if "." not in name:
        raise UserError(f"not a domain: {raw}", f"不是域名：{raw}")
    return name.removeprefix("www.") if name.startswith("www.") and name.count(".") > 1 else name


def rows_to_filings(rows: list[list[object]], first_line: int = 1) -> FilingList:
    """Filings from table rows (the header among them); `first_line` numbers the first row.

    Raises:
        UserError: no row has a domain column (网站域名).
    """
    result = FilingList()
    header_at = next(
        (i for i, row in enumerate(rows) if "domain" in [_column(c) for c in row]), None
    )
    if header_at is None:
        raise UserError(
            "no 网站域名 (domain) column: the header names "
            "主体备案号, 网站备案号, 网站名称, 网站域名",
            "缺少“网站域名”列：表头应为 主体备案号、网站备案号、网站名称、网站域名",
        )
    keys = [_column(c) for c in rows[header_at]]
    for offset, row in enumerate(rows[header_at + 1 : header_at + 1 + MAX_ROWS], start=1):
        line = first_line + header_at + offset
        cells = {k: str(v or "").strip() for k, v in zip(keys, row, strict=False) if k}
        if not any(cells.values()):
            continue
        raw_domains = [d for d in _SPLIT.split(cells.get("domain", "")) if d]
        if not raw_domains:
            result.errors.append((line, UserError("no domain", "缺少网站域名")))
            continue
        failed = False
        for raw in raw_domains:
            try:
                domain = _domain(raw)
            except UserError as exc:
                if not failed:
                    result.errors.append((line, exc))
                failed = True
                continue
            result.filings.append(
                Filing(
                    domain,
                    cells.get("site_no", ""),
                    cells.get("entity_no", ""),
                    cells.get("site_name", ""),
                )
            )
    return result


def decode_csv(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), else GBK/GB18030 as Chinese Excel saves."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def parse_csv(data: bytes) -> FilingList:
    """A filing list saved as CSV (comma- or tab-separated)."""
    text = decode_csv(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return rows_to_filings(rows)


def parse_xlsx(data: bytes) -> FilingList:
    """A filing list exported as XLSX (its first sheet).

    Raises:
        UserError: not an XLSX file.
    """
    # openpyxl: the kept reader of the XLSX format (zip of XML parts, shared strings, dates);
    # read_only streams rows, so a large export stays small in memory.
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError... for a bad file
        raise UserError(
            f"not a readable XLSX file: {exc}", f"无法读取的 XLSX 文件：{exc}"
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 50)]
    finally:
        book.close()
    return rows_to_filings(rows)


def parse_filings(name: str, data: bytes) -> FilingList:
    """A filing list by its file name: .xlsx as XLSX, anything else as CSV.

    Raises:
        UserError: the file has no domain column, or is a broken XLSX.
    """
    if name.lower().endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04"):
        return parse_xlsx(data)
    return parse_csv(data)
