"""The SQLite store, via sqlite-utils: the only package that speaks SQL.

`Store` owns the connection and the migrations and composes one repository per concern:

* `audit`        the audit log of every change a person (or assetwatch) makes
* `assets`       the inventory                  * `settings`  stored settings, typed
* `checks`       checks switched off            * `probes`    probe history and page bodies
* `findings`     findings, their attestations and risk acceptances
* `attestations` decommission steps and the organisation checklist
* `baselines`    accepted home pages            * `views`     read models for the front ends
* `registrations` registry answers cached a day  * `filings`   the imported ICP filing list
* `discovered`   names found outside the inventory, and what was decided
* `outbox`       alert events, written with the change they describe
* `channels`     alert channels and owners' contacts
* `deliveries`   digests to channels and their attempts
* `runs`         due runs of workers, and the places they probe from
* `orgs`         the organisations of the install (the default organisation's store)
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import platformdirs
from sqlite_utils import Database

from checks.errors import UserError
from checks.model import Clock, utcnow
from checks.store.attestations import Attestations
from checks.store.audit import AuditLog, actor
from checks.store.channels import Channels
from checks.store.codec import ts
from checks.store.deliveries import Deliveries
from checks.store.dialect import busy_error
from checks.store.domains import Discovered, Filings, Registrations
from checks.store.findings import Findings
from checks.store.inventory import Assets
from checks.store.orgs import Orgs
from checks.store.outbox import Outbox
from checks.store.postgres import PgDatabase, SessionLock, is_postgres, masked
from checks.store.postgres import applied as pg_applied
from checks.store.postgres import migrate as pg_migrate
from checks.store.probes import Baselines, Probes
from checks.store.runs import Runs
from checks.store.schema import KNOWN, MIGRATIONS, STEPS, schema_version
from checks.store.settings import DisabledChecks, SettingsRepo
from checks.store.views import Views

__all__ = ["DEFAULT_ORG", "Store", "actor", "default_db_path", "org_name"]


def _wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL; on a fresh file another process may hold the lock a moment, so retry."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def default_db_path() -> Path:
    """ASSETWATCH_DB, else assetwatch.db in the platform's user data directory."""
    env = os.environ.get("ASSETWATCH_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("assetwatch", appauthor=False)) / "assetwatch.db"


DEFAULT_ORG = "default"
"""The root organisation: the one every install has, and the one that keeps the registry."""
_ORG_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def org_name(org: str | None) -> str:
    """A valid organisation name (lower-case letters, digits, hyphens; up to 40).

    Raises:
        UserError: anything else.
    """
    name = DEFAULT_ORG if org is None else org
    if not _ORG_NAME.fullmatch(name):
        raise UserError(
            f"not an organisation name: {name!r} (lower-case letters, digits and hyphens, "
            "up to 40, starting with a letter or digit)",
            f"组织名称无效：{name!r}（小写字母、数字和连字符，最多 40 个，以字母或数字开头）",
        )
    return name


def org_file(root: Path, org: str) -> Path:
    """The SQLite file of an organisation: the default one is `root` itself."""
    return root if org == DEFAULT_ORG else Path(f"{root}.orgs") / f"{org}.db"


BUSY_TIMEOUT_S = 30.0
"""How long a write waits for another process's (a sweep's batch, an import) before giving up."""


class _Database(Database):
    """sqlite-utils with write transactions that take the write lock first (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes fails at once with "database is locked"
    when another process wrote in between (WAL snapshots cannot be upgraded), whatever the
    busy timeout; an immediate one waits its turn. Several processes share one database
    (the dashboard, cron's scan, the command line), so every write transaction is immediate.
    """

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            with super().atomic() as db:  # a savepoint inside the open transaction
                yield db
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise busy_error(BUSY_TIMEOUT_S) from None
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


class Store:
    """One assetwatch database. Create and use it on one thread (sqlite3's rule).

    Args:
        path: database file, created with mode 0600 (its folder 0700) if missing.
        memory: an in-memory database, for tests.
        clock: where timestamps come from.
        create: create the file (and its folder) when it does not exist; when False a missing
            database is an error, so a typo in --db never starts an empty inventory.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        memory: bool = False,
        clock: Clock = utcnow,
        create: bool = True,
        org: str | None = None,
    ) -> None:
        self.clock = clock
        self.org = org_name(org)
        self.path: Path | None = None
        target = os.fspath(path) if path is not None else os.environ.get("ASSETWATCH_DB", "")
        self._reopen: str | None = None if memory else target
        """What `reopen` opens again: the --db value ('' for the default file)."""
        self.db: Database
        if not memory and is_postgres(target):
            self.backend = "postgresql"
            self.target = masked(target)
            pg = PgDatabase(
                target, self.org, create=create or self.org != DEFAULT_ORG, busy_s=BUSY_TIMEOUT_S
            )
            self.db = pg  # type: ignore[assignment]
            self._migrate_pg(pg, create)
        else:
            self.backend = "sqlite"
            if memory:
                conn = sqlite3.connect(":memory:")
            else:
                root = Path(target) if target else default_db_path()
                self.path = org_file(root, self.org)
                if self.org != DEFAULT_ORG and not root.exists():
                    raise UserError(
                        f"no database at {root} for organisation {self.org}",
                        f"{root} 处没有数据库，无法打开组织 {self.org}",
                    )
                conn = self._connect(self.path, create or self.org != DEFAULT_ORG)
            self.target = str(self.path) if self.path else ":memory:"
            self.db = _Database(conn, execute_plugins=False)
            self._migrate()
        self.audit = AuditLog(self.db, clock)
        self.assets = Assets(self.db, clock, self.audit)
        self.settings = SettingsRepo(self.db, self.audit)
        self.checks = DisabledChecks(self.db, clock, self.audit)
        self.outbox = Outbox(self.db, clock)
        self.findings = Findings(self.db, clock, self.audit, self.outbox)
        self.channels = Channels(self.db, clock, self.audit, self.outbox.channels_changed)
        self.deliveries = Deliveries(self.db, clock)
        self.attestations = Attestations(self.db, clock, self.audit)
        self.baselines = Baselines(self.db, clock, self.audit)
        self.probes = Probes(self.db, clock, self.findings)
        self.views = Views(self.db, clock, self)
        self.registrations = Registrations(self.db, clock)
        self.filings = Filings(self.db, clock, self.audit)
        self.discovered = Discovered(self.db, clock, self.audit)
        self.runs = Runs(self.db, clock)
        self.orgs = Orgs(self.db, clock, self.audit)

    @staticmethod
    def _connect(path: Path, create: bool) -> sqlite3.Connection:
        if not create and not path.exists():
            raise UserError(
                f"no database at {path} (check --db or ASSETWATCH_DB; `assetwatch init` "
                "creates one, and so do `add` and `import`)",
                f"{path} 处没有数据库（请检查 --db 或 ASSETWATCH_DB；`assetwatch init` "
                "可新建，`add` 与 `import` 也会新建）",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
            if path.stat().st_size == 0:
                # Only an empty file takes it (before WAL and the first table): freed history
                # pages can then go back to the file system a bounded step at a time.
                conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            _wal(conn)
        except (OSError, sqlite3.Error) as exc:
            raise UserError(
                f"cannot open database {path}: {exc}", f"无法打开数据库 {path}：{exc}"
            ) from None
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _migrate(self) -> None:
        if self.db["_sqlite_migrations"].exists() and not MIGRATIONS.pending(self.db):
            self._refuse_newer()
            return
        # Under the write lock from the start: two processes on a fresh file never race.
        with self.db.atomic():
            self._migrate_locked()

    def _migrate_pg(self, pg: PgDatabase, create: bool) -> None:
        names = pg_applied(pg)
        if not names and not create and self.org == DEFAULT_ORG:
            pg.close()
            raise UserError(
                f"no assetwatch database at {self.target} (check --db or ASSETWATCH_DB; "
                "`assetwatch init` creates one, and so do `add` and `import`)",
                f"{self.target} 处没有 assetwatch 数据库（请检查 --db 或 ASSETWATCH_DB；"
                "`assetwatch init` 可新建，`add` 与 `import` 也会新建）",
            )
        self._refuse_newer(names)
        if len(names) < len(STEPS):
            pg_migrate(pg, STEPS, ts(self.clock()))
            self._refuse_newer(pg_applied(pg))  # a newer assetwatch may have migrated first
        else:
            pg.refresh_identity()

    def _refuse_newer(self, names: list[str] | None = None) -> None:
        if names is None:
            names = [m.name for m in MIGRATIONS.applied(self.db)]
        if set(names) - set(KNOWN):
            raise UserError(
                "this database was written by a newer assetwatch; upgrade assetwatch to open it",
                "此数据库由更新版本的 assetwatch 写入；请升级 assetwatch 后再打开",
            )

    def _migrate_locked(self) -> None:
        self._refuse_newer()
        if not MIGRATIONS.pending(self.db):
            return
        MIGRATIONS.apply(self.db)
        self.db.conn.execute(f"PRAGMA user_version={schema_version(self.db)}")

    def reopen(self, clock: Clock | None = None, org: str | None = None) -> Store:
        """Another connection to the same database: this organisation (a worker thread's
        own), or another one of the same install.

        Raises:
            ValueError: an in-memory database has no second connection.
        """
        if self._reopen is None:
            raise ValueError("an in-memory database cannot be opened twice")
        target = self._reopen
        return Store(target or None, clock=clock or self.clock, create=False, org=org or self.org)

    def reopen_url(self) -> str:
        """The PostgreSQL DSN this store was opened with, password included: for another
        connection of this process (the work queue); never print it (`target` is masked)."""
        if not isinstance(self.db, PgDatabase):
            raise ValueError("not a PostgreSQL store")
        return self.db.url

    def server_lock(self, name: str) -> SessionLock | None:
        """A lock the database server holds for us (PostgreSQL); None for a SQLite file,
        whose locks are files beside it (`checks.service.locks`)."""
        if isinstance(self.db, PgDatabase):
            return self.db.session_lock(name)
        return None

    @property
    def shared(self) -> bool:
        """Several machines may use this database at once (PostgreSQL)."""
        return self.backend == "postgresql"

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
