"""Text that cannot lie: control and bidi characters are refused in names and codes (stripping could make a
spoofed name equal a real one without a word) and kept visible as \\uXXXX escapes in free text."""

import pytest

from board import db
from board.ingest import ingest
from test_store import snapshot

RLO = "\u202e"


@pytest.mark.parametrize("text, column", [
    (f"镇街代码,镇街名称\nA01,东湖街道\nA02,{RLO}道街湖东🔥\n", "镇街名称"),
    (f"镇街代码,镇街名称\nA01,东湖街道\nA0{RLO}2,云溪镇\n", "镇街代码"),
    ("镇街代码,镇街名称\nA01,东湖街道\nA02,云溪\u2067镇\n", "镇街名称"),
    ("镇街代码,镇街名称\nA01,东湖街道\nA02,云溪\x07镇\n", "镇街名称"),
])
def test_a_name_or_code_with_an_invisible_character_is_refused(store, text, column):
    before = snapshot(store.path)
    r = ingest(store, text.encode(), "镇街.csv", user="analyst")
    assert not r.committed and snapshot(store.path) == before
    p = r.problems[0]
    assert (p.row, p.column) == (3, column) and "控制字符" in p.reason
    assert RLO not in r.text() and "\u2067" not in r.text()                     # the report cannot lie either
    assert "\\u" in p.value


def test_hazard_towns_categories_and_units_are_checked_too(store):
    assert ingest(store, "镇街代码,镇街名称\nA01,东湖街道\n".encode(), "镇街.csv", user="analyst").committed
    r = ingest(store, f"隐患编号,所属镇街,责任主体,发现日期\nH1,A01,甲{RLO}厂,2022-12-01\n".encode(), "h.csv",
               user="analyst")
    assert not r.committed and r.problems[0].column == "责任主体"


def test_free_text_keeps_an_invisible_character_as_a_visible_escape(store):
    assert ingest(store, "镇街代码,镇街名称\nA01,东湖街道\n".encode(), "镇街.csv", user="analyst").committed
    r = ingest(store, f"隐患编号,所属镇街,发现日期,问题描述\nH1,A01,2022-12-01,正常{RLO}常正\n".encode(), "h.csv",
               user="analyst")
    assert r.committed and any("\\uXXXX" in n for n in r.notices)
    got = db.connect(store.state()).execute("select description from hazards").fetchone()[0]
    assert got == "正常\\u202e常正" and RLO not in got
