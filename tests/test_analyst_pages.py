"""Analyst pages through AppTest: upload commits only on confirm, bad files show the core's report, mappings are
remembered, rollback and the as-of view change the figures, and viewers never reach these pages."""

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from board import auth, db, mappings
from board.ingest import ingest
from board.store import Store, set_aside_rows
from test_ingest import GOOD, HEADER, TOWNS_CSV, csv as ledger_csv, xlsx_bytes
from test_store import snapshot as all_files
from conftest import page_path

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
# CI clones the project with shared/ beside it, as on the developers' machines (/work/shared there)
REAL = next((p for p in (ROOT.parent / "shared" / "real-exports", Path("/work/shared/real-exports"))
             if p.exists()), ROOT.parent / "shared" / "real-exports")


@pytest.fixture
def store(tmp_path, monkeypatch) -> Store:
    """The configured store (BOARD_STORE) holding the two towns of test_ingest."""
    s = Store(tmp_path / "store")
    monkeypatch.setenv("BOARD_STORE", str(s.path))
    monkeypatch.setenv("BOARD_USERS", str(tmp_path / "users.json"))
    assert ingest(s, TOWNS_CSV.encode(), "镇街名单.csv", user="setup").committed
    return s


def snapshot(path: Path) -> dict:
    """The store's own files; .cache/ holds the app's derived DuckDB files, rebuilt from the batches at will."""
    return {k: v for k, v in all_files(path).items() if not k.startswith(".cache/")}


def app(page: str | None = None, analyst: str | None = "tester") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if analyst:
        if auth.account(analyst) is None:  # a session's login holds only while the users file has the account
            auth.add(analyst, "password-1")
        at.session_state["analyst"] = analyst
    at.run()
    if page:
        at.switch_page(page_path(page)).run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="upload_files").set_value([(n, d, "application/octet-stream") for n, d in files]).run()
    assert not at.exception, at.exception
    return at


def key_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def confirm(at: AppTest, data: bytes) -> AppTest:
    at.button(key=f"confirm_{key_of(data)}").click().run()
    assert not at.exception, at.exception
    return at


def report_reasons(at: AppTest) -> list[str]:
    """Every reason in the validation report tables shown."""
    return [r for df in at.dataframe if "原因" in df.value.columns for r in df.value["原因"]]


# -- upload ------------------------------------------------------------------------------


def test_good_file_commits_only_after_confirm(store):
    data = ledger_csv(*GOOD)
    before = snapshot(store.path)
    at = upload(app("upload"), ("台账.csv", data))
    assert [s.value for s in at.success] == ["校验通过（尚未写入）"]
    assert snapshot(store.path) == before                         # the report alone writes nothing
    confirm(at, data)
    batches = [e for e in store.events() if e["type"] == "commit"]
    assert len(batches) == 2 and batches[-1]["dataset"] == "hazards" and batches[-1]["rows"] == 3
    assert batches[-1]["user"] == "tester"                          # the manifest records who uploaded
    shown = {m.label: m.value for m in at.metric}
    assert shown["新增行"] == "3" and shown["更新行"] == "0" and shown["数据截至日期"] == "2022-12-21"


def test_several_files_at_once_each_get_a_report(store):
    good, bad = ledger_csv(*GOOD), b""
    at = upload(app("upload"), ("台账.csv", good), ("空.csv", bad))
    assert [s.value for s in at.success] == ["校验通过（尚未写入）"]
    assert any("空" in r for r in report_reasons(at))


BAD = {  # kind → (file name, bytes, dataset to choose or None, a fragment of the expected reason)
    "empty": ("台账.csv", b"", None, "空"),
    "header only": ("台账.csv", HEADER.encode(), None, "只有表头"),
    "binary": ("台账.csv", bytes(range(256)) * 20, None, "二进制"),
    "NUL": ("台账.csv", ledger_csv(*GOOD).replace(b"H2", b"H\x002"), None, "NUL"),
    "missing column": ("台账.csv", ledger_csv(*[",".join(r.split(",")[:5] + r.split(",")[6:]) for r in GOOD],
                                              header=HEADER.replace("发现日期,", "")), "hazards", "缺少必填列"),
    "bad date": ("台账.csv", ledger_csv(GOOD[0], GOOD[1].replace("2022-12-02", "2022-13-45")), None, "日期"),
    "duplicate id": ("台账.csv", ledger_csv(GOOD[0], GOOD[1], GOOD[1].replace("较大", "一般")), None, "重复"),
    "unknown town": ("台账.csv", ledger_csv(GOOD[0], GOOD[1].replace(",乙,", ",不存在镇,")), None, "镇街名单"),
    "rectified before found": ("台账.csv", ledger_csv(GOOD[0].replace("2022.12.05", "2022-11-30").replace("44903", "")),
                               None, "早于发现日期"),
    "bad coordinates": ("台账.csv", ledger_csv(GOOD[0].replace("121.5,29.8", "221.5,29.8")), None, "-180"),
    "truncated xlsx": ("台账.xlsx", None, None, "Excel"),
    "another dataset": ("检查.csv", "检查编号,检查日期,所属镇街,检查类型,检查点位数,发现隐患数\nJ1,2022-12-01,甲镇,暗访,10,1\n".encode(),
                        "hazards", "检查记录"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_file_shows_its_report_and_commits_nothing(store, kind):
    name, data, dataset, fragment = BAD[kind]
    if data is None:
        good = xlsx_bytes([HEADER.strip().split(",")] + [r.split(",") for r in GOOD])
        data = good[: len(good) // 2]
    before = snapshot(store.path)
    at = upload(app("upload"), (name, data))
    if dataset:  # the analyst overrides the detected dataset
        at.selectbox(key=f"dataset_{key_of(data)}").set_value(dataset).run()
    reasons = report_reasons(at)
    assert any(fragment in r for r in reasons), reasons
    assert at.error and "未通过校验" in at.error[0].value
    assert not [b for b in at.button if (b.key or "").startswith("confirm_")]
    assert len(at.get("download_button")) >= 1                       # the report as XLSX
    if kind == "unknown town":
        assert at.checkbox(key=f"add_towns_{key_of(data)}")         # offered: the only problem is unknown towns
    assert snapshot(store.path) == before


def test_unknown_towns_registered_on_request(store):
    data = ledger_csv(GOOD[0], GOOD[1].replace(",乙,", ",新区,"))
    at = upload(app("upload"), ("台账.csv", data))
    at.checkbox(key=f"add_towns_{key_of(data)}").check().run()
    assert "新区" in " ".join(t.value for t in at.text)
    confirm(at, data)
    assert [e["dataset"] for e in store.events() if e["type"] == "commit"][-2:] == ["towns", "hazards"]


def test_report_downloads_as_xlsx_with_formulas_neutralised(store):
    data = ledger_csv(GOOD[0].replace("甲镇", '"=HYPERLINK(""http://x"",""y"")"'))  # an unknown town
    at = upload(app("upload"), ("台账.csv", data))
    dl = at.get("download_button")[0]
    assert dl.proto.label == "下载校验报告（Excel）"
    shown = next(df.value for df in at.dataframe if "值" in df.value.columns)
    assert '=HYPERLINK("http://x","y")' in list(shown["值"])          # shown as the text it is


def test_mapping_is_remembered_for_the_next_file_from_the_same_source(store):
    header = "Ref,Opened,Area,Due,Closed\n"
    march = (header + "X1,2022-12-01,甲镇,2022-12-10,2022-12-05\nX2,2022-12-02,B02,,\n").encode()
    at = upload(app("upload"), ("export-march.csv", march))
    key = key_of(march)
    assert at.selectbox(key=f"dataset_{key}").value is None           # English headers: nothing detected
    at.selectbox(key=f"dataset_{key}").set_value("hazards").run()
    for canon, h in {"hazard_id": "Ref", "found_date": "Opened", "town": "Area", "deadline": "Due",
                     "rectified_date": "Closed", "closed_date": "Closed"}.items():
        at.selectbox(key=f"map_{key}_hazards_{canon}").set_value(h)
    at.run()
    confirm(at, march)
    assert mappings.load(store, ["Ref", "Opened", "Area", "Due", "Closed"])["mapping"]["town"] == "Area"

    april = (header.replace("Ref,Opened", "Opened,Ref") + "2022-12-03,X3,甲,,\n").encode()  # columns reordered
    at = upload(app("upload"), ("export-april.csv", april))              # a new session
    key = key_of(april)
    assert at.selectbox(key=f"dataset_{key}").value == "hazards"
    assert at.selectbox(key=f"map_{key}_hazards_found_date").value == "Opened"
    assert [s.value for s in at.success] == ["校验通过（尚未写入）"]
    confirm(at, april)
    hazards = [e for e in store.events() if e["type"] == "commit" and e["dataset"] == "hazards"]
    assert [e["rows"] for e in hazards] == [2, 1]


def test_mapping_saves_need_an_analyst():
    with pytest.raises(PermissionError):
        mappings.save(Store("/nonexistent"), ["a"], "hazards", {}, "")


def baltimore_mapped(at: AppTest, data: bytes) -> AppTest:
    key = key_of(data)
    at.selectbox(key=f"dataset_{key}").set_value("hazards").run()
    for canon, h in {"hazard_id": "SRRecordID", "found_date": "CreatedDate", "deadline": "DueDate",
                     "rectified_date": "CloseDate", "closed_date": "CloseDate", "category": "SRType",
                     "town": "CouncilDistrict", "lat": "Latitude", "lon": "Longitude"}.items():
        at.selectbox(key=f"map_{key}_hazards_{canon}").set_value(h)
    return at.run()


def test_baltimore_311_goes_through_the_mapping_flow(store):
    raw = (REAL / "baltimore_311_sample_2019.csv").read_bytes()
    at = baltimore_mapped(upload(app("upload"), ("baltimore.csv", raw)), raw)
    reasons = report_reasons(at)
    # 888 of its 10,000 rows name no council district, the other 9,112 name districts not yet on the board:
    # refused, every row accounted for (the summary first, then 200 per reason; the download holds all)
    assert sum(r == "必填，不能为空" for r in reasons) == 1 + 200
    assert any("另有 9,600 行未在此列出" in c.value and "全部 10,000 条" in c.value for c in at.caption)
    key = key_of(raw)
    at.checkbox(key=f"add_towns_{key}").check().run()                  # council districts 1–14 become towns
    reasons = report_reasons(at)
    assert sum(r == "必填，不能为空" for r in reasons) == 1 + 200
    assert any("另有 688 行未在此列出" in c.value and "全部 888 条" in c.value for c in at.caption)
    assert not at.checkbox(key=f"partial_{key}").value
    assert "9,112" in at.checkbox(key=f"partial_{key}").label and "888" in at.checkbox(key=f"partial_{key}").label
    at.checkbox(key=f"partial_{key}").check().run()                   # the explicit choice: set the 888 aside
    assert [s.value for s in at.success] == ["校验通过（尚未写入）"]
    assert {m.label: m.value for m in at.metric}["放在一边"] == "888"
    assert any("占位坐标" in t.value for t in at.text)                 # 869 rows at 39, -77 are flagged
    confirm(at, raw)
    shown = {m.label: m.value for m in at.metric}
    assert shown["新增行"] == "9,112" and shown["放在一边"] == "888" and shown["数据截至日期"] == "2019-02-13"
    hazards = [e for e in store.events() if e.get("dataset") == "hazards"]
    assert [(e["rows"], e["set_aside"]) for e in hazards] == [(9112, 888)]
    assert at.get("download_button")                                   # the set-aside rows download


# -- batches, rollback, as-of ------------------------------------------------------------


@pytest.fixture
def two_batches(store):
    assert ingest(store, ledger_csv(*GOOD), "台账1.csv", user="a").committed          # b0002: H1–H3
    assert ingest(store, ledger_csv("H4,甲,消防安全,一般,丁店,2022-12-04,,,,,,,"), "台账2.csv",
                  user="a").committed                                               # b0003: H4
    return store


def found_on_overview(at: AppTest) -> str:
    at.switch_page(page_path("overview")).run()
    assert not at.exception, at.exception
    return next(m.value for m in at.metric if m.label == "发现隐患")


def test_rollback_asks_first_then_changes_the_figures(two_batches):
    at = app("batches")
    assert list(at.dataframe[0].value["批次"]) == ["b0003", "b0002", "b0001"]
    at.selectbox(key="batch_chosen").set_value("b0003")
    at.button(key="batch_rollback").click().run()
    assert "确认回滚批次 b0003" in at.warning[0].value
    assert [e["type"] for e in two_batches.events()][-1] == "commit"       # nothing yet
    at.button(key="rollback_confirm").click().run()
    assert at.success[0].value == "已回滚批次 b0003"
    assert list(at.dataframe[0].value["状态"])[0] == "已回滚"
    assert found_on_overview(at) == "3"                                      # 4 hazards − H4


def test_as_of_view_shows_an_earlier_state_until_back_to_now(two_batches):
    at = app("overview")
    assert found_on_overview(at) == "4"
    at.switch_page(page_path("batches")).run()
    at.selectbox(key="batch_chosen").set_value("b0002")
    at.button(key="batch_view").click().run()
    assert at.session_state["as_of_seq"] == 2 and "b0002" in at.warning[0].value
    assert found_on_overview(at) == "3"                                      # as of b0002: H1–H3
    at.switch_page(page_path("batches")).run()
    at.button(key="batches_return").click().run()
    assert found_on_overview(at) == "4"


def test_original_file_downloads_byte_for_byte(two_batches):
    at = app("batches")
    at.selectbox(key="batch_chosen").set_value("b0002").run()
    assert at.get("download_button")[0].proto.label == "下载原始文件"
    archived = two_batches.path / two_batches.batch("b0002").archive
    assert archived.read_bytes() == ledger_csv(*GOOD)


# -- definitions --------------------------------------------------------------------------


def test_definitions_validated_saved_and_restored(store):
    at = app("definitions")
    at.number_input(key="def_w_rectification_rate").set_value(20.0).run()
    assert at.error[0].value == "权重合计应为 100，现在是 105"
    assert at.button(key="def_save").disabled
    at.number_input(key="def_w_closure_rate").set_value(5.0).run()
    at.number_input(key="def_green").set_value(40.0).run()                    # green below yellow (50)
    assert any("三色阈值" in e.value for e in at.error) and at.button(key="def_save").disabled
    at.number_input(key="def_green").set_value(80.0).run()
    assert not at.error
    at.button(key="def_save").click().run()
    saved = [e for e in store.events() if e["type"] == "definitions"]
    doc = json.loads((store.path / saved[-1]["path"]).read_text("utf-8"))
    assert doc["tiers"]["green"] == 80 and doc["components"][0]["weight"] == 20
    assert saved[-1]["user"] == "tester"

    at.number_input(key="def_w_rectification_rate").set_value(10.0).run()
    at.number_input(key="def_w_closure_rate").set_value(15.0).run()
    at.button(key="def_save").click().run()
    first = saved[-1]["seq"]
    at.selectbox(key="def_restore_seq").set_value(first)
    at.button(key="def_restore").click().run()
    versions = [e for e in store.events() if e["type"] == "definitions"]
    assert len(versions) == 3 and store.state().definitions == versions[-1]["path"]
    assert json.loads((store.path / versions[-1]["path"]).read_text("utf-8")) == doc
    assert at.number_input(key="def_w_rectification_rate").value == 20.0     # inputs show the restored version


def test_groups_board_size_and_no_data_are_edited_validated_and_saved(store):
    at = app("definitions")
    at.text_area(key="def_groups").set_value("城区：街道、园区\n乡镇：镇、乡、街道").run()
    assert any("同时在" in e.value for e in at.error) and at.button(key="def_save").disabled
    at.text_area(key="def_groups").set_value("城区：街道、园区\n乡镇：镇、乡").run()
    at.number_input(key="def_board").set_value(5).run()
    at.radio(key="def_no_data").set_value("none").run()
    assert not at.error
    at.button(key="def_save").click().run()
    saved = [e for e in store.events() if e["type"] == "definitions"]
    doc = json.loads((store.path / saved[-1]["path"]).read_text("utf-8"))
    assert doc["groups"] == {"城区": ["街道", "园区"], "乡镇": ["镇", "乡"]}
    assert (doc["board_size"], doc["no_data"], doc["other_group"]) == (5, "none", "其他")


# -- roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["upload", "batches", "definitions", "boundaries", "notice"])
def test_viewer_cannot_reach_analyst_pages(store, page):
    at = app(analyst=None)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page_path(page))


@pytest.mark.parametrize("page", ["upload", "batches", "definitions", "boundaries"])
def test_analyst_page_run_directly_without_login_shows_nothing(store, page):
    at = AppTest.from_file(str(ROOT / page_path(page)), default_timeout=30).run()
    assert not at.exception
    assert not at.file_uploader and not at.button and not at.dataframe


def test_login_and_logout(store, monkeypatch):
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle())
    auth.add("王分析", "correct horse")
    at = app("login", analyst=None)
    at.text_input(key="login_name").input("王分析")
    at.text_input(key="login_password").input("wrong password")
    at.get("form_submit_button")[0].click().run()
    assert at.error[0].value == "用户名或密码不对" and "analyst" not in at.session_state
    at.text_input(key="login_password").input("correct horse")
    at.get("form_submit_button")[0].click().run()
    assert at.session_state["analyst"] == "王分析"
    at.run()                                              # the router rebuilds the navigation for an analyst
    at.switch_page(page_path("upload")).run()                                  # now in the navigation
    assert at.file_uploader
    at.switch_page(page_path("login")).run()
    assert "王分析" in at.text[0].value
    at.button(key="logout").click().run()
    assert "analyst" not in at.session_state
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page_path("upload"))                     # gone from the navigation again


def test_repeated_failed_logins_are_slowed_down(store, monkeypatch):
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle())
    auth.add("王分析", "correct horse")
    at = app("login", analyst=None)
    at.text_input(key="login_name").input("王分析")
    for _ in range(auth.FREE_FAILURES):
        at.text_input(key="login_password").input("wrong password")
        at.get("form_submit_button")[0].click().run()
    at.text_input(key="login_password").input("correct horse")
    at.get("form_submit_button")[0].click().run()
    assert "秒后再试" in at.error[0].value and "analyst" not in at.session_state


def test_batches_page_shows_and_downloads_the_rows_set_aside(store):
    # H1 good; H2 names a town not on the list → set aside on request
    data = ledger_csv(GOOD[0], GOOD[1].replace("乙", "丙"))
    r = ingest(store, data, "台账.csv", user="a", partial=True)
    assert r.committed and r.set_aside == 1
    at = app("batches")
    table = at.dataframe[0].value
    assert list(table["放在一边"]) == [1, 0]                           # newest first
    at.selectbox(key="batch_chosen").set_value(r.batch_id).run()
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["下载原始文件", "下载放在一边的行（Excel，含行号和原因）"]
    aside = set_aside_rows(store, store.batch(r.batch_id))              # what that button serves
    assert aside["Excel行号"].tolist() == [3] and "镇街不在镇街名单中" in aside["原因"][0]
    assert aside["隐患编号"].tolist() == ["H2"]


def test_a_suggested_header_is_preselected_for_the_analyst_to_confirm(store):
    data = ledger_csv(*GOOD, header=HEADER.replace("整改期限", "要求整改时限"))
    at = upload(app("upload"), ("台账.csv", data))
    key = key_of(data)
    box = at.selectbox(key=f"map_{key}_hazards_deadline")
    assert box.value == "要求整改时限" and "建议，请确认" in box.label
    assert [s.value for s in at.success] == ["校验通过（尚未写入）"]


def test_unknown_values_get_a_value_mapping_that_is_remembered(store):
    data = ledger_csv(GOOD[0], GOOD[1].replace("较大", "特别重大"), GOOD[2])
    at = upload(app("upload"), ("台账.csv", data))
    key = key_of(data)
    assert any("隐患等级只能是" in r for r in report_reasons(at))
    box = at.selectbox(key=f"value_{key}_severity_0")
    assert box.label == "隐患等级：特别重大" and box.value == ""
    box.set_value("重大").run()
    assert [s.value for s in at.success] == ["校验通过（尚未写入）"]
    confirm(at, data)
    saved = json.loads((store.path / "mappings.json").read_text("utf-8"))
    assert [e["values"] for e in saved.values()] == [{"severity": {"特别重大": "重大"}}]
    con = db.connect(store.state())
    assert con.execute("select severity from hazards where hazard_id = 'H2'").fetchone()[0] == "重大"


def test_the_sheet_read_is_named_and_another_can_be_picked(store):
    from test_real_exports import grouped_workbook

    data = grouped_workbook()
    at = upload(app("upload"), ("台账.xlsx", data))
    key = key_of(data)
    box = at.selectbox(key=f"sheet_{key}")
    assert box.options == ["填表说明", "隐患台账"] and box.value == "隐患台账"
    assert at.selectbox(key=f"dataset_{key}").value == "hazards"          # detected from the grouped header
    assert at.selectbox(key=f"map_{key}_hazards_rectified_date").value == "整改完成时间"
    box.set_value("填表说明").run()
    assert not at.exception
    assert at.selectbox(key=f"map_{key}_hazards_hazard_id").options == ["（不使用）", "填表说明"]
    assert any("缺少必填列" in r for r in report_reasons(at))               # a cover sheet is no ledger
