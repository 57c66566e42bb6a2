"""Inventory files: CSV in every encoding Chinese Excel produces, JSON, and row-level errors."""

from __future__ import annotations

import codecs
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


def test_a_quoted_newline_stays_in_its_cell_and_never_makes_a_row(tmp_path):
    # As Excel writes a cell with Alt+Enter in it: quoted, CRLF inside.
    text = HEADER + (
        'ok.example.test,website,"IT\r\ninjected.test,website,mallory",active,,\r\n'
        "next.example.test,website,IT,active,,\r\n"
    )
    parsed = parse_file(write(tmp_path, "a.csv", text.encode()))
    # one record: the owner cell holds a line break (refused: owners are one line), and the
    # text after it never becomes an asset of its own
    assert [(line, a.name) for line, a, _ in parsed.assets] == [(4, "next.example.test")]
    assert [e.line for e in parsed.errors] == [2] and "owner" in parsed.errors[0].error.en


def test_a_cell_with_a_line_break_in_notes_is_kept_whole(tmp_path):
    text = 'name,owner,notes\nok.example.test,IT,"first line\nsecond line"\n'
    parsed = parse_file(write(tmp_path, "a.csv", text.encode()))
    assert parsed.errors == []
    assert parsed.assets[0][1].notes == "first line\nsecond line"


def test_other_line_break_characters_never_split_or_truncate_a_row(tmp_path):
    # control characters and line separators: the row is refused, whole, the next one lands
    for char in ("\x0b", "\x0c", "\x85", "\u2028"):
        text = f"name,owner\nok.example.test,IT{char}team\nnext.example.test,IT\n"
        parsed = parse_file(write(tmp_path, "a.csv", text.encode()))
        assert [a.name for _, a, _ in parsed.assets] == ["next.example.test"], repr(char)
        assert [e.line for e in parsed.errors] == [2]


def test_control_and_direction_characters_are_refused_with_a_short_excerpt(tmp_path):
    long_owner = "\x1b]0;owned\x07" + "x" * 5000
    text = f"name,owner\nok.example.test,{long_owner}\nrtl.example.test,IT\u202eadmin\n"
    parsed = parse_file(write(tmp_path, "a.csv", text.encode()))
    assert parsed.assets == [] and [e.line for e in parsed.errors] == [2, 3]
    message = parsed.errors[0].error.en
    assert "\x1b" not in message and "\\x1b" in message and len(message) < 200
    assert "\u202e" not in parsed.errors[1].error.en


def test_utf16_with_a_bom_imports_tab_or_comma_separated(tmp_path):
    for sep in ("\t", ","):
        text = sep.join(["name", "owner"]) + "\r\n" + sep.join(["例子.中国", "市场部"]) + "\r\n"
        parsed = parse_file(
            write(tmp_path, "a.csv", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
        )
        assert [a.owner for _, a, _ in parsed.assets] == ["市场部"], sep


def test_a_gbk_row_after_a_utf8_bom_is_read_not_garbled(tmp_path):
    data = codecs.BOM_UTF8 + "name,owner\nok.example.test,信息中心\n".encode()
    data += "gbk.example.test,人事部\n".encode("gbk")
    parsed = parse_file(write(tmp_path, "a.csv", data))
    assert [a.owner for _, a, _ in parsed.assets] == ["信息中心", "人事部"]


def test_hostile_json_gets_clear_errors_per_item(tmp_path):
    nested = "[" * 100000 + "]" * 100000
    with pytest.raises(UserError, match="nested too deeply|invalid JSON"):
        parse_file(write(tmp_path, "a.json", nested.encode()))
    data = '[{"name": "\\ud800.example.test"}, {"name": {"x": 1}}, 7, {"name": "ok.example.test"}]'
    parsed = parse_file(write(tmp_path, "b.json", data.encode()))
    assert [a.name for _, a, _ in parsed.assets] == ["ok.example.test"]
    assert [e.line for e in parsed.errors] == [1, 2, 3]


def test_idna_2008_keeps_sharp_s_and_flags_look_alikes():
    from checks.names import confusable, normalize_name

    assert normalize_name("straße.de") == "xn--strae-oqa.de"  # IDNA 2003 said strasse.de
    assert confusable(normalize_name("\u0430pple.example"))  # a Cyrillic а
    assert not confusable(normalize_name("例子.中国")) and not confusable("apple.example")


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_rows_read_a_chunk_at_a_time_are_the_rows_read_whole(tmp_path, monkeypatch, chunk):
    import checks.intake.files as files

    text = (
        "name,owner,notes\r\n"
        'a.example.test,IT,"two\r\nlines"\r\n'
        "b.example.test,信息中心\r"  # an old Mac line end
        "\r\n"
        'c.example.test,"unclosed\n'
        "d.example.test,IT\n"
    )
    data = text.encode("utf-8")
    whole = parse_file(write(tmp_path, "a.csv", data))
    monkeypatch.setattr(files, "CHUNK", chunk)
    cut = parse_file(write(tmp_path, "b.csv", data))
    assert [(n, a.name, a.notes) for n, a, _ in cut.assets] == [
        (n, a.name, a.notes) for n, a, _ in whole.assets
    ]
    assert [(n, a.name) for n, a, _ in cut.assets] == [
        (2, "a.example.test"),
        (4, "b.example.test"),
        (7, "d.example.test"),
    ]
    assert [e.line for e in cut.errors] == [6]  # the unclosed quote costs its own line only


@pytest.mark.parametrize("chunk", [1, 5, 64])
def test_json_items_read_a_chunk_at_a_time(tmp_path, monkeypatch, chunk):
    import checks.intake.files as files

    monkeypatch.setattr(files, "CHUNK", chunk)
    items = [
        {"name": f"n{i}.example.test", "notes": "备注 " * i, "interval": 12345} for i in range(5)
    ]
    items.insert(2, 7)
    parsed = parse_file(write(tmp_path, "a.json", json.dumps(items, ensure_ascii=False).encode()))
    assert [a.notes for _, a, _ in parsed.assets] == [("备注 " * i).strip() for i in range(5)]
    assert [e.line for e in parsed.errors] == [3]
    for broken in (b'[{"name": "a.example.test"} {"name": "b.example.test"}]', b"[1, 2", b"[] x"):
        with pytest.raises(UserError, match="invalid JSON"):
            parse_file(write(tmp_path, "b.json", broken))


def test_a_file_broken_after_good_rows_imports_nothing(tmp_path, store):
    from checks.service.inventory import import_file

    good = ",".join(json.dumps({"name": f"n{i}.example.test"}) for i in range(6000))
    path = write(tmp_path, "a.json", f"[{good}, {{broken".encode())
    with pytest.raises(UserError, match="invalid JSON"):
        import_file(store, path)
    assert store.assets.all() == []
    csv_path = write(
        tmp_path, "a.csv", b"name\n" + b"".join(b"m%d.example.test\n" % i for i in range(12000))
    )
    done = import_file(store, csv_path)
    assert (done.rows, done.new, done.errors) == (12000, 12000, ())
    assert len(store.assets.all()) == 12000


def test_json_that_is_not_utf8_is_refused_as_a_whole(tmp_path):
    path = write(
        tmp_path, "a.json", '[{"name": "a.example.test", "owner": "人事部"}]'.encode("gbk")
    )
    with pytest.raises(UserError, match="not UTF-8"):
        parse_file(path)


def test_a_chunk_of_stored_new_deleted_and_bad_rows_lands_as_one_save_a_row_would(tmp_path, store):
    from checks.model import Asset
    from checks.service import inventory

    same = inventory.add(store, Asset("same.example.test", owner="IT", tags=("t1", "区域"))).asset
    edit = inventory.add(store, Asset("edit.example.test", owner="IT")).asset
    back = inventory.retire(store, inventory.add(store, Asset("back.example.test")).asset)
    store.attestations.attest_decommission(back.id, 0, "admin", "", "")
    hold = inventory.add(store, Asset("hold.example.test", owner="IT")).asset
    gone = inventory.add(store, Asset("gone.example.test")).asset
    inventory.delete(store, gone)
    mark = store.audit.mark()
    text = (
        "name,owner,status,tags\n"
        "same.example.test,IT,active,t1 区域\n"  # as stored: no change, no event
        "edit.example.test,市场部,active,\n"
        "back.example.test,IT,active,\n"  # retiring -> active: its decommission steps go
        "new.example.test,IT,retired,\n"  # a new asset is recorded as it is
        "hold.example.test,IT,retired,\n"  # a stored one starts its checklist: held
        "bad_name!.example.test,IT,active,\n"
        "gone.example.test,安全部,active,\n"  # deleted: a new asset of that name
        '"quoted.example.test","IT","active","a ""b"""\n'
        "edit.example.test,财务部,active,x\n"  # the same name again: the later row wins
    )
    done = inventory.import_file(store, write(tmp_path, "mixed.csv", text.encode()))
    assert (done.rows, done.new, done.held) == (8, 3, 1)
    assert [(e.line, e.error.en.split()[0]) for e in done.errors] == [(7, "invalid")]
    assets = {a.name: a for a in store.assets.all()}
    assert assets["same.example.test"] == same
    assert (assets["edit.example.test"].owner, assets["edit.example.test"].tags) == (
        "财务部",
        ("x",),
    )
    assert assets["back.example.test"].lifecycle == Lifecycle.ACTIVE
    assert store.attestations.decommission(back.id) == {}
    assert assets["new.example.test"].lifecycle == Lifecycle.RETIRED
    assert assets["hold.example.test"].lifecycle == Lifecycle.RETIRING
    assert (
        assets["gone.example.test"].id != gone.id and assets["gone.example.test"].owner == "安全部"
    )
    assert assets["quoted.example.test"].tags == ("a", '"b"')
    events = [e for e in store.audit.events() if e.id > mark]
    by_asset = {(e.action, e.asset_id): e.detail for e in events}
    assert len(events) == len(by_asset) == 6  # one a changed or new row; none for `same`
    assert by_asset["asset.update", edit.id]["changes"] == {
        "owner": ["IT", "财务部"],
        "tags": ["[]", '["x"]'],
    }
    assert by_asset["asset.update", back.id]["changes"]["lifecycle"] == ["retiring", "active"]
    assert by_asset["asset.update", hold.id]["changes"] == {"lifecycle": ["active", "retiring"]}
    for name in ("new.example.test", "gone.example.test", "quoted.example.test"):
        detail = by_asset["asset.add", assets[name].id]
        assert detail["name"] == name and detail["source"] == "import"
    assert by_asset["asset.add", assets["quoted.example.test"].id]["tags"] == '["a", "\\"b\\""]'


def test_new_rows_are_logged_under_their_own_ids_whatever_ids_sqlite_picks(tmp_path):
    from checks.service import inventory
    from checks.store import Store

    store = Store(tmp_path / "aw.db")  # SQLite's own rule: past the largest rowid, ids are random
    when = "2026-01-01T00:00:00+00:00"
    store.db.execute(  # the largest rowid taken: SQLite picks new ones at random
        "INSERT INTO assets (id, name, kind, created_at, updated_at) "
        "VALUES (?, ?, 'website', ?, ?)",
        [2**63 - 1, "last.example.test", when, when],
    )
    store.db.conn.commit()
    rows = "".join(f"r{i}.example.test\n" for i in range(50))
    done = inventory.import_file(store, write(tmp_path, "a.csv", ("name\n" + rows).encode()))
    assert done.new == 50
    ids = {a.name: a.id for a in store.assets.all()}
    added = [e for e in store.audit.events() if e.action == "asset.add"]
    assert len(added) == 50 and all(ids[e.detail["name"]] == e.asset_id for e in added)


@pytest.mark.parametrize(
    "record",
    [
        " a.example.test , oa ,IT,, http://a.example.test/x  http://b.example.test/ ,,t1;t2",
        "a.example.test,,,,,,",
        "a.example.test,website,IT 部门,retiring,,豫ICP备1号,",
    ],
)
def test_a_row_without_quotes_reads_as_the_same_row_quoted(tmp_path, record):
    header = "name,kind,owner,status,url,icp,tags\n"
    quoted = ",".join(f'"{cell}"' for cell in record.split(","))
    plain = parse_file(write(tmp_path, "a.csv", (header + record + "\n").encode()))
    both = parse_file(write(tmp_path, "b.csv", (header + quoted + "\n").encode()))
    assert plain.errors == both.errors == []
    assert plain.assets == both.assets
