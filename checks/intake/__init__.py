"""Intake: inventory files (CSV as Chinese Excel saves it, or JSON) into validated assets.

`fields` turns one record into an Asset; `files` reads a file a row at a time.
"""

from checks.intake.fields import (
    CSV_HEADER,
    FIELD_OF_COLUMN,
    OPTIONAL,
    build_asset,
    merge,
    parse_day,
    parse_kind,
    parse_status,
    person_text,
)
from checks.intake.files import GoodRow, ParsedFile, Row, RowError, parse_file, read_rows

__all__ = [
    "CSV_HEADER",
    "FIELD_OF_COLUMN",
    "OPTIONAL",
    "GoodRow",
    "ParsedFile",
    "Row",
    "RowError",
    "build_asset",
    "merge",
    "parse_day",
    "parse_file",
    "parse_kind",
    "parse_status",
    "person_text",
    "read_rows",
]
