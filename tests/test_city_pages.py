"""The city board through AppTest (issue 15), on test_city's two-district city counted by hand.

District X (甲区): towns A (城关镇) and B (乙街道); district Y (乙县): towns C (城关镇 too) and E (东镇).
test_city's hazards plus two: h10 (X's B, found 12-30, the ledger's latest date, so D = 2022-12-30) and h11
(Y's E, found 12-15, deadline 12-25, open), which is overdue as of the city's now but not as of Y's own latest
date (12-20): a district's board counts as of the city's now, as its row in the city league does.

December 2022 as of D = 12-30:
- X: h1 h2 h3 h9 h10 found; h1 h3 rectified (2/5); h1 closed (1/5); h2 overdue (per 10,000: 1/3).
- Y: h4 h5 h6 h8 h11 found; h4 h8 rectified and closed (2/5 each); h6 h11 overdue (per 10,000: 2.0);
  h4 recurred (1 of 2 closed).
- The city: 10 found, 4 rectified, 3 closed, 3 overdue, 1 recurred of 3 closed.
Two components, so that the index can be worked out by hand: rectification (both 2/5 → 100 each) and overdue
per 10,000 residents (X best → 100, Y worst → 0): X 100 green first, Y 50 yellow second; in November only Y
had hazards, so Y is ▼1 and X has no change to show.
"""

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from board import city, db, definitions as defs, metrics
from board.store import Store
from conftest import ROOT, commit, page_path
from render import city_charts
from render.format import count, rate
from conftest import d
from test_city import DEC, DEFS, DISTRICTS, HAZARDS, TOWNS
from test_english_pages import shown
from ui import scope

HAZARDS_HERE = HAZARDS + [
    dict(hazard_id="h10", town_code="B", found_date=d("2022-12-30"), deadline=d("2023-01-15")),
    dict(hazard_id="h11", town_code="E", found_date=d("2022-12-15"), deadline=d("2022-12-25")),
]
D = d("2022-12-30")
# a square per town, X's towns west of Y's
SQUARES = {"A": (120.0, 30.0), "B": (120.1, 30.0), "C": (120.2, 30.0), "E": (120.3, 30.0)}
BOUNDARIES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"town_code": c, "town_name": c},
     "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1],
                                                      [x, y]]]}} for c, (x, y) in SQUARES.items()]}


@pytest.fixture
def city_store(tmp_path, monkeypatch) -> Store:
    """The configured store (BOARD_STORE): test_city's city with its two components and town squares."""
    s = Store(tmp_path / "store")
    commit(s, "districts", DISTRICTS)
    commit(s, "towns", TOWNS)
    commit(s, "hazards", HAZARDS_HERE)
    shipped = defs.load()
    s.save_definitions(dict(shipped, components=DEFS["components"], tiers=DEFS["tiers"]), "tester")
    s.save_boundaries(BOUNDARIES, "tester")
    monkeypatch.setenv("BOARD_STORE", str(s.path))
    monkeypatch.setenv("BOARD_USERS", str(tmp_path / "users.json"))
    return s


def run(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page if page.endswith(".py") else page_path(page)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def chooser(at: AppTest):
    return at.button_group[0]


def table_columns(at: AppTest, key: str) -> dict[str, list[str]]:
    """A league table (plotly, or the overview's HTML one) by its header, the header's markup stripped."""
    chart = next((c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")), None)
    if chart is None:
        return html_columns(next(h.value for h in at.get("html") if "league-html" in h.value))
    data = json.loads(chart.proto.spec)["data"][0]
    heads = [h.replace("<b>", "").replace("</b>", "").replace("<br>", "") for h in data["header"]["values"]]
    return dict(zip(heads, data["cells"]["values"]))


def html_columns(table: str) -> dict[str, list[str]]:
    """An HTML table's columns by header, as the viewer reads them (entities decoded)."""
    from html.parser import HTMLParser

    rows: list[list[str]] = []

    class Cells(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                rows.append([])
            elif tag in ("td", "th"):
                rows[-1].append("")

        def handle_data(self, text):
            if rows and rows[-1]:
                rows[-1][-1] += text

    Cells().feed(table)
    return {h: [r[i] for r in rows[1:]] for i, h in enumerate(rows[0])}


def frame(at: AppTest, column: str):
    """The first table shown with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def texts(at: AppTest) -> str:
    """Everything a page says in text, metrics, tables and widget options, as one string."""
    out = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                                       "error") for e in at.get(kind)]
    out += [f"{m.label} {m.value}" for m in at.metric]
    out += [str(v) for d in at.dataframe for c in d.value.columns for v in d.value[c]]
    out += [str(o) for w in at.selectbox for o in w.options]
    out += [c.proto.spec for c in at.get("plotly_chart")]
    return "\n".join(out)


def scoped(store: Store, code: str):
    return db.connect(store.state(), districts=(code,))


def whole_row(con):
    rows = metrics.ledger(con, DEC, D)
    return rows[rows["is_district"]].iloc[0]


# -- the scope ---------------------------------------------------------------------------


def test_a_city_store_offers_the_city_and_each_district(city_store):
    at = run()
    assert [o.content for o in chooser(at).proto.options] == ["全市", "甲区", "乙县"]
    assert chooser(at).value == "city"
    assert at.title[0].value == "全市 · 总览"
    assert at.query_params["scope"] == "city"


def test_a_one_district_store_shows_no_chooser_and_todays_pages(tmp_path, monkeypatch):
    s = Store(tmp_path / "store")
    commit(s, "towns", [dict(t, district_code=None) for t in TOWNS])
    commit(s, "hazards", HAZARDS)
    monkeypatch.setenv("BOARD_STORE", str(s.path))
    monkeypatch.setenv("BOARD_USERS", str(tmp_path / "users.json"))
    at = run(scope="Y")   # a scope in the URL means nothing here, and is dropped
    assert not list(at.button_group) and "scope" not in at.query_params
    assert at.title[0].value == "总览"
    assert metric(at, "发现隐患") == "8"   # every town's December hazards: h1–h6, h8, h9
    league = run("league")
    assert league.title[0].value == "镇街排名"
    assert sorted(table_columns(league, "league-table")["镇街"]) == ["东镇", "乙街道", "城关镇", "城关镇"]


# -- the city's board ----------------------------------------------------------------------


def test_the_city_overview_shows_the_city_row_and_the_districts(city_store):
    at = run()
    city_row = whole_row(db.connect(city_store.state()))
    assert metric(at, "发现隐患") == "10" == count(city_row["found"])           # 5 in each district
    assert metric(at, "销号率") == "30.00%" == rate(city_row["closure_rate"])   # h1, h4, h8 closed of 10
    assert metric(at, "逾期隐患") == "3" == count(city_row["overdue"])          # h2, h6, h11
    assert metric(at, "复发率") == rate(1 / 3)                                  # h4 recurred of 3 closed
    league = table_columns(at, "district-league")
    assert (league["排名"], league["区县"], league["镇街数"]) == (["1", "2"], ["甲区", "乙县"], ["2", "2"])
    assert league["变化"] == ["—", "▼1"]
    assert league["整改率"] == ["40.00%", "40.00%"] and league["销号率"] == ["20.00%", "40.00%"]
    assert league["逾期隐患"] == ["1", "2"]
    # 红黑榜 of districts: two districts, both on 红榜 (board_size 3), 黑榜 empty
    assert [(m.label, m.value) for m in at.metric if m.label.startswith("第")] == \
        [("第1名 · 甲区", "100.00"), ("第2名 · 乙县", "50.00")]
    assert [b.label for b in at.button if b.key.startswith("overview-open-")] == ["甲区 →", "乙县 →"]


def test_the_city_league_ranks_the_districts_as_the_core_does(city_store):
    at = run("pages/leaders/city_league.py")
    assert at.title[0].value == "全市 · 区县排名"
    rows, _, _ = city.league(db.connect(city_store.state()), DEC, D,
                             defs.load(city_store, city_store.state()))
    shown = table_columns(at, "district-league")
    assert shown["区县"] == list(rows["district_name"]) == ["甲区", "乙县"]
    assert shown["排名"] == [str(r) for r in rows["rank"]] == ["1", "2"]
    assert shown["平安指数"] == ["100.00", "50.00"] and shown["三色"] == ["绿", "黄"]
    # why: Y lost its 50 points on overdue per 10,000 residents; X lost none
    why = frame(at, "拉低指数的分项")
    assert list(why["拉低指数的分项"]) == ["无", "每万人逾期隐患"]


def test_a_district_of_the_city_league_opens_its_board_and_the_city_comes_back(city_store):
    at = run()
    at.button(key="overview-open-Y").click().run()
    assert at.title[0].value == "乙县 · 总览" and at.query_params["scope"] == "Y"
    y = whole_row(scoped(city_store, "Y"))
    assert metric(at, "销号率") == rate(y["closure_rate"]) == "40.00%"   # h4 h8 of Y's 5
    assert [m.label for m in at.metric if m.label.startswith("第")] == ["第1名 · 城关镇", "第2名 · 东镇"]
    at.button(key="scope-back").click().run()
    assert at.title[0].value == "全市 · 总览" and at.query_params["scope"] == "city"
    assert metric(at, "销号率") == "30.00%"


def test_a_district_is_counted_as_of_the_citys_now_as_in_the_city_league(city_store):
    assert metrics.default_as_of(scoped(city_store, "Y")) == d("2022-12-20")   # Y's own latest date
    at = run(scope="Y")
    assert at.markdown and any("截至 2022-12-30" in m.value for m in at.markdown)
    rows, _, _ = city.league(db.connect(city_store.state()), DEC, D, defs.load(city_store, city_store.state()))
    y = rows.set_index("district_code").loc["Y"]
    assert metric(at, "逾期隐患") == count(y["overdue"]) == "2"   # h6 and h11 (due 12-25), not h6 alone


def test_the_chooser_switches_the_scope_and_each_scope_has_its_own_figures(city_store):
    at = run(scope="Y")
    assert metric(at, "销号率") == "40.00%"
    chooser(at).set_value("X").run()
    assert at.title[0].value == "甲区 · 总览" and at.query_params["scope"] == "X"
    x = whole_row(scoped(city_store, "X"))
    assert metric(at, "销号率") == rate(x["closure_rate"]) == "20.00%"   # h1 of X's 5, not Y's cached 40%


def test_a_district_scope_shows_only_its_towns_and_its_figures(city_store):
    con = scoped(city_store, "Y")
    y = whole_row(con)
    at = run("league", scope="Y")
    assert at.title[0].value == "乙县 · 镇街排名"
    assert sorted(table_columns(at, "league-table")["镇街"]) == ["东镇", "城关镇"]
    assert "乙街道" not in texts(at)
    progress = run("progress", scope="Y")
    assert metric(progress, "发现隐患") == count(y["found"]) == "5"
    assert metric(progress, "复发率") == rate(y["recurrence_rate"]) == "50.00%"   # h4 recurred of h4 h8
    assert metric(progress, "累计逾期") == count(y["backlog_overdue"]) == "2"     # h6, h11
    overdue = frame(progress, "隐患编号")
    assert list(overdue["隐患编号"]) == list(db.run(con, "overdue_list", as_of=D, limit=100)["hazard_id"]) \
        == ["h6", "h11"]   # 20 and 5 days overdue
    town = run("town", scope="Y")
    assert town.selectbox(key="town_pick").options == ["城关镇", "东镇"]


def test_the_city_map_colours_each_town_by_its_district(city_store):
    at = run("hazard_map")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    towns = next(layer for layer in deck["layers"] if layer["id"] == "towns")
    fill = {f["properties"]["town_code"]: tuple(f["properties"]["fill"]) for f in towns["data"]["features"]}
    assert fill["A"] == fill["B"] != fill["C"] == fill["E"]
    tips = {f["properties"]["town_code"]: f["properties"]["tip_body"] for f in towns["data"]["features"]}
    assert tips["A"] == "所属区县：甲区" and tips["E"] == "所属区县：乙县"
    # a district's map holds its own towns only
    district = run("hazard_map", scope="X")
    deck = json.loads(district.get("deck_gl_json_chart")[0].proto.json)
    towns = next(layer for layer in deck["layers"] if layer["id"] == "towns")
    assert sorted(f["properties"]["town_code"] for f in towns["data"]["features"]) == ["A", "B"]


def test_a_town_chosen_on_the_city_board_opens_in_its_district(city_store):
    at = run("town")
    assert "scope" in at.query_params and at.query_params["scope"] == "city"
    at.selectbox(key="city_town_pick").set_value("E").run()
    assert at.title[0].value == "乙县 · 镇街详情" and at.query_params["scope"] == "Y"
    assert at.selectbox(key="town_pick").value == "E"


# -- an account limited to districts ----------------------------------------------------------


@pytest.fixture
def only_x(monkeypatch):
    monkeypatch.setattr(scope, "allowed", lambda: frozenset({"X"}))


def test_a_district_outside_the_accounts_scope_is_refused(city_store, only_x):
    at = run(scope="Y")
    assert "无权查看该区县（乙县）" in at.error[0].value and "已显示 甲区" in at.error[0].value
    assert at.title[0].value == "甲区 · 总览" and at.query_params["scope"] == "X"
    assert metric(at, "销号率") == "20.00%"                       # X's, not Y's 40%
    assert [o.content for o in chooser(at).proto.options] == ["甲区"]   # no 全市, no 乙县
    assert "scope-back" not in [b.key for b in at.button]
    league = run("league", scope="Y")
    assert "东镇" not in texts(league) and "乙县" not in texts(league).replace("无权查看该区县（乙县）", "")


def test_the_whole_city_is_refused_to_a_district_account(city_store, only_x):
    at = run(scope="city")
    assert "无权查看全市" in at.error[0].value
    assert at.title[0].value == "甲区 · 总览"
    plain = run()   # nothing asked: its own district, nothing to refuse
    assert plain.title[0].value == "甲区 · 总览" and not plain.error


def test_the_scope_is_decided_by_the_account_whatever_is_asked():
    listed = [("X", "甲区"), ("Y", "乙县")]
    assert scope.decide(listed, None, None) == (None, None)
    assert scope.decide(listed, "Y", None) == ("Y", None)
    assert scope.decide(listed, "Y", frozenset({"乙县"})) == ("Y", None)   # an account may name its district
    assert scope.decide(listed, "X", frozenset({"Y"}))[0] == "Y"
    assert scope.decide(listed, "Z", None)[0] is None and "没有区县“Z”" in scope.decide(listed, "Z", None)[1]
    assert scope.decide([], "Y", None) == (None, None)                    # a one-district store has no scope
    # ...and shows an account limited to districts nothing rather than everything (say, after the districts
    # list was rolled back, or as of a batch from before it)
    nowhere, why = scope.decide([], "Y", frozenset({"X"}))
    assert scope.nowhere(nowhere) and "没有区县名单" in why
    nowhere, why = scope.decide(listed, None, frozenset({"Q"}))
    assert scope.nowhere(nowhere) and "不在本看板的区县名单中" in why


# -- drawing ------------------------------------------------------------------------------------


def test_towns_take_their_districts_colour_and_the_legend_names_the_districts():
    import pandas as pd

    towns = pd.DataFrame({"town_code": ["A", "B", "C", "F"], "district_code": ["X", "X", "Y", None],
                          "district_name": ["甲区", "甲区", "乙县", None]})
    colours = city_charts.district_colours(["X", "Y"])
    doc, legend = city_charts.towns_by_district(BOUNDARIES, towns, colours)
    fill = {f["properties"]["town_code"]: f["properties"]["fill"][:3] for f in doc["features"]}
    assert fill["A"] == fill["B"] == [0xb3, 0xcd, 0xe3] and fill["C"] == [0xde, 0xcb, 0xe4]
    assert fill["E"] == [0xdc, 0xdc, 0xdc]   # E has no row here: grey, as a town without a district
    assert legend == [("甲区", "#b3cde3"), ("乙县", "#decbe4"), ("未分区县", "#dcdcdc")]


# -- English ------------------------------------------------------------------------------------

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
DATA = ["甲区", "乙县", "城关镇", "乙街道", "东镇", "中文"]   # names from the store, and the language radio's own


@pytest.mark.parametrize("page", [None, "pages/leaders/city_league.py", "hazard_map", "town"])
def test_the_city_board_in_english_holds_no_chinese_but_data(city_store, page):
    at = run(page, lang="en")
    said = shown(at)
    assert any("Whole city" in s for s in said)
    leftover = {s for s in said if CJK.search(re.sub("|".join(DATA), "", s))}
    assert not leftover, leftover


def test_a_refusal_is_said_in_english_too(city_store, only_x):
    at = run(scope="Y", lang="en")
    assert at.error[0].value == "Not allowed to see this district (乙县): this account may see only 甲区; showing 甲区"
