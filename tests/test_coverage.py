"""Inspection coverage per town: a hand-counted quarter in which one town had no inspection at all."""

import pytest
from streamlit.testing.v1 import AppTest

from board import db, figures, metrics
from conftest import ROOT, commit, d, page_path
from test_metrics import HAZARDS

TOWNS = [
    {"town_code": "A", "town_name": "甲镇", "population": 10000},
    {"town_code": "B", "town_name": "乙街道", "population": 20000},
    {"town_code": "C", "town_name": "丙园区", "population": 5000},
    {"town_code": "D", "town_name": "丁乡", "population": 8000},
]
WOODPECKER = "第三方(啄木鸟)"
INSPECTIONS = [
    dict(inspection_id="i1", date=d("2022-10-05"), town_code="A", inspector_type=WOODPECKER, points_checked=10,
         hazards_found=2),
    dict(inspection_id="i2", date=d("2022-12-20"), town_code="A", inspector_type="暗访", points_checked=5,
         hazards_found=1),
    dict(inspection_id="i3", date=d("2022-11-11"), town_code="B", inspector_type=WOODPECKER, points_checked=20,
         hazards_found=0),
    # C: inspected only in the quarters either side of Q4
    dict(inspection_id="i4", date=d("2022-09-30"), town_code="C", inspector_type=WOODPECKER, points_checked=99,
         hazards_found=9),
    dict(inspection_id="i5", date=d("2023-01-02"), town_code="C", inspector_type=WOODPECKER, points_checked=99,
         hazards_found=9),
    # D: on the quarter's last day, by a department
    dict(inspection_id="i6", date=d("2022-12-31"), town_code="D", inspector_type="部门", points_checked=7,
         hazards_found=3),
]
Q4 = metrics.parse_period("2022-Q4")


@pytest.fixture
def checked(store):
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    commit(store, "inspections", INSPECTIONS)
    return store


def coverage(store, as_of=d("2022-12-31"), types=None):
    visits = db.run(db.connect(store.state()), "inspection_coverage", start=Q4.start, end=Q4.end, as_of=as_of)
    return figures.coverage(visits, types)


def test_quarter_coverage_names_the_town_nobody_inspected(checked):
    towns, summary = coverage(checked)
    # A: i1 + i2; B: i3; C: none in Q4 (i4 is September's, i5 January's); D: i6
    assert summary["covered"] == 3 and summary["towns"] == 4 and summary["missing"] == ["丙园区"]
    by = towns.set_index("town_code")
    assert by.loc["A", "inspections"] == 2 and by.loc["A", "points_checked"] == 15      # 10 + 5
    assert by.loc["A", "hazards_found_by_inspection"] == 3                                # 2 + 1
    assert by.loc["C", "inspections"] == 0 and not by.loc["C", "covered"]
    assert str(by.loc["A", "last_inspected"])[:10] == "2022-12-20"
    assert summary["points_checked"] == 42 and summary["hazards_found_by_inspection"] == 6  # 15 + 20 + 7; 3 + 0 + 3


def test_coverage_sums_equal_the_ledgers_inspection_figures(checked):
    _, summary = coverage(checked)
    ledger = metrics.ledger(db.connect(checked.state()), Q4, d("2022-12-31"))
    district = ledger[ledger["is_district"]].iloc[0]
    assert summary["points_checked"] == district["points_checked"]
    assert summary["hazards_found_by_inspection"] == district["hazards_found_by_inspection"]


def test_only_the_chosen_inspector_types_cover(checked):
    _, summary = coverage(checked, types=[WOODPECKER])
    # the third party visited A (i1) and B (i3) in Q4
    assert summary["covered"] == 2 and summary["missing"] == ["丙园区", "丁乡"]
    assert summary["points_checked"] == 30                                                # 10 + 20


def test_a_visit_after_the_as_of_date_is_not_known_yet(checked):
    _, summary = coverage(checked, as_of=d("2022-12-30"))
    assert summary["covered"] == 2 and summary["missing"] == ["丙园区", "丁乡"]               # i6 is 12-31


def test_inspector_types_are_those_that_visited(checked):
    visits = db.run(db.connect(checked.state()), "inspection_coverage", start=Q4.start, end=Q4.end,
                    as_of=d("2022-12-31"))
    assert figures.inspector_types(visits) == sorted([WOODPECKER, "暗访", "部门"])


# -- on screen ------------------------------------------------------------------------


def open_quarter(store, monkeypatch, page: str, lang: str = "zh") -> AppTest:
    monkeypatch.setenv("BOARD_STORE", str(store.path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["period_kind"] = "quarter"
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page_path(page))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_progress_page_shows_three_of_four_and_names_the_missing_town(checked, monkeypatch):
    at = open_quarter(checked, monkeypatch, "progress")
    assert next(m.value for m in at.metric if m.label == "检查覆盖") == "3 / 4 镇街已覆盖"
    assert next(m.value for m in at.metric if m.label == "检查点位") == "42"
    warning = [w.value for w in at.warning]
    assert warning == ["本期未检查的镇街：丙园区"]
    table = next(df.value for df in at.dataframe if "最近检查日期" in df.value.columns)
    assert list(table["镇街"]) == ["甲镇", "乙街道", "丙园区", "丁乡"]
    assert list(table["检查覆盖"]) == ["已覆盖", "已覆盖", "未覆盖", "已覆盖"]
    assert list(table["检查次数"]) == [2, 1, 0, 1]


def test_progress_page_coverage_follows_the_inspector_type(checked, monkeypatch):
    at = open_quarter(checked, monkeypatch, "progress")
    at.multiselect(key="coverage_types").set_value([WOODPECKER]).run()
    assert next(m.value for m in at.metric if m.label == "检查覆盖") == "2 / 4 镇街已覆盖"
    assert [w.value for w in at.warning] == ["本期未检查的镇街：丙园区、丁乡"]


def test_town_page_says_whether_the_town_was_inspected(checked, monkeypatch):
    at = open_quarter(checked, monkeypatch, "town")
    at.selectbox(key="town_pick").set_value("C").run()
    assert next(m.value for m in at.metric if m.label == "检查覆盖") == "本期未检查"
    at.selectbox(key="town_pick").set_value("A").run()
    assert next(m.value for m in at.metric if m.label == "检查覆盖") == "已覆盖"
    assert next(m.value for m in at.metric if m.label == "检查点位") == "15"


def test_coverage_in_english(checked, monkeypatch):
    at = open_quarter(checked, monkeypatch, "progress", lang="en")
    assert next(m.value for m in at.metric if m.label == "Inspection coverage") == "3 / 4 towns inspected"
    assert [w.value for w in at.warning] == ["Towns not inspected in the period: 丙园区"]
