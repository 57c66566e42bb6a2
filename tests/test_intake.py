"""Inventory files: CSV in every encoding Chinese Excel produces, JSON, and row-level errors."""

from __future__ import annotations

import json

import pytest

from checks.errors import UserError
from checks.intake import parse_file
from checks.model import Kind, Lifecycle

HEADER = "name,kind,owner,status,url,icp\n"
ROWS = (
    "www.renli-hr.test,website,人事部 李娜,retired,http://www.renli-hr.test/,豫ICP备13000001号-1\n"
    "oa.wuye-pm.test,oa,行政部 王强,active,,\n"
)


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_excel_encoding(tmp_path, encoding):
    parsed = parse_file(write(tmp_path, "a.csv", (HEADER + ROWS).encode(encoding)))
    assert parsed.errors == []
    hr = parsed.assets[0][1]
    assert hr.owner == "人事部 李娜"
    assert hr.lifecycle == Lifecycle.RETIRED
    assert hr.icp == "豫ICP备13000001号-1"
    assert parsed.assets[1][1].kind == Kind.OA


def test_bad_rows_are_reported_by_line_and_good_rows_land(tmp_path):
    text = HEADER + (
        "good1.example.test,website,IT,active,,\n"
        "bad-kind.example.test,printer,IT,active,,\n"
        ",website,IT,active,,\n"
        'broken.example.test,"website,IT,active,,\n'
        "bad_name!.example.test,website,IT,active,,\n"
        "bad-status.example.test,website,IT,gone,,\n"
        "bad-url.example.test,website,IT,active,ftp://x/,\n"
        "good2.example.test,server,IT,retired,,\n"
    )
    parsed = parse_file(write(tmp_path, "a.csv", text.encode()))
    assert [a.name for _, a, _ in parsed.assets] == ["good1.example.test", "good2.example.test"]
    assert {e.line: e.error.en.split()[0] for e in parsed.errors} == {
        3: "unknown",
        4: "empty",
        5: "broken",
        6: "invalid",
        7: "unknown",
        8: "not",
    }
    assert all(e.error.zh for e in parsed.errors)


def test_chinese_headers_and_values_are_understood(tmp_path):
    text = "名称,类型,负责人,状态,网址,备案号\n例子.中国,网站,信息中心,已下线,,\n"
    parsed = parse_file(write(tmp_path, "a.csv", text.encode("gbk")))
    asset = parsed.assets[0][1]
    assert asset.name == "xn--fsqu00a.xn--fiqs8s"
    assert asset.display == "例子.中国"
    assert asset.lifecycle == Lifecycle.RETIRED


def test_a_file_without_a_name_column_is_refused(tmp_path):
    with pytest.raises(UserError, match="name"):
        parse_file(write(tmp_path, "a.csv", b"host,owner\nx.test,IT\n"))


def test_json_list_with_an_invalid_item(tmp_path):
    data = [
        {"name": "a.example.test", "kind": "oa", "url": ["http://a.example.test:8080/"]},
        {"name": "b.example.test", "kind": "fax"},
        "nonsense",
    ]
    parsed = parse_file(write(tmp_path, "a.json", json.dumps(data).encode()))
    assert [a.urls for _, a, _ in parsed.assets] == [("http://a.example.test:8080/",)]
    assert [e.line for e in parsed.errors] == [2, 3]


def test_broken_json_is_a_clear_error(tmp_path):
    with pytest.raises(UserError, match="invalid JSON"):
        parse_file(write(tmp_path, "a.json", b"[{"))
