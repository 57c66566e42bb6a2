"""The 整改报告 as a document: the HR site's story from critical to fixed, in every format."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import docx
import jsonschema
import openpyxl
import pytest

from checks.knowledge.playbooks import playbook_for
from checks.model import DnsAnswer, DnsStatus, ProbeOutcome
from checks.report import Report
from checks.report.docx_doc import to_docx
from checks.report.html import to_html
from checks.report.markdown import to_markdown
from checks.report.xlsx_sheet import to_xlsx
from checks.service import remediation
from checks.service.reports import build_report
from checks.text import json_text
from tui.cli import main

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "checks" / "data" / "report.schema.json").read_text()
)
HR = "www.renli-hr.test"
ENGLISH_WORDS = re.compile(
    r"\b(critical|high|medium|low|info|open|in[- ]progress|resolved|accepted|website|domain|"
    r"server|mail|other|active|retiring|retired)\b",
    re.IGNORECASE,
)
"""Severity, status, kind and lifecycle words that must not appear in a Chinese report."""


def _fix_the_hr_site(store, tmp_path):
    """The README's story: the HR site goes dark, every manual step is attested with evidence."""
    asset = store.assets.get(HR)
    dark = ProbeOutcome(
        asset, store.clock(), store.clock(), DnsAnswer(HR, DnsStatus.NXDOMAIN), open_ports=()
    )
    store.probes.record([(dark, [])])
    proof = tmp_path / "快照.txt"
    proof.write_bytes(b"disk snapshot of the web root\n")
    steps = [w.key for w in remediation.asset_worklist(store, asset) if w.manual]
    remediation.attest_steps(
        store, asset, steps, note="网站已关闭，快照已保存", evidence=str(proof), who="赵磊"
    )
    return hashlib.sha256(proof.read_bytes()).hexdigest()


def _report(store, lang, **kw) -> Report:
    now = store.clock()
    return build_report(store, now - timedelta(days=30), now, lang, **kw)


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [[c.value or "" for c in row] for row in book.worksheets[0].iter_rows()]


def _all_formats(report: Report) -> dict[str, str]:
    html_text = html.unescape(
        re.sub(
            r"<style>.*?</style>|<[^>]+>",
            " ",
            re.sub("<span class=nb>|</span>", "", to_html(report)),
            flags=re.S,
        )
    )
    rows = _xlsx_rows(to_xlsx(report))
    return {
        "md": to_markdown(report),
        "html": html_text,
        "docx": _docx_text(to_docx(report)),
        "xlsx": "\n".join("\t".join(r) for r in rows),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_hr_site_is_reported_fixed_with_its_measures_and_evidence(
    recorded_store, tmp_path, lang
):
    sha = _fix_the_hr_site(recorded_store, tmp_path)
    report = _report(recorded_store, lang, prepared_by="王磊", reviewed_by="李娜")
    jsonschema.validate(json.loads(json_text(report)), SCHEMA)
    hr = [p for p in report["problems"] if p["asset"] == HR]
    serving = next(p for p in hr if p["check"] == "retired-still-serving")
    assert serving["status"] == "resolved" and serving["resolved_at"]
    assert serving["measures"] and all(m["actor"] == "赵磊" for m in serving["measures"])
    assert report["summary"]["findings_by_severity"]["critical"]["fixed"] >= 2
    assert report["cover"]["prepared_by"] == "王磊"
    fixed = {"zh": "已整改", "en": "Fixed"}[lang]
    for fmt, text in _all_formats(report).items():
        assert HR in text, fmt
        assert "网站已关闭，快照已保存" in text, fmt
        assert fixed in text, fmt
        assert sha in text, fmt  # the evidence file's hash, as recorded when it was attested
        assert "王磊" in text and "李娜" in text or fmt == "xlsx", fmt
        assert "{'" not in text and "Attestation(" not in text, fmt  # no raw dict or repr
    document = _all_formats(report)["md"]
    step = playbook_for("retired-still-serving").steps[0].text.text(lang)
    assert step in document  # the attested step, as the playbook words it


def test_attested_evidence_shows_its_hash_when_the_log_has_one(recorded_store, tmp_path):
    _fix_the_hr_site(recorded_store, tmp_path)
    report = _report(recorded_store, "en")
    measure = next(m for p in report["problems"] for m in p["measures"])
    measure["evidence_sha256"] = "ab" * 32
    assert f"SHA-256 {'ab' * 32}" in to_markdown(report)


def test_a_step_taken_back_is_not_a_measure(recorded_store, tmp_path):
    _fix_the_hr_site(recorded_store, tmp_path)
    record = recorded_store.findings.one(HR, "retired-still-serving")
    first = playbook_for("retired-still-serving").manual[0]
    recorded_store.findings.unattest(record.id, first, who="赵磊")
    report = _report(recorded_store, "en")
    problem = next(p for p in report["problems"] if p["id"] == record.id)
    assert first + 1 not in {m["step"] for m in problem["measures"]}
    assert problem["status"] != "resolved"
    assert any(a["action"] == "step.unattest" for a in report["attestations"])
    assert "took back the attestation of" in to_markdown(report)


def _data_strings(report: Report) -> set[str]:
    """Everything in the report that is data, not the report's own words."""
    keys = {"asset", "check", "subject", "evidence", "note", "actor", "detail", "not_verified"}
    keys |= {"reason", "folder", "name", "text", "title"}
    out: set[str] = set()

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in keys - {"text", "title"}:
            out.add(value)

    walk(report)
    out |= set(report["inventory"]["by_owner"])
    return {s for s in out if s}


def test_the_chinese_report_has_no_english_severity_status_or_kind_words(recorded_store, tmp_path):
    _fix_the_hr_site(recorded_store, tmp_path)
    report = _report(recorded_store, "zh")
    data = sorted(_data_strings(report), key=len, reverse=True)
    for fmt, text in _all_formats(report).items():
        for value in data:
            for shown in {value, value.replace("_", "\\_"), value.replace("-", "\\-")}:
                text = text.replace(shown, " ")
        text = re.sub(r"[a-z0-9.@\\-]+\.(test|cn)\S*", " ", text)  # names, check@name
        found = ENGLISH_WORDS.findall(text)
        assert not found, (fmt, found[:5])
    for field in ("title", "text"):  # and JSON's human text
        texts = [p[field] for p in report["problems"] if field in p]
        assert not any(ENGLISH_WORDS.search(t) for t in texts)


def test_the_english_report_uses_english_labels(recorded_store):
    report = _report(recorded_store, "en")
    text = to_markdown(report)
    assert "| critical |" in text and "严重" not in text.split("Rectification")[0]


def test_network_text_is_inert_in_docx_and_xlsx(recorded_store):
    report = _report(recorded_store, "en")
    report["problems"][0]["evidence"] = "\x1b]0;owned\x07 <w:t>x</w:t> admin\u202egpj.exe \ud800"
    page = _docx_text(to_docx(report))
    assert "\x1b" not in page and "\u202e" not in page and "\\x1b" in page
    assert "<w:t>x</w:t>" in page  # shown as text, not markup
    cells = "\n".join("\t".join(r) for r in _xlsx_rows(to_xlsx(report)))
    assert "\x1b" not in cells and "\\u202e" in cells


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://e.test","x")', "+1+2", "-3", "@SUM(1)"])
def test_a_cell_that_looks_like_a_formula_is_written_as_text(recorded_store, payload):
    report = _report(recorded_store, "en")
    report["problems"][0]["evidence"] = payload
    data = to_xlsx(report)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for row in book.worksheets[0].iter_rows() for c in row if c.value == payload]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_the_workbook_lists_every_problem_worst_first(recorded_store):
    report = _report(recorded_store, "zh")
    rows = _xlsx_rows(to_xlsx(report))
    assert rows[0][:3] == ["#", "资产", "问题"]
    assert len(rows) == len(report["problems"]) + 1
    assert rows[1][4] == "严重" and rows[-1][4] in {"低危", "提示", "中危"}


def test_the_document_is_a4_with_page_numbers(recorded_store):
    data = to_docx(_report(recorded_store, "zh"))
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        footers = [z.read(n).decode() for n in z.namelist() if "footer" in n]
        body = z.read("word/document.xml").decode()
    assert any('w:instr="PAGE"' in f for f in footers)
    assert body.count('w:type="page"') >= 6  # a page per section
    assert 'w:eastAsia="宋体"' in z_styles(data)


def z_styles(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/styles.xml").decode()


def test_html_keeps_words_and_dates_whole_and_starts_sections_on_new_pages(recorded_store):
    page = to_html(_report(recorded_store, "zh"))
    assert "table-layout:fixed" in page and "<colgroup>" in page
    assert "<td class=k>严重</td>" in page  # severities never break inside
    assert "word-break:break-word" not in page and "break-before:page" in page
    assert page.count("<section>") >= 6 and "@page{size:A4" in page


def test_sweeps_are_summarised_not_listed(recorded_store):
    for _ in range(40):
        recorded_store.audit.log("sweep", None, assets=26, seconds=1.0, light=True, unobserved=0)
    report = _report(recorded_store, "en")
    assert report["sweep_summary"]["count"] == 41 and report["sweep_summary"]["light"] == 40
    text = to_markdown(report)
    assert "41 (1 full, 40 light)" in text
    assert text.count("2026-11-29 08:03") < 10  # not one row per sweep


def test_report_cli_writes_docx_and_xlsx_and_takes_the_cover_names(
    recorded_store, tmp_path, capsysbinary
):
    db = str(recorded_store.path)
    out = tmp_path / "整改报告.docx"
    code = main(["--db", db, "report", "--format", "docx", "--since", "2026-11-01",
                 "--prepared-by", "王磊", "-o", str(out)])  # fmt: skip
    assert code == 0 and "王磊" in _docx_text(out.read_bytes())
    assert out.stat().st_mode & 0o077 == 0
    capsysbinary.readouterr()
    code = main(["--db", db, "report", "--format", "xlsx", "--since", "2026-11-01"])
    data = capsysbinary.readouterr().out
    assert code == 0 and data.startswith(b"PK")  # stdout is a pipe here, not a terminal
    assert len(_xlsx_rows(data)) > 10


def test_a_deleted_asset_stays_in_the_period_but_is_no_open_item(recorded_store):
    asset = recorded_store.assets.get("expired.shili-tech.test")
    recorded_store.assets.delete(asset, who="admin")
    report = _report(recorded_store, "en")
    mine = [p for p in report["problems"] if p["asset"] == asset.name]
    assert mine and all(p["asset_deleted"] for p in mine)
    assert asset.name not in {f["asset"] for f in report["open_items"]}
    assert report["inventory"]["total"] == 25
    assert "deleted from the inventory" in to_markdown(report)


def test_binary_formats_never_go_to_a_terminal(recorded_store, tmp_path, capsysbinary, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code = main(["--db", str(recorded_store.path), "report", "--format", "docx"])
    out, err = capsysbinary.readouterr()
    [written] = tmp_path.glob("assetwatch-report-*.docx")
    assert code == 0 and out == b"" and written.name.encode() in err
    assert _docx_text(written.read_bytes())


def test_report_refuses_a_period_that_starts_in_the_future(recorded_store, capsys):
    code = main(["--db", str(recorded_store.path), "report", "--since", "2999-01-01"])
    assert code == 2 and "2999-01-01" in capsys.readouterr().err
