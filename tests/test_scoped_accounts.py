"""Accounts limited to districts, and viewer accounts: a district analyst touches only its own districts' rows
and rolls back only its own batches; a viewer looks but never reaches the analyst pages, and an office with
viewer accounts closes the board to everyone else. Two districts, 甲区 (330201) and 乙县 (330202), each with a
town named 城关镇."""

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from board import auth, db
from board.cli import main
from board.errors import Rejected
from board.ingest import ingest
from board.store import Store
from conftest import page_path
from test_districts_ingest import DISTRICTS, TOWNS

ROOT = Path(__file__).resolve().parent.parent
LEDGER = ("隐患编号,所属镇街,发现日期\n"
          "H1,东湖街道,2022-12-01\n"       # 甲区
          "H2,西山乡,2022-12-02\n"         # 乙县
          "H3,330201001,2022-12-03\n")     # 甲区's 城关镇 by code
GRIDS = "网格编码,网格名称,所属镇街\nG1,东湖一网格,东湖街道\nG2,西山一网格,西山乡\n"
EVENTS = "事件编号,所属网格,上报时间\nE1,G1,2022-12-01\nE2,G2,2022-12-02\n"


def digest(path: Path) -> dict[str, str]:
    """A SHA-256 of every file under the store: 'the store is unchanged' made checkable."""
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    monkeypatch.setenv("BOARD_USERS", str(path))
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle())
    return path


@pytest.fixture
def city(tmp_path, monkeypatch, users):
    """The configured store with both districts, their towns and two grids; 张三 an analyst of 甲区 only."""
    store = Store(tmp_path / "store")
    monkeypatch.setenv("BOARD_STORE", str(store.path))
    for text, name in ((DISTRICTS, "区县名单.csv"), (TOWNS, "镇街名单.csv"), (GRIDS, "网格名单.csv")):
        assert ingest(store, text.encode(), name, user="市分析员").committed
    auth.add("张三", "password-1", districts=["甲区"])
    auth.add("市分析员", "password-2")
    return store


def scoped(store, text, name="台账.csv", **kw):
    return ingest(store, text.encode(), name, user="张三", scope=auth.scope("张三"), **kw)


# -- the users file ------------------------------------------------------------------------------


def test_an_account_written_before_roles_is_an_analyst_of_the_whole_city(users):
    users.write_text(json.dumps({"users": {"老王": {"hash": "x"}}}), "utf-8")
    assert auth.role("老王") == "analyst" and auth.scope("老王") is None
    assert auth.role("nobody") is None and auth.scope("nobody") == frozenset()      # no account: nothing, not all
    assert not auth.has_viewers()


def test_role_and_districts_are_kept_and_a_password_reset_keeps_them(users):
    auth.add("观察员", "password-1", role="viewer", districts=["乙县", " 330201 ", "乙县"])
    assert auth.role("观察员") == "viewer" and auth.scope("观察员") == frozenset({"乙县", "330201"})
    assert auth.has_viewers()
    auth.add("观察员", "password-2")                                  # a reset: not widened to the city
    assert auth.role("观察员") == "viewer" and auth.scope("观察员") == frozenset({"乙县", "330201"})
    assert auth.verify("观察员", "password-2")
    auth.add("观察员", "password-2", role="analyst", districts=[])
    assert auth.role("观察员") == "analyst" and auth.scope("观察员") is None


def test_a_role_the_board_does_not_know_may_only_look(users):
    users.write_text(json.dumps({"users": {"x": {"hash": "x", "role": "admin"}}}), "utf-8")
    assert auth.role("x") == "viewer"
    with pytest.raises(ValueError, match="角色只能是"):
        auth.add("y", "password-1", role="admin")


def test_a_scope_resolves_by_code_name_or_alias_and_never_widens():
    lookup = pd.DataFrame({"key": ["330201", "330202", "甲区", "乙县", "乙"],
                           "district_code": ["330201", "330202", "330201", "330202", "330202"]})
    assert auth.resolve_scope(None, lookup) is None
    assert auth.resolve_scope({"甲区"}, lookup) == {"330201"}
    assert auth.resolve_scope({"330202", "甲 区"}, lookup) == {"330201", "330202"}
    assert auth.resolve_scope({"乙"}, lookup) == {"330202"}                         # an alias
    assert auth.resolve_scope({"丙区"}, lookup) == frozenset()                      # unknown: nothing, not all


def test_cli_adds_viewers_and_district_analysts(users, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("password-1\n"))
    assert main(["user", "add", "观察员", "--password-stdin", "--role", "viewer", "--district", "乙县"]) == 0
    assert "观察员（查看账号，只限 乙县）" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("password-1\n"))
    assert main(["user", "add", "张三", "--password-stdin", "--district", "330201", "--district", "甲区"]) == 0
    capsys.readouterr()
    assert main(["user", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["张三\t只限 330201、甲区", "观察员\t查看账号\t只限 乙县"]
    monkeypatch.setattr("sys.stdin", io.StringIO("password-2\n"))
    assert main(["user", "add", "张三", "--password-stdin", "--city"]) == 0
    assert auth.scope("张三") is None and auth.verify("张三", "password-2")


# -- uploads of a district analyst --------------------------------------------------------------------


def test_a_district_analysts_upload_with_another_districts_rows_is_refused_store_unchanged(city):
    before = digest(city.path)
    r = scoped(city, LEDGER)
    assert not r.ok and not r.committed
    assert [(p.row, p.column, p.value, p.reason) for p in r.problems] == [
        (3, "所属镇街", "西山乡", "镇街“西山乡”属于“乙县”，账号“张三”只能上传 甲区 的数据")]
    assert digest(city.path) == before


def test_with_partial_the_other_districts_rows_are_set_aside(city):
    r = scoped(city, LEDGER, partial=True)
    assert r.committed and (r.added, r.set_aside) == (2, 1), r.text()
    con = db.connect(city.state())
    assert con.execute("select hazard_id from hazards order by 1").fetchall() == [("H1",), ("H3",)]
    assert city.batch(r.batch_id).user == "张三" and city.batch(r.batch_id).set_aside == 1


def test_the_same_file_from_a_city_analyst_is_taken_whole(city):
    r = ingest(city, LEDGER.encode(), "台账.csv", user="市分析员", scope=auth.scope("市分析员"))
    assert r.committed and r.added == 3, r.text()


def test_grid_events_are_in_the_district_of_their_grids_town(city):
    before = digest(city.path)
    r = scoped(city, EVENTS, "网格事件.csv")
    assert [(p.row, p.reason) for p in r.problems] == [
        (3, "网格“G2”所在的镇街“西山乡”属于“乙县”，账号“张三”只能上传 甲区 的数据")]
    assert digest(city.path) == before


def test_a_district_analysts_towns_file_lists_only_its_own_towns(city):
    before = digest(city.path)
    r = scoped(city, "镇街代码,镇街名称,所属区县\n330201003,新街道,甲区\n330202003,南溪镇,乙县\n", "镇街.csv")
    assert [(p.row, p.reason) for p in r.problems] == [
        (3, "镇街“南溪镇”属于“乙县”，账号“张三”只能上传 甲区 的数据")]
    # nor may it move another district's town into its own
    r = scoped(city, "镇街代码,镇街名称,所属区县\n330202002,西山乡,甲区\n", "镇街2.csv")
    assert [(p.row, p.reason) for p in r.problems] == [
        (2, "镇街“西山乡”属于“乙县”，账号“张三”只能上传 甲区 的数据")]
    assert digest(city.path) == before
    assert scoped(city, "镇街代码,镇街名称,所属区县\n330201003,新街道,甲区\n", "镇街3.csv").committed


# 乙县's rows, uploaded by the city; then 张三 (甲区) lists the same key again with a town (grid) of 甲区:
# (dataset, the city's file, 张三's file, the refusal, the query of the key's owner after, that owner)
REUSED_KEYS = {
    "hazards": ("隐患编号,所属镇街,发现日期\nH1,东湖街道,2022-12-01\nH2,西山乡,2022-12-02\n",
                "隐患编号,所属镇街,发现日期\nH1,东湖街道,2022-12-05\nH2,东湖街道,2022-12-02\n",
                ("隐患编号", "H2", "编号“H2”已是 乙县 的隐患，账号“张三”不能改动"),
                "select town_code from hazards where hazard_id = 'H2'", "330202002"),
    "inspections": ("检查编号,检查日期,所属镇街\nI1,2022-12-01,东湖街道\nI2,2022-12-02,西山乡\n",
                    "检查编号,检查日期,所属镇街\nI1,2022-12-05,东湖街道\nI2,2022-12-02,东湖街道\n",
                    ("检查编号", "I2", "编号“I2”已是 乙县 的检查记录，账号“张三”不能改动"),
                    "select town_code from inspections where inspection_id = 'I2'", "330202002"),
    "grids": (None,                                                 # G1 of 甲区, G2 of 乙县: the fixture's
              "网格编码,网格名称,所属镇街\nG1,东湖一网格,东湖街道\nG2,西山一网格,东湖街道\n",
              ("网格编码", "G2", "编码“G2”已是 乙县 的网格，账号“张三”不能改动"),
              "select town_code from grids where grid_code = 'G2'", "330202002"),
    "grid_events": (EVENTS,                                         # E2 in G2, 乙县's grid
                    "事件编号,所属网格,上报时间\nE1,G1,2022-12-05\nE2,G1,2022-12-02\n",
                    ("事件编号", "E2", "编号“E2”已是 乙县 的网格事件，账号“张三”不能改动"),
                    "select grid_code from grid_events where event_id = 'E2'", "G2"),
    "towns": (None,                                                 # 西山乡 330202002 of 乙县: the fixture's
              "镇街代码,镇街名称,所属区县\n330201002,东湖街道,甲区\n330202002,西山乡,甲区\n",
              ("所属区县", "甲区", "镇街“西山乡”属于“乙县”，账号“张三”只能上传 甲区 的数据"),
              "select district_code from towns where town_code = '330202002'", "330202"),
}


@pytest.mark.parametrize("dataset", sorted(REUSED_KEYS))
def test_a_district_analyst_cannot_take_another_districts_row_by_reusing_its_key(city, dataset):
    theirs, mine, problem, owner_sql, owner = REUSED_KEYS[dataset]
    if theirs:
        assert ingest(city, theirs.encode(), "乙.csv", user="市分析员").committed
    before = digest(city.path)
    r = scoped(city, mine, "甲.csv", dataset=dataset)
    assert not r.ok and not r.committed
    assert [(p.row, p.column, p.value, p.reason) for p in r.problems] == [(3, *problem)], r.text()
    assert digest(city.path) == before                               # refused: not one byte changed
    r = scoped(city, mine, "甲.csv", dataset=dataset, partial=True)  # row 2 taken, row 3 set aside
    assert r.committed and (r.updated, r.set_aside) == (1, 1), r.text()
    assert db.connect(city.state()).execute(owner_sql).fetchall() == [(owner,)]


def test_a_town_listed_without_a_district_is_no_district_analysts_to_claim(store, users):
    assert ingest(store, "镇街代码,镇街名称\nT9,老镇\n".encode(), "镇街.csv", user="市分析员").committed
    for text, name in ((DISTRICTS, "区县名单.csv"), (TOWNS, "镇街名单.csv")):
        assert ingest(store, text.encode(), name, user="市分析员").committed
    auth.add("张三", "password-1", districts=["甲区"])
    before = digest(store.path)
    r = scoped(store, "镇街代码,镇街名称,所属区县\nT9,老镇,甲区\n", "镇街2.csv")
    assert [(p.row, p.reason) for p in r.problems] == [
        (2, "镇街“老镇”没有登记所属区县，账号“张三”只能上传 甲区 的数据")]
    assert digest(store.path) == before
    assert ingest(store, "镇街代码,镇街名称,所属区县\nT9,老镇,甲区\n".encode(), "镇街3.csv",
                  user="市分析员", scope=None).committed                 # the city assigns it


def test_a_key_taken_by_another_district_between_check_and_commit_is_refused_under_the_lock(city, monkeypatch):
    """The owner is checked again under the writers' lock: a city upload may move H2 to 乙县 meanwhile."""
    from board import ingest as ingest_module
    assert ingest(city, "隐患编号,所属镇街,发现日期\nH2,东湖街道,2022-12-02\n".encode(), "甲.csv",
                  user="市分析员").committed
    prepare = ingest_module._prepare

    def then_moved(store, *args, **kw):
        out = prepare(store, *args, **kw)            # checked while H2 was 甲区's, then the city moves it
        monkeypatch.setattr(ingest_module, "_prepare", prepare)
        assert ingest(store, "隐患编号,所属镇街,发现日期\nH2,西山乡,2022-12-02\n".encode(), "乙.csv",
                      user="市分析员").committed
        return out

    monkeypatch.setattr(ingest_module, "_prepare", then_moved)
    r = scoped(city, "隐患编号,所属镇街,发现日期\nH2,东湖街道,2022-12-09\n", "甲2.csv")
    assert not r.committed and [p.reason for p in r.problems] == ["编号“H2”已是 乙县 的隐患，账号“张三”不能改动"]
    assert db.connect(city.state()).execute(
        "select town_code from hazards where hazard_id = 'H2'").fetchall() == [("330202002",)]


def test_only_a_city_analyst_uploads_the_districts_list(city):
    before = digest(city.path)
    r = scoped(city, "区县代码,区县名称\n330203,丙区\n", "区县.csv")
    assert r.structural and r.problems[0].reason.startswith("区县名单只能由全市的分析员账号上传")
    assert digest(city.path) == before
    assert ingest(city, "区县代码,区县名称\n330203,丙区\n".encode(), "区县.csv", user="市分析员").committed


def test_a_district_analysts_new_towns_need_a_clear_district(city):
    text = "隐患编号,所属镇街,发现日期\nH1,南山镇,2022-12-01\n"
    r = scoped(city, text, add_towns=True)                        # one district: the new town is in it
    assert r.committed and r.new_towns == ["南山镇"], r.text()
    con = db.connect(city.state())
    assert con.execute("select district_code from towns where town_code = '南山镇'").fetchall() == [("330201",)]
    r = ingest(city, text.replace("南山镇", "北山镇").encode(), "台账2.csv", user="李四",
               scope=frozenset({"甲区", "乙县"}), add_towns=True)    # two districts: which one?
    assert not r.ok and r.problems[0].reason.startswith("新镇街“北山镇”不知道属于哪个区县")
    r = scoped(city, "隐患编号,所属镇街,所属区县,发现日期\nH1,北山镇,乙县,2022-12-01\n", "台账3.csv",
               add_towns=True)
    assert not r.ok and r.problems[0].reason == "新镇街“北山镇”属于“乙县”，账号“张三”只能上传 甲区 的数据"


def test_an_account_of_a_district_the_store_does_not_list_may_upload_nothing(city):
    r = ingest(city, LEDGER.encode(), "台账.csv", user="赵六", scope=frozenset({"丙区"}))
    assert not r.ok and len(r.problems) == 3
    assert r.problems[0].reason == "镇街“东湖街道”属于“甲区”，账号“赵六”只能上传 丙区 的数据"


# -- rollback ------------------------------------------------------------------------------------------


def test_a_district_analyst_rolls_back_only_its_own_batches(city):
    theirs = ingest(city, LEDGER.encode(), "台账.csv", user="市分析员").batch_id
    before = digest(city.path)
    with pytest.raises(Rejected) as e:
        city.rollback(theirs, "张三", own_only=True)
    assert "该批次由“市分析员”上传" in e.value.problems[0].reason
    assert digest(city.path) == before
    own = scoped(city, "隐患编号,所属镇街,发现日期\nH9,东湖街道,2022-12-09\n", "台账2.csv").batch_id
    city.rollback(own, "张三", own_only=True)
    city.rollback(theirs, "市分析员")                               # a city analyst any
    assert {own, theirs} <= city.state().rolled_back


def board(*args, store):
    return subprocess.run([sys.executable, "-m", "board", *args, "--store", str(store.path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_applies_the_users_scope_to_ingest_and_rollback(city, tmp_path):
    ledger = tmp_path / "台账.csv"
    ledger.write_text(LEDGER, "utf-8")
    before = digest(city.path)
    out = board("ingest", str(ledger), "--user", "张三", store=city)
    assert out.returncode == 1 and "账号“张三”只能上传 甲区 的数据" in out.stderr
    assert digest(city.path) == before
    out = board("ingest", str(ledger), "--user", "张三", "--partial", store=city)
    assert out.returncode == 0 and "另有 1 行有问题" in out.stdout, out.stderr
    theirs = ingest(city, "隐患编号,所属镇街,发现日期\nH8,西山乡,2022-12-08\n".encode(), "乙.csv",
                    user="市分析员").batch_id
    out = board("rollback", theirs, "--user", "张三", store=city)
    assert out.returncode == 1 and "只能回滚自己上传的批次" in out.stderr and "Traceback" not in out.stderr
    assert board("rollback", theirs, "--user", "市分析员", store=city).returncode == 0


def test_cli_refuses_a_viewer_account_as_a_writer(city, tmp_path):
    auth.add("观察员", "password-1", role="viewer")
    ledger = tmp_path / "台账.csv"
    ledger.write_text(LEDGER, "utf-8")
    out = board("ingest", str(ledger), "--user", "观察员", store=city)
    assert out.returncode == 2 and "查看账号，不能写入数据" in out.stderr


# -- the pages ------------------------------------------------------------------------------------------


def app(page=None, **session) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in session.items():
        at.session_state[k] = v
    at.run()
    if page:
        at.switch_page(page_path(page)).run()
    assert not at.exception, at.exception
    return at


def test_upload_page_refuses_a_district_analysts_rows_of_another_district(city):
    data = LEDGER.encode()
    before = digest(city.path)
    at = app("upload", analyst="张三")
    at.file_uploader(key="upload_files").set_value([("台账.csv", data, "text/csv")]).run()
    reasons = [r for df in at.dataframe if "原因" in df.value.columns for r in df.value["原因"]]
    assert "镇街“西山乡”属于“乙县”，账号“张三”只能上传 甲区 的数据" in reasons
    assert digest(city.path) == before
    key = hashlib.sha256(data).hexdigest()[:16]
    at.checkbox(key=f"partial_{key}").check().run()                  # set them aside instead
    at.button(key=f"confirm_{key}").click().run()
    assert not at.exception, at.exception
    con = db.connect(city.state())
    assert con.execute("select hazard_id from hazards order by 1").fetchall() == [("H1",), ("H3",)]


def test_batches_page_offers_a_district_analyst_rollback_of_its_own_batches_only(city):
    theirs = ingest(city, LEDGER.encode(), "台账.csv", user="市分析员").batch_id
    at = app("batches", analyst="张三")
    # another analyst's batch is not listed to a district analyst at all: no rollback, no download of its file
    chosen = at.selectbox(key="batch_chosen") if [s for s in at.selectbox if s.key == "batch_chosen"] else None
    assert chosen is None or theirs not in chosen.options
    assert not any(theirs in str(df.value) for df in at.dataframe)
    at = app("batches", analyst="市分析员")
    at.selectbox(key="batch_chosen").set_value(theirs).run()
    assert [b for b in at.button if b.key == "batch_rollback"]


def test_with_a_viewer_account_the_board_is_closed_until_login(city):
    auth.add("观察员", "password-1", role="viewer", districts=["乙县"])
    at = app()
    assert [t.value for t in at.title] == ["登录"]                    # the login page, nothing else
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page_path("overview"))
    at.text_input(key="login_name").input("观察员")
    at.text_input(key="login_password").input("password-1")
    at.get("form_submit_button")[0].click().run()
    assert at.session_state["viewer"] == "观察员" and "analyst" not in at.session_state
    at.run()
    at.switch_page(page_path("overview")).run()                    # the board is open to the viewer
    assert not at.exception and [t.value for t in at.title] == ["乙县 · 总览"]   # its own district's board
    for page in ("upload", "batches"):                             # never the analyst pages
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page_path(page))


def test_without_viewer_accounts_the_board_stays_open(city):
    at = app()
    assert [t.value for t in at.title] == ["全市 · 总览"]   # the city's board, open to all


def test_the_ui_scope_is_the_logged_in_accounts_district_codes(city):
    auth.add("观察员", "password-1", role="viewer", districts=["乙县"])
    script = ("from ui import auth\nimport streamlit as st\n"
              "st.text(repr((auth.role(), auth.scope())))\n")
    at = AppTest.from_string(script, default_timeout=60)
    at.session_state["viewer"] = "观察员"
    at.run()
    assert at.text[0].value == repr(("viewer", frozenset({"330202"})))
    at = AppTest.from_string(script, default_timeout=60)
    at.session_state["analyst"] = "市分析员"
    at.run()
    assert at.text[0].value == repr(("analyst", None))


SESSION = ("from ui import auth\nimport streamlit as st\n"
           "st.text(repr((auth.role(), auth.user(), auth.account(), auth.scope())))\n")


def session(**keys) -> AppTest:
    at = AppTest.from_string(SESSION, default_timeout=60)
    for k, v in keys.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_deleted_accounts_session_is_logged_out_not_widened_to_the_city(city):
    assert session(analyst="张三").text[0].value == repr(("analyst", "张三", "张三", frozenset({"330201"})))
    auth.remove("张三")
    at = session(analyst="张三", as_of_seq=3)
    assert at.text[0].value == repr((None, None, None, None))       # an anonymous visitor of the open board
    assert not [k for k in ("analyst", "viewer", "as_of_seq") if k in at.session_state]
    auth.add("观察员", "password-1", role="viewer")                  # the board closed: the login page
    at = app(analyst="张三")
    assert [t.value for t in at.title] == ["登录"] and "analyst" not in at.session_state


def test_an_analyst_turned_viewer_keeps_no_analysts_session(city):
    auth.add("张三", "password-1", role="viewer")
    at = session(analyst="张三")
    assert at.text[0].value == repr((None, None, None, None))
    from ui import guard
    assert not guard.live("张三", "analyst") and guard.live("张三", "viewer")   # nor may it upload meanwhile


def test_cli_says_a_name_without_an_account_writes_for_the_whole_city(city, tmp_path):
    ledger = tmp_path / "台账.csv"
    ledger.write_text(LEDGER, "utf-8")
    out = board("ingest", str(ledger), "--user", "王五", store=city)
    assert out.returncode == 0 and "新增 3" in out.stdout, out.stderr
    assert "注意：账号文件中没有“王五”，按全市写入（不限区县）" in out.stderr
    out = board("ingest", str(ledger), "--user", "市分析员", "--dry-run", store=city)
    assert "账号文件中没有" not in out.stderr                          # an account is not told so
