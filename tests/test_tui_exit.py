"""An unexpected error in the dashboard: the terminal is restored, the traceback printed, and
`assetwatch` exits non-zero (a script wrapping the dashboard must not read success).

The dashboard runs in a process of its own on a pseudo-terminal, as a person would start it.
Nothing is probed: the error is raised as the grid finishes loading, before any sweep starts.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

from tui.cli.output import EXIT_ERROR

_CRASH = """
import sys
from tui.dashboard.app import AssetWatchApp

def boom(self):
    raise RuntimeError("boom: a bug in the dashboard")

AssetWatchApp.on_grid_screen_loaded = boom
from tui.cli import main
sys.exit(main(["--db", sys.argv[1], "--nameserver", "127.0.0.1:9", "--lang", "en"]))
"""


def _run_on_a_terminal(argv: list[str], timeout: float = 60.0) -> tuple[int, bytes]:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the dashboard, on the pseudo-terminal
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out


def test_an_unexpected_error_restores_the_terminal_and_exits_non_zero(recorded_store):
    recorded_store.close()
    code, out = _run_on_a_terminal([sys.executable, "-c", _CRASH, str(recorded_store.path)])
    assert code == EXIT_ERROR != 0
    text = out.decode("utf-8", "replace")
    assert "boom: a bug in the dashboard" in text
    # the alternate screen was left and the cursor shown again before the traceback
    restored = max(text.rfind("\x1b[?1049l"), text.rfind("\x1b[?25h"))
    assert 0 <= restored < text.rfind("boom: a bug in the dashboard")
