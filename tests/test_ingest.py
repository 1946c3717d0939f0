"""Uploads: every bad-input kind is refused with a Chinese report and leaves the store byte-for-byte unchanged."""

import io
import json
import zipfile

import openpyxl
import pytest

from board import db, metrics
from board.ingest import ingest
from board.store import Store
from conftest import d
from test_store import snapshot

TOWNS_CSV = "镇街代码,镇街名称,类型,常住人口,别名\nA01,甲镇,镇,\"12,000\",甲\nB02,乙街道,街道,20000,乙、乙街\n"
HEADER = "隐患编号,所属镇街,隐患类别,隐患等级,责任主体,发现日期,整改期限,整改完成日期,销号日期,督办层级,晾晒期号,经度,纬度\n"
GOOD = [
    "H1,甲镇,消防安全,一般,甲厂,2022/12/1,2022年12月10日,2022.12.05,44903,提醒,3,121.5,29.8",
    "H2,乙,燃气安全,较大,乙店,2022-12-02,2022-12-09,,,0,,,",
    "H3,B02,消防安全,重大,丙厂,2022-12-03,2022-12-31,2022-12-20,2022-12-21,,,121.6,29.9",
]


@pytest.fixture
def towns_store(store):
    r = ingest(store, TOWNS_CSV.encode("utf-8"), "镇街名单.csv", user="analyst")
    assert r.committed, r.text()
    return store


def csv(*rows, header=HEADER):
    return (header + "\n".join(rows) + "\n").encode("utf-8")


def refused(store, data, name="台账.csv", **kw):
    """Ingest that must be refused without touching the store; returns the problems."""
    before = snapshot(store.path)
    r = ingest(store, data, name, user="analyst", **kw)
    assert not r.ok and not r.committed, r.text()
    assert snapshot(store.path) == before
    assert "Traceback" not in r.text()
    return r.problems


def test_good_ledger_commits_with_counts(towns_store):
    r = ingest(towns_store, csv(*GOOD), "台账.csv", user="analyst")
    assert r.committed and (r.rows, r.added, r.updated) == (3, 3, 0)
    assert r.dataset == "hazards"                                    # detected from the headers
    assert r.as_of_date == "2022-12-21"


def _stored_as_of(store):
    return str(metrics.default_as_of(db.connect(store.state())))


def test_as_of_of_an_older_upload_is_the_stored_ledgers(towns_store):
    ingest(towns_store, csv(*GOOD), "台账.csv", user="analyst")
    r = ingest(towns_store, csv("H4,甲镇,消防安全,一般,丁厂,2022-11-01,,,,,,,"), "十一月.csv", user="analyst")
    # H3, still as the first export has it, was closed on 2022-12-21; the upload's latest date is 2022-11-01
    assert r.committed and r.as_of_date == "2022-12-21" == _stored_as_of(towns_store)


def test_as_of_passes_over_a_date_a_later_export_replaced(towns_store):
    ingest(towns_store, csv(*GOOD), "台账.csv", user="analyst")
    fixed = GOOD[2].replace("2022-12-20,2022-12-21", "2022-12-12,2022-12-13")
    assert ingest(towns_store, csv(fixed), "更正.csv", user="analyst").committed
    r = ingest(towns_store, csv("H4,甲镇,消防安全,一般,丁厂,2022-11-01,,,,,,,"), "十一月.csv", user="analyst")
    # 2022-12-21 is stored only on H3's replaced row; the current rows end at H3's corrected 2022-12-13
    assert r.committed and r.as_of_date == "2022-12-13" == _stored_as_of(towns_store)


def test_as_of_keeps_a_date_a_current_row_still_carries(towns_store):
    ingest(towns_store, csv(*GOOD), "台账.csv", user="analyst")
    fixed = GOOD[2].replace("2022-12-20,2022-12-21", "2022-12-12,2022-12-13")
    also = "H5,乙,燃气安全,一般,戊店,2022-12-21,,,,,,,"
    assert ingest(towns_store, csv(fixed, also), "更正.csv", user="analyst").committed
    r = ingest(towns_store, csv("H4,甲镇,消防安全,一般,丁厂,2022-11-01,,,,,,,"), "十一月.csv", user="analyst")
    # H3's replaced row and H5's current one both carry 2022-12-21: H5 keeps it the ledger's now
    assert r.committed and r.as_of_date == "2022-12-21" == _stored_as_of(towns_store)


def test_counts_are_taken_again_when_another_upload_commits_before_this_one(towns_store, monkeypatch):
    from board import ingest as ingest_module
    prepare, count, counted = ingest_module._prepare, ingest_module._added_updated, []
    monkeypatch.setattr(ingest_module, "_added_updated", lambda *a: counted.append(a[1]) or count(*a))

    def then_another(store, *args, **kw):
        out = prepare(store, *args, **kw)  # H1–H3 all new when checked, then another analyst adds H1
        monkeypatch.setattr(ingest_module, "_prepare", prepare)
        assert ingest(store, csv(GOOD[0]), "另一人.csv", user="analyst").committed
        return out

    monkeypatch.setattr(ingest_module, "_prepare", then_another)
    r = ingest(towns_store, csv(*GOOD), "台账.csv", user="analyst")
    assert r.committed and (r.added, r.updated) == (2, 1)
    # this upload's check, the other's check (nothing overtook it: not counted again), this one's recount
    assert counted == ["hazards"] * 3


def test_same_file_twice_adds_nothing(towns_store):
    ingest(towns_store, csv(*GOOD), "台账.csv", user="analyst")
    before = snapshot(towns_store.path)
    r = ingest(towns_store, csv(*GOOD), "台账-副本.csv", user="analyst")
    assert r.ok and not r.committed and r.duplicate_of == "b0002"
    assert "已上传过" in r.text()
    assert snapshot(towns_store.path) == before


def test_later_upload_updates_by_id(towns_store):
    ingest(towns_store, csv(*GOOD), "台账.csv", user="analyst")
    r = ingest(towns_store, csv(GOOD[1].replace("2022-12-09,,", "2022-12-09,2022-12-08,"),
                                "H4,甲,消防安全,一般,丁店,2022-12-04,,,,,,,"), "台账2.csv", user="analyst")
    assert r.committed and (r.added, r.updated) == (1, 1)
    df = metrics.ledger(db.connect(towns_store.state()), metrics.parse_period("2022-12"), d("2022-12-31"))
    assert df.query("is_district").iloc[0]["found"] == 4 and df.query("is_district").iloc[0]["rectified"] == 3


@pytest.mark.parametrize("data, reason", [
    (b"", "空"),
    (HEADER.encode(), "只有表头"),
    (bytes(range(256)) * 20, "二进制"),
    (csv(*GOOD).replace(b"H2", b"H\x002"), "NUL"),
])
def test_not_a_ledger_at_all(towns_store, data, reason):
    problems = refused(towns_store, data)
    assert any(reason in p.reason for p in problems), problems


def test_missing_required_column(towns_store):
    header = HEADER.replace("发现日期,", "")
    rows = [",".join(r.split(",")[:5] + r.split(",")[6:]) for r in GOOD]
    problems = refused(towns_store, csv(*rows, header=header), dataset="hazards")
    assert any(p.column == "发现日期" and "缺少必填列" in p.reason for p in problems)


@pytest.mark.parametrize("bad_date", ["2022-13-45", "2022-02-30", "明天", "1899-01-01"])
def test_bad_dates_name_row_column_and_value(towns_store, bad_date):
    rows = list(GOOD)
    rows[1] = rows[1].replace("2022-12-02", bad_date)
    problems = refused(towns_store, csv(*rows))
    p = next(p for p in problems if p.column == "发现日期")
    assert p.row == 3 and p.value == bad_date                        # header is row 1, H2 is row 3
    assert "日期" in p.reason


def test_future_found_date_is_impossible(towns_store):
    rows = [GOOD[0].replace("2022/12/1", "2099-01-01").replace("2022.12.05", "").replace("44903", "")]
    problems = refused(towns_store, csv(*rows))
    assert any(p.column == "发现日期" and "晚于今天" in p.reason for p in problems)


def test_duplicate_ids_in_file(towns_store):
    problems = refused(towns_store, csv(GOOD[0], GOOD[1], GOOD[1].replace("较大", "一般")))
    dup = [p for p in problems if "重复" in p.reason]
    assert {p.row for p in dup} == {3, 4} and all(p.column == "隐患编号" for p in dup)


def test_unknown_town(towns_store):
    problems = refused(towns_store, csv(GOOD[0], GOOD[1].replace(",乙,", ",不存在镇,")))
    p = next(p for p in problems if p.column == "所属镇街")
    assert (p.row, p.value) == (3, "不存在镇") and "镇街名单" in p.reason


def test_unknown_town_can_be_registered_on_request(towns_store):
    r = ingest(towns_store, csv(GOOD[0], GOOD[1].replace(",乙,", ",新区,")), "台账.csv",
               user="analyst", add_towns=True)
    assert r.committed and r.new_towns == ["新区"]
    assert "新区" in set(db.run(db.connect(towns_store.state()), "town_lookup")["key"])


@pytest.mark.parametrize("row, column, reason", [
    (GOOD[0].replace("2022.12.05", "2022-11-30").replace("44903", ""), "整改完成日期", "早于发现日期"),
    (GOOD[0].replace("44903", "2022-12-04"), "销号日期", "早于整改完成日期"),
    (GOOD[0].replace("2022.12.05", ""), "销号日期", "没有整改完成日期"),
    (GOOD[0].replace("121.5,29.8", "221.5,29.8"), "经度", "-180"),
    (GOOD[0].replace("121.5,29.8", "121.5,95"), "纬度", "-90"),
    (GOOD[0].replace("一般", "特别重大"), "隐患等级", "一般、较大、重大"),
    (GOOD[0].replace("提醒", "9"), "督办层级", "执法"),
])
def test_rule_violations(towns_store, row, column, reason):
    problems = refused(towns_store, csv(row, GOOD[1]))
    p = next(p for p in problems if p.column == column)
    assert p.row == 2 and reason in p.reason, problems


def xlsx_bytes(rows: list[list], title: str | None = "2022年12月隐患台账", total: bool = True) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    for r in rows:
        ws.append(r)
    if total:
        ws.append(["合计", "", "", "", "", len(rows) - 1])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_truncated_and_fake_xlsx(towns_store):
    good = xlsx_bytes([HEADER.strip().split(",")] + [r.split(",") for r in GOOD])
    for data in (good[: len(good) // 2], b"PK\x03\x04 not really a zip", "隐患编号,发现日期\n".encode()):
        problems = refused(towns_store, data, name="台账.xlsx")
        assert problems and all(p.file == "台账.xlsx" for p in problems)


def test_file_of_another_dataset(towns_store):
    inspections = "检查编号,检查日期,所属镇街,检查类型,检查点位数,发现隐患数\nJ1,2022-12-01,甲镇,暗访,10,1\n"
    problems = refused(towns_store, inspections.encode(), dataset="hazards")
    assert any("检查记录" in p.reason and "隐患问题台账" in p.reason for p in problems)


def test_no_towns_yet_says_upload_towns_first(store):
    problems = refused(store, csv(*GOOD))
    assert any("请先上传镇街名单" in p.reason for p in problems)


def test_same_ledger_as_utf8_gbk_and_xlsx_gives_identical_figures(tmp_path):
    rows = [HEADER.strip().split(",")] + [r.split(",") for r in GOOD]
    text = csv(*GOOD).decode()
    files = {
        "台账.csv": text.encode("utf-8"),
        "台账-gbk.csv": text.encode("gbk"),
        "台账.xlsx": xlsx_bytes(rows),
    }
    results = []
    for i, (name, data) in enumerate(files.items()):
        s = Store(tmp_path / f"s{i}")
        assert ingest(s, TOWNS_CSV.encode("gb18030"), "towns.csv", user="a").committed
        r = ingest(s, data, name, user="a")
        assert r.committed, r.text()
        if name.endswith("xlsx"):
            assert any("标题行" in n for n in r.notices) and any("合计" in n for n in r.notices)
        con = db.connect(s.state())
        results.append(json.dumps(metrics.board_metrics(con, metrics.parse_period("2022-12"), None,
                                                        __import__("board.definitions").definitions.load()),
                                  sort_keys=True))
    assert results[0] == results[1] == results[2]


def test_indicators_wide_with_percent(towns_store):
    text = ("统计月份,所属镇街,刑事案件数,群众安全感满意率,备注\n"
            "2022-12,甲镇,\"1,204\",96.20%,\n2022年12月,乙,3,97.5,\n")
    r = ingest(towns_store, text.encode(), "指标.csv", user="analyst")
    assert r.committed and r.dataset == "indicators", r.text()
    assert r.rows == 2 and r.added == 4
    con = db.connect(towns_store.state())
    v = db.run(con, "indicator_values", start=d("2022-12-01"), end=d("2022-12-31"),
               last_start=d("2021-12-01"), last_end=d("2021-12-31"))
    town = v[~v.is_district].set_index(["town_code", "indicator"])
    assert town.loc[("A01", "criminal_cases"), "total"] == 1204
    assert town.loc[("A01", "safety_satisfaction"), "mean"] == pytest.approx(0.962)
    assert town.loc[("B02", "safety_satisfaction"), "mean"] == pytest.approx(0.975)


def test_report_summarises_by_column_and_reason(towns_store):
    rows = [f"X{i},不存在镇,消防安全,一般,甲厂,2022-12-01,,,,,,," for i in range(250)] + \
           [f"Y{i},甲镇,消防安全,一般,甲厂,,,,,,,," for i in range(3)]
    r = ingest(towns_store, csv(*rows), "台账.csv", user="analyst")
    summary = dict(r.summary())
    assert summary[("所属镇街", "镇街不在镇街名单中（代码、名称或别名都对不上）")] == 250
    assert summary[("发现日期", "必填，不能为空")] == 3
    assert "（250 处）" in r.text() and "其余" in r.text()


def test_many_rows_on_one_point_are_flagged_as_placeholder(towns_store):
    rows = [f"P{i},甲镇,消防安全,一般,甲厂,2022-12-01,,,,,,-77,39" for i in range(25)]
    r = ingest(towns_store, csv(*rows), "台账.csv", user="analyst", dry_run=True)
    assert r.ok and any("25 行的坐标完全相同" in n and "占位" in n for n in r.notices)


def test_unspecified_town_is_empty_not_a_new_town(towns_store):
    problems = refused(towns_store, csv(GOOD[0], GOOD[1].replace(",乙,", ",Unspecified,")), add_towns=True)
    p = next(p for p in problems if p.column == "所属镇街")
    assert p.row == 3 and "必填" in p.reason


def test_dry_run_says_when_the_file_is_already_in(towns_store):
    ingest(towns_store, csv(*GOOD), "台账.csv", user="analyst")
    r = ingest(towns_store, csv(*GOOD), "台账.csv", user="analyst", dry_run=True)
    assert r.ok and r.duplicate_of == "b0002"


def test_the_same_file_confirmed_twice_at_once_is_added_once(towns_store):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: ingest(towns_store, csv(*GOOD), "台账.csv", user="analyst"), range(2)))
    assert sorted(r.committed for r in reports) == [False, True]
    assert next(r for r in reports if not r.committed).duplicate_of == "b0002"
    assert [b.batch_id for b in towns_store.state().batches] == ["b0001", "b0002"]
