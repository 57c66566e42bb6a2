"""The few statements SQLite and PostgreSQL write differently, chosen by the database's flavour.

Everything else in the repositories is SQL both take (see `checks.store.postgres`).
"""

from __future__ import annotations

from sqlite_utils import Database

from checks.errors import UserError


def busy_error(seconds: float) -> UserError:
    """Another writer held the database longer than a write waits (both backends)."""
    return UserError(
        f"the database is busy: another assetwatch has been writing for "
        f"{seconds:.0f} s; nothing was changed, try again",
        f"数据库繁忙：另一个 assetwatch 已写入 {seconds:.0f} 秒；未做任何更改，请重试",
    )


def postgres(db: Database) -> bool:
    """Whether `db` is the PostgreSQL backend."""
    return getattr(db, "flavour", "sqlite") == "postgresql"


def json_ints(db: Database, param: str) -> str:
    """A subquery of the integers in a JSON array parameter (`:ids`), for `x IN (...)`."""
    if postgres(db):
        return f"SELECT value::bigint FROM jsonb_array_elements_text(CAST({param} AS jsonb))"
    return f"SELECT value FROM json_each({param})"


def json_texts(db: Database, column: str, alias: str) -> str:
    """A FROM item of the strings in a JSON array column, one row each as `alias.value`."""
    if postgres(db):
        return f"jsonb_array_elements_text(CAST({column} AS jsonb)) AS {alias}(value)"
    return f"json_each({column}) {alias}"


def json_flag(db: Database, column: str, key: str) -> str:
    """A top-level JSON boolean of a column as 0/1 (0 when absent)."""
    if postgres(db):
        return f"coalesce(CAST(CAST({column} AS jsonb) ->> '{key}' AS boolean)::int, 0)"
    return f"coalesce(json_extract({column}, '$.{key}'), 0)"


def changes_of(db: Database, table: str) -> object:
    """A value that changes when another connection commits a change to `table`.

    SQLite: `data_version` (any commit by another connection). PostgreSQL: the table's row
    count and the sum of its rows' transaction ids (an insert, update or delete moves one).
    """
    if postgres(db):
        return tuple(
            db.execute(
                "SELECT count(*), coalesce(sum(CAST(CAST(xmin AS text) AS bigint)), 0) "
                f"FROM {table}"
            ).fetchone()
        )
    return int(db.execute("PRAGMA data_version").fetchone()[0])
