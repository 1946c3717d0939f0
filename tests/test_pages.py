"""Each leaders' page renders on the demo district, shows the core's figures, and follows its controls."""

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from board import db, definitions as defs, metrics
from board.store import Store, demo_path
from conftest import ROOT, page_path
from render.format import count, number, rate


@pytest.fixture(scope="module")
def core():
    """The demo district as the core computes it: connection, latest month, as-of, definitions."""
    from tools import demo_store
    store = Store(demo_store.ensure())
    state = store.state()
    con = db.connect(state)
    as_of = metrics.default_as_of(con)
    period = metrics.period_of(as_of, "month")
    return {"con": con, "as_of": as_of, "period": period, "defs": defs.load(store, state)}


@pytest.fixture(autouse=True)
def demo_only(tmp_path, monkeypatch):
    # an empty real store: the board shows the demo district
    monkeypatch.setenv("BOARD_STORE", str(tmp_path / "empty"))


def open_page(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page_path(page))
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def choose_period_kind(at: AppTest, kind: str) -> None:
    # the sidebar's widgets are not in AppTest's tree after switch_page; their state is
    at.session_state["period_kind"] = kind
    at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def district(core, period=None):
    df = metrics.ledger(core["con"], period or core["period"], core["as_of"])
    return df[df["is_district"]].iloc[0]


def league(core, period=None, definitions=None):
    return metrics.league(core["con"], period or core["period"], core["as_of"], definitions or core["defs"])[0]


def elements(at: AppTest, kind: str) -> list:
    return [e for e in at.get(kind)]


# -- 总览 -------------------------------------------------------------------------


def test_overview_kpis_equal_the_core_and_follow_the_period(core):
    at = open_page()
    dist, before = district(core), district(core, core["period"].previous())
    assert metric(at, "发现隐患") == count(dist["found"])
    assert metric(at, "整改率") == rate(dist["rectification_rate"])
    assert metric(at, "销号率") == rate(dist["closure_rate"])
    assert metric(at, "按期整改率") == rate(dist["on_time_rate"])
    assert metric(at, "逾期隐患") == count(dist["overdue"])
    assert metric(at, "复发率") == rate(dist["recurrence_rate"])
    assert metric(at, "晾晒问题销号率") == rate(dist["aired_closure_rate"])
    assert metric(at, "检查点位") == count(dist["points_checked"])
    found = next(m for m in at.metric if m.label == "发现隐患")
    assert found.delta == f"{int(dist['found'] - before['found']):+,}"
    best = league(core).iloc[0]
    assert any(m.label == f"第1名 · {best['town_name']}" and m.value == number(best["score"]) for m in at.metric)

    at.radio(key="period_kind").set_value("year").run()
    year = metrics.period_of(core["as_of"], "year")
    assert metric(at, "发现隐患") == count(district(core, year)["found"]) != count(dist["found"])


def test_overview_outcomes_compare_with_a_year_earlier(core):
    at = open_page()
    df = db.run(core["con"], "indicator_values", start=core["period"].start, end=core["period"].end,
                last_start=core["period"].year_earlier().start, last_end=core["period"].year_earlier().end)
    crime = df[df["is_district"] & (df["indicator"] == "criminal_cases")].iloc[0]
    m = next(m for m in at.metric if m.label == "刑事案件数（件）")
    assert m.value == f"{crime['total']:,.0f}"
    assert m.delta.startswith(f"{crime['total'] - crime['last_total']:+,.0f}")


# -- 镇街排名 ------------------------------------------------------------------------


def league_cells(at: AppTest) -> list[list[str]]:
    table = next(e for e in elements(at, "plotly_chart") if '"type":"table"' in e.proto.spec.replace(" ", ""))
    return json.loads(table.proto.spec)["data"][0]["cells"]["values"]


def league_columns(at: AppTest) -> dict[str, list[str]]:
    """The league table's columns by header."""
    table = next(e for e in elements(at, "plotly_chart") if '"type":"table"' in e.proto.spec.replace(" ", ""))
    data = json.loads(table.proto.spec)["data"][0]
    heads = [re.sub(r"</?b>|<br>", "", h) for h in data["header"]["values"]]  # 每万人<br>逾期隐患
    return dict(zip(heads, data["cells"]["values"]))


def test_league_table_equals_the_core_ranking(core):
    at = open_page("league")
    towns = league(core)
    cells = league_cells(at)
    assert cells[0] == [str(int(r)) for r in towns["rank"]]
    assert cells[2] == list(towns["town_name"])
    assert cells[3] == [f"{s:.2f}" for s in towns["score"]]
    # the backlog from earlier periods sits beside the index (the ledger rates follow it)
    columns = league_columns(at)
    assert columns["整改率"] == [rate(v) for v in towns["rectification_rate"]]
    assert columns["前期积压"] == [count(v) for v in towns["earlier_overdue"]]
    assert columns["积压最久天数"] == [count(v) for v in towns["earlier_overdue_days_max"]]
    bottom = towns.iloc[-1]
    assert any(m.label == f"第{int(bottom['rank'])}名 · {bottom['town_name']}" for m in at.metric)


def test_long_chinese_league_headers_break_in_two_lines():
    from render import charts
    towns = pd.DataFrame({"rank": [1], "rank_change": [None], "town_name": ["梅林镇"], "score": [80.0],
                          "tier": ["green"], "days": [3], "per_10k": [0.5], "aired": [1.0], "on_time": [0.9]})
    shown = [("days", "积压最久天数", "count"), ("per_10k", "每万人逾期隐患", "number"),
             ("aired", "晾晒问题销号率", "rate"), ("on_time", "按期整改率", "rate")]
    table = charts.league_table(towns, shown).data[0]
    # six or seven characters of 20 px bold are wider than a 120-unit column; five fit, and so do the fixed columns
    assert list(table.header.values) == [
        "<b>排名</b>", "<b>变化</b>", "<b>镇街</b>", "<b>平安指数</b>", "<b>三色</b>",
        "<b>积压最久</b><br><b>天数</b>", "<b>每万人</b><br><b>逾期隐患</b>", "<b>晾晒问题</b><br><b>销号率</b>",
        "<b>按期整改率</b>"]
    assert table.header.height == 2 * 26 + 16  # the figure is as tall as a two-line header


def test_league_follows_the_period(core):
    at = open_page("league")
    before = league_cells(at)[2]
    choose_period_kind(at, "quarter")
    quarter = metrics.period_of(core["as_of"], "quarter")
    after = league_cells(at)[2]
    assert after == list(league(core, quarter)["town_name"]) and after != before


def test_why_shows_the_chosen_towns_components_against_the_median(core):
    at = open_page("league")
    towns = league(core)
    last = towns.iloc[-1]
    at.selectbox(key="why_town").set_value(last["town_code"]).run()
    assert metric(at, "平安指数") == number(last["score"])
    _, comps, _ = metrics.league(core["con"], core["period"], core["as_of"], core["defs"])
    mine = comps[comps["town_code"] == last["town_code"]]
    table = next(df.value for df in at.dataframe if "相对中位数" in df.value.columns)
    assert len(table) == len(mine)
    # contribution against a town scoring the district median: share × (score − median score)
    first = mine.iloc[0]
    assert table.iloc[0]["相对中位数"] == number(first["share"] * (first["score"] - first["median_score"]))


def test_what_if_weights_re_rank_without_saving(core):
    at = open_page("league")
    at.slider(key="w_rectification_rate").set_value(50).run()
    trial_defs = dict(core["defs"], components=[dict(c, weight=50 if c["code"] == "rectification_rate" else c["weight"])
                                                for c in core["defs"]["components"]])
    expected = league(core, definitions=trial_defs)
    trial = next(d.value for d in at.dataframe if "试算排名" in d.value.columns)
    assert list(trial["镇街"]) == list(expected["town_name"])
    assert list(trial["试算指数"]) == [number(s) for s in expected["score"]]
    # the saved ranking (the big table) is unchanged
    assert league_cells(at)[2] == list(league(core)["town_name"])


def test_department_league_sums_to_the_district(core):
    at = open_page("league")
    deps = next(d.value for d in at.dataframe if "责任部门" in d.value.columns)
    assert deps["发现隐患"].sum() == district(core)["found"]
    assert list(deps["排名"])[0] == 1


# -- 隐患地图 ------------------------------------------------------------------------


def deck(at: AppTest) -> dict:
    return json.loads(elements(at, "deck_gl_json_chart")[0].proto.json)


def point_counts(spec: dict) -> dict:
    return {layer["id"]: len(layer["data"]) for layer in spec["layers"] if layer["id"].startswith("points-")}


def test_map_draws_the_periods_hazards_offline(core):
    at = open_page("hazard_map")
    spec = deck(at)
    assert spec["mapStyle"].startswith("data:application/json;base64,") and "mapProvider" not in spec
    assert len(next(l for l in spec["layers"] if l["id"] == "towns")["data"]["features"]) == 24
    dist = district(core)
    counts = point_counts(spec)
    assert sum(counts.values()) == dist["found"]  # every demo hazard has coordinates
    assert counts["points-逾期"] == dist["overdue"]
    assert metric(at, "地图上的隐患") == count(dist["found"])
    assert "{tip_title}" in spec.get("tooltip", "") or "{tip_title}" in json.dumps(at.get("deck_gl_json_chart")[0].proto.tooltip)


def test_map_filters_change_what_is_drawn(core):
    at = open_page("hazard_map")
    at.multiselect(key="map_status").set_value(["逾期"]).run()
    assert point_counts(deck(at)) == {"points-逾期": district(core)["overdue"]}
    at.multiselect(key="map_severity").set_value(["重大"]).run()
    assert sum(point_counts(deck(at)).values()) < district(core)["overdue"]
    at.multiselect(key="map_severity").set_value([]).run()
    at.radio(key="map_view").set_value("hexagon").run()
    assert [l["@@type"] for l in deck(at)["layers"]] == ["GeoJsonLayer", "HexagonLayer"]


def test_map_merges_points_into_grid_cells_above_the_cap_and_keeps_the_counts(core, monkeypatch):
    from board import maps
    monkeypatch.setattr(maps, "MAP_POINTS", 100)
    at = open_page("hazard_map")
    dist = district(core)
    cells = [layer for layer in deck(at)["layers"] if layer["id"].startswith("points-")]
    assert sum(len(layer["data"]) for layer in cells) < dist["found"]  # merged
    assert sum(row["w"] for layer in cells for row in layer["data"]) == dist["found"]  # nothing lost
    assert sum(row["w"] for row in next(l for l in cells if l["id"] == "points-逾期")["data"]) == dist["overdue"]
    assert metric(at, "地图上的隐患") == count(dist["found"])
    assert any("网格合并" in c.value and "隐患超过 100 个" in c.value for c in at.caption)  # the cap in force


# -- 整改进度 ------------------------------------------------------------------------


def test_progress_figures_equal_the_core_and_follow_the_period(core):
    at = open_page("progress")
    dist = district(core)
    assert metric(at, "发现隐患") == count(dist["found"])
    assert metric(at, "累计逾期") == count(dist["backlog_overdue"])
    assert metric(at, "复发率") == rate(dist["recurrence_rate"])
    overdue = next(d.value for d in at.dataframe if "逾期天数" in d.value.columns and "隐患编号" in d.value.columns)
    assert len(overdue) == dist["backlog_overdue"]
    assert list(overdue["逾期天数"]) == sorted(overdue["逾期天数"], reverse=True)
    choose_period_kind(at, "year")
    year = metrics.period_of(core["as_of"], "year")
    assert metric(at, "发现隐患") == count(district(core, year)["found"]) != count(dist["found"])


# -- 镇街详情 ------------------------------------------------------------------------


def test_town_page_opens_on_the_town_in_the_url(core):
    towns = league(core)
    last = towns.iloc[-1]
    at = open_page("town", town=last["town_code"])
    assert at.selectbox(key="town_pick").value == last["town_code"]
    assert metric(at, "排名") == f"{int(last['rank'])} / {len(towns)}"
    assert metric(at, "平安指数") == number(last["score"])
    overdue = at.dataframe[0].value
    assert len(overdue) == last["backlog_overdue"]
    spec = deck(at)
    assert sum(point_counts(spec).values()) == last["found"]

    first = towns.iloc[0]
    at.selectbox(key="town_pick").set_value(first["town_code"]).run()
    assert metric(at, "排名") == f"1 / {len(towns)}"
    assert len(at.dataframe[0].value) == first["backlog_overdue"]


def test_league_opens_the_town_page(core):
    at = open_page("league")
    code = league(core).iloc[2]["town_code"]
    at.selectbox(key="why_town").set_value(code).run()
    at.button(key="open-town").click().run()
    assert not at.exception
    assert at.selectbox(key="town_pick").value == code


def test_backlog_trend_ends_with_todays_overdue_backlog(core):
    from ui import data
    trend = data.backlog_trend(core["period"])
    assert len(trend) == 12 and trend["as_of"].iloc[-1] == core["as_of"]
    assert trend["overdue"].iloc[-1] == district(core)["backlog_overdue"]
    assert list(trend["month"]) == [core["period"].shift(-k).code for k in range(11, -1, -1)]


def test_progress_shows_the_longest_overdue_first_and_says_how_many_there_are(core, monkeypatch):
    from ui import data
    monkeypatch.setattr(data, "OVERDUE_ROWS", 50)
    at = open_page("progress")
    overdue = next(d.value for d in at.dataframe if "逾期天数" in d.value.columns and "隐患编号" in d.value.columns)
    assert len(overdue) == 50
    everything = db.run(core["con"], "overdue_list", as_of=core["as_of"], limit=None)
    assert list(overdue["隐患编号"]) == list(everything["hazard_id"].head(50))
    total = f"{district(core)['backlog_overdue']:,}"
    assert any(f"截至日仍逾期 {total} 条" in c.value and "50 条" in c.value for c in at.caption)
