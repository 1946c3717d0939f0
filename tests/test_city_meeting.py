"""The meeting screen and the notice page take the scope (issue 15), on test_city_pages' two-district city.

December 2022 as of D = 12-30 (test_city_pages): X (甲区, towns A 城关镇 and B 乙街道) scores 100, green, first;
Y (乙县, towns C 城关镇 and E 东镇) scores 50, yellow, second, ▼1 (in November only Y had hazards).
The city: 10 found, 4 rectified (40.00%), 3 closed (30.00%), 3 overdue.
"""

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from board import city, db, definitions as defs
from conftest import ROOT
from render import city_report
from test_city import DEC
from test_city_pages import CJK, D, DATA, city_store, only_x  # noqa: F401 (fixtures)
from test_english_pages import shown

SLIDES = ("overview", "league", "map", "progress", "red")


def meeting(slide: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in {"mode": "meeting", "slides": slide, "period": "2022-12", **query}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def bars(at: AppTest, key: str) -> list[str]:
    """The bar labels of a slide's chart, top to bottom."""
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}"))
    return list(json.loads(chart.proto.spec)["data"][0]["y"])


def deck(at: AppTest) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def layer(at: AppTest, name: str) -> dict:
    return next(x for x in deck(at)["layers"] if x["id"] == name)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


# -- the city's slides ---------------------------------------------------------------------------


def test_the_city_league_slide_ranks_the_districts_as_city_league_does(city_store):
    at = meeting("league", scope="city")
    assert at.title[0].value == "区县排名 · 平安指数"
    rows, _, _ = city.league(db.connect(city_store.state()), DEC, D, defs.load(city_store, city_store.state()))
    expected = [f"{r}  {n}" for r, n in zip(rows["rank"], rows["district_name"])]
    assert bars(at, "meeting_league") == expected == ["1  甲区", "2  乙县"]
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("-meeting_league"))
    assert json.loads(chart.proto.spec)["data"][0]["text"] == ["100.00   —", "50.00   ▼1"]


def test_the_city_overview_slide_shows_the_city_kpis_like_for_like(city_store):
    at = meeting("overview", scope="city")
    assert at.title[0].value == "全市概况"
    assert metric(at, "发现隐患") == "10"       # 5 in each district
    assert metric(at, "整改率") == "40.00%"     # h1 h3 h4 h8 of 10
    assert metric(at, "销号率") == "30.00%"     # h1 h4 h8 of 10
    assert metric(at, "逾期隐患") == "3"        # h2 h6 h11
    # 红黑榜 of districts: both on 红榜 (board_size 3)
    honour = [m.value for m in at.markdown if "甲区" in m.value or "乙县" in m.value]
    assert honour[:2] == ["1　甲区　100.00　—", "2　乙县　50.00　▼1"]


def test_the_city_map_slide_colours_towns_by_district_and_labels_each_district_once(city_store):
    at = meeting("map", scope="city")
    towns = layer(at, "towns")
    fill = {f["properties"]["name"]: tuple(f["properties"]["fill"]) for f in towns["data"]["features"]}
    assert fill["A"] == fill["B"] != fill["C"] == fill["E"]      # the squares are named by their codes
    labels = [row["text"] for row in layer(at, "names")["data"]]
    assert labels == ["1 甲区", "2 乙县"]


def test_the_city_progress_slide_has_a_bar_per_district_and_the_citys_rate(city_store):
    at = meeting("progress", scope="city")
    assert bars(at, "meeting_progress") == ["甲区", "乙县"]   # both 40.00%: by code
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("-meeting_progress"))
    spec = json.loads(chart.proto.spec)
    assert spec["layout"]["annotations"][0]["text"] == "全市整改率 40.00%"


def test_the_city_red_slide_lists_the_district_boards_and_each_districts_red_towns(city_store):
    at = meeting("red", scope="city")
    assert [t.value for t in at.title] == ["红黑榜 · 区县与红色镇街"]
    said = [m.value for m in at.markdown]
    assert "1　甲区　100.00　—" in said
    # each district's own league: in X, A (rectified 1/2, overdue 1 per 10,000) and B (1/3, none overdue) score
    # 50 each, yellow; in Y, C (1/2, none overdue) scores 100 and E (h8 of h6 h8 h11 rectified, h6 h11 overdue:
    # 4 per 10,000) scores 0: red, second in Y
    assert "**甲区**　无红色镇街" in said and "**乙县**　东镇\u00a02" in said
    notice = city_report.build(city_store.state(), DEC, defs.load(city_store, city_store.state()), D)
    assert list(notice.red_towns["town_name"]) == ["东镇"]


# -- a district's slides --------------------------------------------------------------------------


def test_a_districts_slides_carry_its_name_and_only_its_towns(city_store):
    at = meeting("overview", scope="Y")
    assert at.title[0].value == "乙县概况"
    assert metric(at, "发现隐患") == "5"
    league = meeting("league", scope="Y")
    assert league.title[0].value == "乙县 · 镇街排名 · 平安指数"
    assert sorted(label.split("  ")[1] for label in bars(league, "meeting_league")) == ["东镇", "城关镇"]
    assert "乙街道" not in json.dumps([c.proto.spec for c in league.get("plotly_chart")], ensure_ascii=False)
    shown_map = meeting("map", scope="Y")
    assert sorted(f["properties"]["name"] for f in layer(shown_map, "towns")["data"]["features"]) == ["东镇", "城关镇"]


def test_a_district_account_gets_its_own_district_not_the_citys_slides(city_store, only_x):
    at = meeting("league", scope="city")
    assert at.title[0].value == "甲区 · 镇街排名 · 平安指数"
    assert sorted(label.split("  ")[1] for label in bars(at, "meeting_league")) == ["乙街道", "城关镇"]
    assert any("无权查看全市" in c.value for c in at.caption)


@pytest.mark.parametrize("slide", SLIDES)
def test_the_city_slides_in_english_hold_no_chinese_but_data(city_store, slide):
    at = meeting(slide, scope="city", lang="en")
    texts = shown(at)
    for chart in at.get("deck_gl_json_chart"):
        texts.append(chart.proto.tooltip)
    data = "|".join(DATA)
    leftover = {s for s in texts if CJK.search(re.sub(data, "", s))}
    assert not leftover, leftover


# -- the notice page --------------------------------------------------------------------------------


def notice_page(city_store, monkeypatch, districts=None, **query) -> AppTest:
    from board import auth as board_auth
    from ui import auth

    monkeypatch.setattr(auth, "user", lambda: "analyst")
    if districts is not None:
        monkeypatch.setattr(auth, "scope", lambda: frozenset(districts))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/analysts/notice.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_notice_page_in_the_citys_scope_offers_the_city_notice(city_store, monkeypatch):
    at = notice_page(city_store, monkeypatch, scope="city")
    expected = city_report.build(city_store.state(), DEC, defs.load(city_store, city_store.state()), D)
    assert at.subheader[0].value == expected.title == "全市平安晾晒通报 第2期"
    assert city_report.summary_text(expected) in [m.value for m in at.markdown]
    league = next(d.value for d in at.dataframe if "区县" in d.value.columns)
    assert list(league["区县"]) == ["甲区", "乙县"] and list(league["排名"]) == [1, 2]
    names = [b.proto.label for b in at.get("download_button")]
    assert names == ["下载全市通报 PDF", "下载全市通报 Excel"]


def test_the_notice_page_in_a_districts_scope_offers_that_districts_notice(city_store, monkeypatch):
    at = notice_page(city_store, monkeypatch, scope="Y")
    assert at.subheader[0].value == "乙县 · 平安晾晒通报 第2期"
    towns = next(d.value for d in at.dataframe if "镇街" in d.value.columns)
    assert sorted(towns["镇街"]) == ["东镇", "城关镇"]


def test_a_district_limited_analyst_never_gets_the_city_notice(city_store, monkeypatch):
    at = notice_page(city_store, monkeypatch, districts={"X"}, scope="city")
    assert "全市" not in at.subheader[0].value
    assert at.subheader[0].value.startswith("甲区 · ")
    assert "下载全市通报 PDF" not in [b.proto.label for b in at.get("download_button")]
    towns = next(d.value for d in at.dataframe if "镇街" in d.value.columns)
    assert sorted(towns["镇街"]) == ["乙街道", "城关镇"]


def test_the_city_notice_page_in_english_holds_no_chinese_but_data(city_store, monkeypatch):
    at = notice_page(city_store, monkeypatch, scope="city", lang="en")
    texts = shown(at)
    assert "City airing notice No. 2" in texts
    assert any(s.startswith("2022-12: 10 hazards found in the city") for s in texts)
    data = "|".join(DATA)
    leftover = {s for s in texts if CJK.search(re.sub(data, "", s))}
    assert not leftover, leftover
