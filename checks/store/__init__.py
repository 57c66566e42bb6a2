"""The SQLite store, via sqlite-utils: the only package that speaks SQL.

`Store` owns the connection and the migrations and composes one repository per concern:

* `audit`        the audit log of every change a person (or assetwatch) makes
* `assets`       the inventory                  * `settings`  stored settings, typed
* `checks`       checks switched off            * `probes`    probe history and page bodies
* `findings`     findings, their attestations and risk acceptances
* `attestations` decommission steps and the organisation checklist
* `baselines`    accepted home pages            * `views`     read models for the front ends
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

import platformdirs
from sqlite_utils import Database

from checks.errors import UserError
from checks.model import Clock, utcnow
from checks.store.attestations import Attestations
from checks.store.audit import AuditLog, actor
from checks.store.findings import Findings
from checks.store.inventory import Assets
from checks.store.probes import Baselines, Probes
from checks.store.schema import KNOWN, MIGRATIONS, schema_version
from checks.store.settings import DisabledChecks, SettingsRepo
from checks.store.views import Views

__all__ = ["Store", "actor", "default_db_path"]


def default_db_path() -> Path:
    """ASSETWATCH_DB, else assetwatch.db in the platform's user data directory."""
    env = os.environ.get("ASSETWATCH_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("assetwatch", appauthor=False)) / "assetwatch.db"


class Store:
    """One assetwatch database. Create and use it on one thread (sqlite3's rule).

    Args:
        path: database file, created with mode 0600 (its folder 0700) if missing.
        memory: an in-memory database, for tests.
        clock: where timestamps come from.
    """

    def __init__(
        self, path: str | Path | None = None, *, memory: bool = False, clock: Clock = utcnow
    ) -> None:
        self.clock = clock
        if memory:
            self.path: Path | None = None
            conn = sqlite3.connect(":memory:")
        else:
            self.path = Path(path) if path is not None else default_db_path()
            conn = self._connect(self.path)
        self.db = Database(conn, execute_plugins=False)
        self._migrate()
        self.audit = AuditLog(self.db, clock)
        self.assets = Assets(self.db, clock, self.audit)
        self.settings = SettingsRepo(self.db, self.audit)
        self.checks = DisabledChecks(self.db, clock, self.audit)
        self.findings = Findings(self.db, clock, self.audit)
        self.attestations = Attestations(self.db, clock, self.audit)
        self.baselines = Baselines(self.db, clock, self.audit)
        self.probes = Probes(self.db, clock, self.findings)
        self.views = Views(self.db, clock, self)

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            conn = sqlite3.connect(path, timeout=15.0)
            conn.execute("PRAGMA journal_mode=WAL")
        except (OSError, sqlite3.Error) as exc:
            raise UserError(
                f"cannot open database {path}: {exc}", f"无法打开数据库 {path}：{exc}"
            ) from None
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _migrate(self) -> None:
        if {m.name for m in MIGRATIONS.applied(self.db)} - set(KNOWN):
            raise UserError(
                "this database was written by a newer assetwatch; upgrade assetwatch to open it",
                "此数据库由更新版本的 assetwatch 写入；请升级 assetwatch 后再打开",
            )
        if not MIGRATIONS.pending(self.db):
            return
        conn = self.db.conn
        # IMMEDIATE takes the write lock first, so two processes never migrate at once.
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS.apply(self.db)
            conn.execute(f"PRAGMA user_version={schema_version(self.db)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def atomic(self) -> AbstractContextManager[Database]:
        """One transaction around several writes (nested ones become savepoints)."""
        return self.db.atomic()

    @property
    def schema_version(self) -> int:
        """How many migrations this database has had."""
        return schema_version(self.db)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()
