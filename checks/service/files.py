"""Writing files people hand on (evidence, reports): private, and never through a symlink."""

from __future__ import annotations

import os
from pathlib import Path

from checks.errors import UserError


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` with mode 0600, refusing to follow a symlink at `path`.

    A link planted where the file goes (`report.html -> /etc/cron.d/x`) would otherwise
    make assetwatch write wherever it points.

    Raises:
        UserError: the file cannot be written, or `path` is a symlink.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if path.is_symlink():
            raise UserError(
                f"{path} is a symbolic link: not written", f"{path} 是符号链接：未写入"
            ) from None
        raise UserError(
            f"cannot write {path}: {exc.strerror}", f"无法写入 {path}：{exc.strerror}"
        ) from None
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), 0o600)  # an existing file keeps its mode otherwise
        out.write(data)
