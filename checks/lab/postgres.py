"""A throwaway PostgreSQL server on loopback, for the test suite, the benchmarks and trials.

It runs the distribution's own server binaries (Debian's `postgresql` package: initdb and
postgres under /usr/lib/postgresql/<version>/bin) on a data folder of its own, listening on
127.0.0.1 and a Unix socket in that folder only, trust authentication for the one local role.
PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

ROLE = "aw"
DATABASE = "aw"


def server_binaries() -> Path | None:
    """The folder holding initdb and postgres, or None when no server is installed."""
    found = shutil.which("initdb")
    if found and shutil.which("postgres"):
        return Path(os.path.realpath(found)).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "postgres").exists():
            return Path(candidate)
    return None


def missing_reason() -> str | None:
    """Why no server can be started here, or None when one can."""
    if server_binaries() is None:
        return "no PostgreSQL server installed (Debian: apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the server as"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LabPostgres:
    """Start with `with LabPostgres() as pg:`; `pg.url` is a DSN for a fresh database."""

    def __init__(
        self, *, max_connections: int = 200, settings: dict[str, str] | None = None
    ) -> None:
        self.max_connections = max_connections
        self.settings = settings or {}
        """More server settings (`-c NAME=VALUE`): the bench loads pg_stat_statements."""
        self.port = 0
        self.folder: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"

    def url_for(self, database: str) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    @staticmethod
    def _server_user() -> tuple[int | None, int | None]:
        """(uid, gid) to run the server as: the `postgres` user when we are root."""
        if os.geteuid() != 0:
            return None, None
        user = pwd.getpwnam("postgres")
        return user.pw_uid, user.pw_gid

    def start(self) -> LabPostgres:
        reason = missing_reason()
        if reason:
            raise RuntimeError(reason)
        bins = server_binaries()
        assert bins is not None
        self._bins = bins
        self.folder = Path(tempfile.mkdtemp(prefix="aw-pg-"))
        data = self.folder / "data"
        data.mkdir()
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            os.chown(data, user.pw_uid, user.pw_gid)
        uid, gid = self._server_user()
        subprocess.run(
            [
                str(bins / "initdb"),
                "-D",
                str(data),
                "-U",
                ROLE,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            cwd=self.folder,
            user=uid,
            group=gid,
            extra_groups=None if uid is None else [],
        )
        self.port = _free_port()
        log = open(self.folder / "server.log", "wb")  # noqa: SIM115 - kept for the server's life
        self._proc = subprocess.Popen(
            [
                str(bins / "postgres"),
                "-D",
                str(data),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-k",
                str(self.folder),
                "-c",
                f"max_connections={self.max_connections}",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "shared_buffers=128MB",
                *(a for k, v in self.settings.items() for a in ("-c", f"{k}={v}")),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.folder,
            user=uid,
            group=gid,
            extra_groups=None if uid is None else [],
        )
        log.close()
        self._wait_ready()
        self.psql(f"CREATE DATABASE {DATABASE}", database="postgres")
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise RuntimeError(f"PostgreSQL did not start: {self.log_tail()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                ready = subprocess.run(
                    [
                        str(self._bins / "pg_isready"),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(self.port),
                        "-U",
                        ROLE,
                    ],
                    capture_output=True,
                )
                if ready.returncode == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not answer in 30 s: {self.log_tail()}")

    def _pid(self) -> int:
        """The postmaster's process id (0 when not running)."""
        return self._proc.pid if self._proc is not None else 0

    def log_tail(self) -> str:
        if self.folder is None:
            return ""
        try:
            return (self.folder / "server.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def psql(self, sql: str, *, database: str = DATABASE) -> None:
        """Run one statement as the lab's role (CREATE DATABASE cannot run in a transaction)."""
        import psycopg

        with psycopg.connect(self.url_for(database), autocommit=True) as conn:
            conn.execute(sql.encode())

    def fresh_database(self, name: str, template: str = "") -> str:
        """A new empty database, or a copy of `template` (which nobody may be connected to);
        its DSN."""
        copy = f' TEMPLATE "{template}"' if template else ""
        self.psql(f'CREATE DATABASE "{name}"{copy}', database="postgres")
        return self.url_for(name)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()  # smart shutdown would wait for clients: fast is SIGINT
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> LabPostgres:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


if __name__ == "__main__":  # python -m checks.lab.postgres: a server to try things against
    with LabPostgres() as pg:
        print(pg.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
