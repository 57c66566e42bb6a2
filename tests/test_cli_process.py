"""The command line as a process, the way cron and shells run it: exit codes and streams."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

from checks.store import Store


def command(db, *argv):
    return [sys.executable, "-m", "tui.cli", "--db", str(db), "--lang", "en", *argv]


def test_python_dash_m_runs_the_command_line(tmp_path):
    db = tmp_path / "aw.db"
    done = subprocess.run(command(db, "add", "例子.中国"), capture_output=True, text=True)
    assert done.returncode == 0 and "added 例子.中国" in done.stdout
    listed = subprocess.run(command(db, "list", "--json"), capture_output=True, text=True)
    assert listed.returncode == 0
    assert json.loads(listed.stdout)["name_ascii"] == "xn--fsqu00a.xn--fiqs8s"


def test_a_bug_exits_2_with_its_trace_never_1(tmp_path):
    db = tmp_path / "aw.db"
    subprocess.run(command(db, "add", "a.example.test"), check=True, capture_output=True)
    # A row no version of assetwatch writes: reading it is a bug, not a finding.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE assets SET kind = 'fax'")
    conn.close()
    done = subprocess.run(command(db, "list"), capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" in done.stderr and "'fax' is not a valid Kind" in done.stderr
    assert "internal error; please report it with the trace above" in done.stderr


def test_a_reader_that_goes_away_ends_quietly(tmp_path):
    db = tmp_path / "aw.db"
    csv = tmp_path / "many.csv"
    rows = "".join(f"host{i}.example.test,website,IT,active,,\n" for i in range(500))
    csv.write_text("name,kind,owner,status,url,icp\n" + rows, encoding="utf-8")
    subprocess.run(command(db, "import", str(csv)), check=True, capture_output=True)
    # More output than a pipe holds, and a reader that stops after one line (`| head -1`).
    proc = subprocess.Popen(
        command(db, "list", "--json"), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert json.loads(proc.stdout.readline())["name"].startswith("host")
    proc.stdout.close()
    assert proc.wait(30) == 0
    assert proc.stderr.read() == b""
    proc.stderr.close()


def test_interrupting_a_scan_exits_130(lab, tmp_path):
    db = tmp_path / "aw.db"
    store = Store(db)
    store.settings.set("nameservers", f"127.0.0.1:{lab.dns_port}")
    store.settings.set("timeout", "60")
    store.close()
    site = "hang.lab-edge.test"  # never answers: the scan waits until it is interrupted
    url = lab.ports.http_url(site)
    subprocess.run(command(db, "add", site, "--url", url), check=True, capture_output=True)
    asked = lab.dns_queries
    proc = subprocess.Popen(command(db, "scan"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while lab.dns_queries == asked and time.monotonic() < deadline:
        time.sleep(0.05)  # another process: nothing to await but its DNS question
    assert lab.dns_queries > asked, "the scan never asked the lab's DNS"
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"http-down" not in out  # interrupted before any result was reported


def test_headless_commands_never_load_textual(tmp_path):
    db = tmp_path / "aw.db"
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        f"db = {str(db)!r}\n"
        "runs = [['add', 'a.example.test'], ['list'], ['checks'], ['org'], ['findings'],\n"
        "        ['report', '--format', 'html'], ['checklist', 'a.example.test']]\n"
        "codes = [main(['--db', db, '--lang', 'en', *argv]) for argv in runs]\n"
        "print(codes, 'textual' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr.strip().splitlines()[-1] == "[0, 0, 0, 0, 0, 0, 0] False"
