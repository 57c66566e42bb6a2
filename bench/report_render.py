"""Render the HTML report in headless Chromium: a PDF on A4, a PNG per page, and a line-break check.

    python bench/report_render.py [--db PATH] [--out DIR] [--lang zh|en]

Without --db it reports on the recorded demo-lab sweep (tests/data/lab-sweep.sql), with the
README's story played: the retired HR site goes dark and every manual step is attested. The check
lays the page out at the width of an A4 text column and fails (exit 1) when a word, date,
severity or number of up to 24 characters is split across two lines (`crit ical`,
`202 6- 12- 01`); it also fails when a section does not start a new printed page. Needs
`chromium` and `pdftoppm` (Debian: apt-get install chromium poppler-utils fonts-wqy-zenhei).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.knowledge.playbooks import playbook_for  # noqa: E402
from checks.model import DnsAnswer, DnsStatus, ProbeOutcome  # noqa: E402
from checks.report.html import to_html  # noqa: E402
from checks.service.reports import build_report  # noqa: E402
from checks.store import Store  # noqa: E402
from checks.store.codec import parse_ts  # noqa: E402

RECORDED = Path(__file__).resolve().parents[1] / "tests" / "data" / "lab-sweep.sql"
HR = "www.renli-hr.test"

_CHECK = """
<script>
addEventListener('load', () => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  // Dates and times whole; otherwise runs of letters and digits (a line may break after a
  // hyphen or a dot of a host name, never inside "critical" or "wuye").
  const token = /\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2})?)?|[A-Za-z0-9]+/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(token)) {
      if (m[0].length > 24) continue;  // URLs and hashes may wrap where they must
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  const sections = document.querySelectorAll('section').length;
  document.title = 'RESULT' + JSON.stringify({broken, sections});
});
</script>
"""


def _story_store(folder: Path) -> Store:
    """The recorded lab sweep, with the HR site taken dark and its manual steps attested."""
    path = folder / "lab.db"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(RECORDED.read_text(encoding="utf-8"))
    last = conn.execute("SELECT max(at) FROM events").fetchone()[0]
    conn.close()
    at = parse_ts(last)
    assert at is not None
    fixed = at + timedelta(minutes=30)
    store = Store(path, clock=lambda: fixed)
    asset = store.assets.get(HR)
    assert asset is not None
    dark = ProbeOutcome(
        asset, store.clock(), store.clock(), DnsAnswer(HR, DnsStatus.NXDOMAIN), open_ports=()
    )
    store.probes.record([(dark, [])])
    for record in store.findings.query(asset_id=asset.id, active_only=False):
        book = playbook_for(record.finding.check)
        for step in book.manual if book else []:
            assert record.id is not None
            store.findings.attest(
                record.id, step, note="网站已关闭，快照已保存", evidence="snapshot.tar", who="赵磊"
            )
    return store


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("chromium not found (apt-get install chromium)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    flags += ["--disable-background-networking", "--disable-component-update"]
    return subprocess.run(
        [exe, *flags, *args], capture_output=True, text=True, timeout=120, check=False
    )


def render(page: Path, out: Path) -> dict[str, object]:
    """PDF, PNGs and the break check of one HTML file; returns the check's result."""
    pdf = out / (page.stem + ".pdf")
    _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    pages = 0
    if shutil.which("pdftoppm") and pdf.exists():
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(out / page.stem)], check=True)
        pages = len(list(out.glob(f"{page.stem}-*.png")))
    probe = out / (page.stem + ".check.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _CHECK + "</body>"))
    dom = _chromium(
        "--window-size=660,1000", "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()
    )
    probe.unlink()
    found = re.search(r"<title>RESULT(.*?)</title>", dom.stdout, re.S)
    result = (
        json.loads(found.group(1).replace("&quot;", '"')) if found else {"error": dom.stderr[-400:]}
    )
    result["pages"] = pages
    result["pdf"] = str(pdf)
    return result


def main() -> int:
    """Render, check, print what was found; exit 1 when the check fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database to report on (default: the lab story)")
    parser.add_argument("--out", type=Path, help="where the PDF and PNGs go (default: a temp dir)")
    parser.add_argument("--lang", choices=("zh", "en"), action="append")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="assetwatch-report-"))
    out.mkdir(parents=True, exist_ok=True)
    store = Store(args.db) if args.db else _story_store(out)
    now = store.clock()
    failed = False
    for lang in args.lang or ["zh", "en"]:
        page = out / f"report-{lang}.html"
        page.write_text(to_html(build_report(store, now - timedelta(days=30), now, lang)))
        result = render(page, out)
        bad = result.get("broken") or result.get("error") or result.get("sections", 0) < 7
        failed |= bool(bad)
        print(f"{lang}: {json.dumps(result, ensure_ascii=False)}")
    print(f"files in {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
