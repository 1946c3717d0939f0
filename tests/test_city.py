"""The city level (issue 15) against a two-district city small enough to count by hand.

District X (甲区): towns A (城关镇, 10,000 residents) and B (20,000). District Y (乙县): towns C (城关镇 too,
5,000) and E (5,000). Period 2022-12 as of D = 2022-12-31.
"""

import json

import pandas as pd
import pytest

from board import city, db, metrics
from board.cli import main
from board.metrics import parse_period
from conftest import commit, d

DISTRICTS = [{"district_code": "X", "district_name": "甲区", "population": 31000},
             {"district_code": "Y", "district_name": "乙县", "population": 12000}]
TOWNS = [
    {"town_code": "A", "town_name": "城关镇", "population": 10000, "district_code": "X"},
    {"town_code": "B", "town_name": "乙街道", "population": 20000, "district_code": "X"},
    {"town_code": "C", "town_name": "城关镇", "population": 5000, "district_code": "Y"},
    {"town_code": "E", "town_name": "东镇", "population": 5000, "district_code": "Y"},
]
HAZARDS = [
    # X: h1 closed in time; h2 open, 16 days overdue; h3 rectified by its deadline on D, not closed
    dict(hazard_id="h1", town_code="A", found_date=d("2022-12-01"), deadline=d("2022-12-10"),
         rectified_date=d("2022-12-05"), closed_date=d("2022-12-08")),
    dict(hazard_id="h2", town_code="A", found_date=d("2022-12-02"), deadline=d("2022-12-15")),
    dict(hazard_id="h3", town_code="B", found_date=d("2022-12-03"), deadline=d("2022-12-31"),
         rectified_date=d("2022-12-20")),
    # X: 丁厂 found again after Y's 丁厂 closed — another district's unit, so no recurrence of h8
    dict(hazard_id="h9", town_code="B", unit_name="丁厂", category="燃气安全", found_date=d("2022-12-15")),
    # Y: h4 closed 12-12 and 丙店 found again 12-20 (h5): recurred; h6 open, 21 days overdue
    dict(hazard_id="h4", town_code="C", unit_name="丙店", category="消防安全", found_date=d("2022-12-05"),
         deadline=d("2022-12-20"), rectified_date=d("2022-12-10"), closed_date=d("2022-12-12")),
    dict(hazard_id="h5", town_code="C", unit_name="丙店", category="消防安全", found_date=d("2022-12-20")),
    dict(hazard_id="h6", town_code="E", found_date=d("2022-12-06"), deadline=d("2022-12-10")),
    dict(hazard_id="h8", town_code="E", unit_name="丁厂", category="燃气安全", found_date=d("2022-12-01"),
         deadline=d("2022-12-08"), rectified_date=d("2022-12-07"), closed_date=d("2022-12-09")),
    # November: only Y has a hazard (rectified in time), so only Y has a rank a month earlier
    dict(hazard_id="n1", town_code="C", found_date=d("2022-11-10"), deadline=d("2022-11-20"),
         rectified_date=d("2022-11-12")),
]
D = d("2022-12-31")
DEC = parse_period("2022-12")
# two components, so that the index can be worked out by hand
DEFS = {"components": [
    {"code": "rectification_rate", "name": "整改率", "source": "ledger", "direction": "higher", "weight": 50},
    {"code": "overdue_per_10k", "name": "每万人逾期隐患", "source": "ledger", "direction": "lower", "weight": 50}],
    "tiers": {"green": 70, "yellow": 50}, "no_data": "last"}


@pytest.fixture
def city_store(store):
    commit(store, "districts", DISTRICTS)
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    return store


def districts(store, period=DEC, as_of=D):
    con = db.connect(store.state())
    return city.district_rows(metrics.ledger(con, period, as_of), db.run(con, "district_list")).set_index(
        "district_code")


def test_a_district_sums_its_towns_and_recomputes_its_rates(city_store):
    x, y = districts(city_store).loc["X"], districts(city_store).loc["Y"]
    # X: h1 h2 h3 h9 found; h1 h3 rectified; h1 closed; h1 h2 h3 due, h1 h3 on time; h2 overdue 16 days
    assert (x.found, x.rectified, x.closed, x.due, x.on_time, x.overdue) == (4, 2, 1, 3, 2, 1)
    assert x.rectification_rate == pytest.approx(2 / 4) and x.closure_rate == pytest.approx(1 / 4)
    assert x.on_time_rate == pytest.approx(2 / 3)
    assert x.overdue_days_total == 16 and x.overdue_days_max == 16
    assert x.population == 30000 and x.overdue_per_10k == pytest.approx(1 / 3)  # the towns' sum, not 31,000
    assert x.recurred == 0 and x.recurrence_rate == 0.0
    # Y: h4 h5 h6 h8 found; h4 h8 rectified and closed; h4 h6 h8 due, h4 h8 on time; h6 overdue 21 days
    assert (y.found, y.rectified, y.closed, y.due, y.on_time, y.overdue) == (4, 2, 2, 3, 2, 1)
    assert y.overdue_days_max == 21 and y.population == 10000 and y.overdue_per_10k == pytest.approx(1.0)
    # h4 recurred (丙店 again on 12-20); h8 did not: 丁厂 of 甲区 is not 乙县's 丁厂
    assert y.recurred == 1 and y.recurrence_rate == pytest.approx(1 / 2)
    assert x.towns == 2 and y.towns == 2


def test_the_rates_are_recomputed_never_averaged(city_store):
    rows = metrics.ledger(db.connect(city_store.state()), DEC, D)
    x = districts(city_store).loc["X"]
    towns = rows[rows["district_code"] == "X"]
    # A: 1 of 2 rectified, B: 1 of 2 → 0.5 either way; closure: A 1/2, B 0/2 → mean 0.25 = 1/4 by luck,
    # so the on-time rate tells them apart: A 1/2, B 1/1 → mean 0.75, recomputed 2/3
    assert towns["on_time_rate"].mean() == pytest.approx(0.75)
    assert x.on_time_rate == pytest.approx(2 / 3)


def test_the_city_row_is_every_town_and_the_districts_add_up_to_it(city_store):
    rows = metrics.ledger(db.connect(city_store.state()), DEC, D)
    whole = rows[rows["is_district"]].iloc[0]
    assert whole.town_name == "全市"
    assert (whole.found, whole.rectified, whole.closed, whole.overdue, whole.recurred) == (8, 4, 3, 2, 1)
    both = districts(city_store)
    for m in ("found", "rectified", "closed", "due", "on_time", "overdue", "overdue_days_total", "recurred",
              "backlog_overdue", "aired", "inspections"):
        assert int(both[m].sum()) == int(whole[m]), m
    assert whole.closure_rate == pytest.approx(3 / 8) and whole.population == 40000


def test_a_scoped_connection_is_the_districts_own_board(city_store):
    con = db.connect(city_store.state(), districts=("Y",))
    rows = metrics.ledger(con, DEC, D)
    assert sorted(rows.loc[~rows["is_district"], "town_code"]) == ["C", "E"]
    whole = rows[rows["is_district"]].iloc[0]
    assert whole.town_name == "乙县"
    y = districts(city_store).loc["Y"]
    for m in metrics.METRICS:
        a, b = whole[m], y[m]
        assert (pd.isna(a) and pd.isna(b)) or a == pytest.approx(b), m
    # every page query reads only the district: the overdue list holds Y's h6 alone
    assert list(db.run(con, "overdue_list", as_of=D, limit=100)["hazard_id"]) == ["h6"]


def test_a_scoped_connection_reads_the_same_from_the_cache(city_store):
    plain = metrics.ledger(db.connect(city_store.state(), districts=("X",)), DEC, D)
    cached = metrics.ledger(db.connect(city_store.state(), materialise=True, districts=("X",)), DEC, D)
    pd.testing.assert_frame_equal(plain.reset_index(drop=True), cached.reset_index(drop=True), check_dtype=False)
    assert list(cached.loc[~cached["is_district"], "town_code"]) == ["A", "B"]


def test_districts_are_ranked_like_for_like(city_store):
    rows, comps, whole = city.league(db.connect(city_store.state()), DEC, D, DEFS)
    r = rows.set_index("district_code")
    # rectification 1/2 each: both 100; overdue per 10,000: X 1/3 (best, 100), Y 1.0 (worst, 0)
    assert r.loc["X", "score"] == pytest.approx(100.0) and r.loc["Y", "score"] == pytest.approx(50.0)
    assert (r.loc["X", "rank"], r.loc["Y", "rank"]) == (1, 2)
    assert (r.loc["X", "tier"], r.loc["Y", "tier"]) == ("green", "yellow")
    # November as of 11-30: only Y had hazards, rank 1; X had none, so no change to show
    assert r.loc["Y", "previous_rank"] == 1 and r.loc["Y", "rank_change"] == -1
    assert pd.isna(r.loc["X", "rank_change"])
    assert r.loc["Y", "pulled_down"] == ["overdue_per_10k"]
    assert set(comps["district_code"]) == {"X", "Y"}


def test_districts_tie_and_share_a_rank(city_store):
    only_rate = dict(DEFS, components=DEFS["components"][:1])
    rows, _, _ = city.league(db.connect(city_store.state()), DEC, D, only_rate)
    assert list(rows["rank"]) == [1, 1]  # both rectified 1 of 2


def test_the_district_level_may_weigh_differently(city_store):
    defs = dict(DEFS, levels={"district": {"weights": {"overdue_per_10k": 0}, "tiers": {"green": 101, "yellow": 0}}})
    rows, _, _ = city.league(db.connect(city_store.state()), DEC, D, defs)
    assert list(rows["rank"]) == [1, 1] and set(rows["tier"]) == {"yellow"}
    towns, _, _ = metrics.league(db.connect(city_store.state()), DEC, D, defs)  # the town level keeps its own
    assert set(towns["tier"]) <= {"green", "yellow", "red", None}


def test_indicators_compare_a_district_with_itself_a_year_earlier(store):
    commit(store, "districts", DISTRICTS)
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    m = lambda s: d(s)  # noqa: E731
    commit(store, "indicators", [
        dict(month=m("2022-12-01"), town_code="A", indicator="fire_alarms", value=3.0),
        dict(month=m("2021-12-01"), town_code="A", indicator="fire_alarms", value=1.0),
        dict(month=m("2022-12-01"), town_code="B", indicator="fire_alarms", value=0.0),
        dict(month=m("2021-12-01"), town_code="B", indicator="fire_alarms", value=0.0),
        dict(month=m("2022-12-01"), town_code="C", indicator="fire_alarms", value=1.0),
        dict(month=m("2021-12-01"), town_code="C", indicator="fire_alarms", value=2.0),
        dict(month=m("2022-12-01"), town_code="A", indicator="safety_satisfaction", value=90.0),
        dict(month=m("2022-12-01"), town_code="B", indicator="safety_satisfaction", value=96.0),
        dict(month=m("2021-12-01"), town_code="A", indicator="safety_satisfaction", value=93.0),
    ])
    con = db.connect(store.state())
    defs = {"components": [
        {"code": "fire_alarms", "source": "indicator", "direction": "lower", "aggregate": "sum", "weight": 1},
        {"code": "safety_satisfaction", "source": "indicator", "unit": "%", "direction": "higher",
         "aggregate": "mean", "weight": 1}]}
    listed = pd.DataFrame({"district_code": ["X", "Y"], "population": [30000, 10000]})
    out = city.indicator_components(con, DEC, defs, metrics.ledger(con, DEC, D), listed)
    # X: 3 + 0 alarms against 1 + 0 → +2 per 30,000 residents; Y: 1 against 2 → −1 per 10,000
    assert out.loc["X", "fire_alarms"] == pytest.approx(2 * 10000 / 30000)
    assert out.loc["Y", "fire_alarms"] == pytest.approx(-1.0)
    # satisfaction: X's town-months now (90 + 96) / 2 = 93 against 93 → 0; Y reported none
    assert out.loc["X", "safety_satisfaction"] == pytest.approx(0.0)
    assert pd.isna(out.loc["Y", "safety_satisfaction"])


def test_metrics_level_district_json(city_store, capsys):
    assert main(["metrics", "--period", "2022-12", "--as-of", "2022-12-31", "--level", "district",
                 "--store", str(city_store.path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["level"] == "district" and out["city"]["found"] == 8
    assert out["previous"] == {"period": "2022-11", "as_of": "2022-11-30", "city": out["previous"]["city"]}
    by = {r["district_code"]: r for r in out["districts"]}
    assert by["Y"]["district_name"] == "乙县" and by["Y"]["recurrence_rate"] == 0.5
    assert by["X"]["overdue_per_10k"] == pytest.approx(1 / 3) and by["X"]["found"] == 4
    for key in ("rank", "rank_change", "tier", "score", "closure_rate", "backlog_overdue"):
        assert key in by["X"]


def test_metrics_of_one_district_by_name(city_store, capsys):
    assert main(["metrics", "--period", "2022-12", "--as-of", "2022-12-31", "--district", "乙县",
                 "--store", str(city_store.path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["district_code"] == "Y" and [t["town_code"] for t in out["towns"]] in (["C", "E"], ["E", "C"])
    assert out["district"]["found"] == 4 and out["district"]["recurred"] == 1


def test_an_unknown_district_is_told_in_chinese(city_store, capsys):
    assert main(["metrics", "--period", "2022-12", "--district", "丙市", "--store", str(city_store.path)]) == 2
    err = capsys.readouterr().err
    assert "没有区县“丙市”" in err and "X（甲区）" in err


def test_a_one_district_store_has_no_district_level(store, capsys):
    commit(store, "towns", [dict(t, district_code=None) for t in TOWNS])
    commit(store, "hazards", HAZARDS)
    rows = metrics.ledger(db.connect(store.state()), DEC, D)
    assert rows[rows["is_district"]].iloc[0].town_name == "全区"
    # without districts the unit key is the store's: 丁厂 of B (12-15) is a recurrence of E's 丁厂 (closed 12-09)
    assert int(rows[rows["is_district"]].iloc[0].recurred) == 2
    assert main(["metrics", "--period", "2022-12", "--level", "district", "--store", str(store.path)]) == 2
    assert "只有一个区县" in capsys.readouterr().err


def test_level_definitions_are_checked():
    from board import definitions as defs_mod

    base = defs_mod.load()
    ok = dict(base, levels={"district": {"weights": {"rectification_rate": 25, "on_time_rate": 5}}})
    assert defs_mod.problems(ok) == []
    wrong = dict(base, levels={"district": {"weights": {"nope": 5, "closure_rate": 20}, "tiers": {"green": 40, "yellow": 60}},
                               "street": {}})
    text = "\n".join(defs_mod.problems(wrong))
    assert "区县级权重中的分项 nope 不存在" in text and "区县级三色阈值" in text and "没有“street”这一级" in text
    heavy = dict(base, levels={"district": {"weights": {"closure_rate": 30}}})
    assert "区县级权重合计应为 100，现在是 120" in "\n".join(defs_mod.problems(heavy))


def test_grids_of_one_district(city_store, capsys):
    commit(city_store, "grids", [dict(grid_code="g1", grid_name="一网格", town_code="A"),
                                 dict(grid_code="g2", grid_name="二网格", town_code="C")])
    commit(city_store, "grid_events", [dict(event_id="e1", grid_code="g1", reported_date=d("2022-12-02")),
                                       dict(event_id="e2", grid_code="g2", reported_date=d("2022-12-03"))])
    assert main(["grids", "--period", "2022-12", "--district", "Y", "--store", str(city_store.path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [g["grid_code"] for g in out["grids"]] == ["g2"]


def test_the_city_notice(city_store, tmp_path, capsys):
    from render import city_report

    defs = dict(DEFS, board_size=1)
    n = city_report.build(city_store.state(), DEC, defs, D)
    assert n.title.startswith("全市平安晾晒通报") and list(n.districts["district_code"]) == ["X", "Y"]
    assert list(n.honour["town_name"]) == ["甲区"] and list(n.shame["town_name"]) == ["乙县"]
    # overdue as of 12-31: X's h2 (16 days) and Y's h6 (21 days), listed district by district
    assert list(zip(n.overdue["district_name"], n.overdue["hazard_id"])) == [("甲区", "h2"), ("乙县", "h6")]
    text = city_report.summary_text(n)
    assert "全市共发现隐患问题 8 个" in text and "2 个区县" in text
    out = tmp_path / "全市通报.xlsx"
    assert main(["report", "--period", "2022-12", "--as-of", "2022-12-31", "--out", str(out),
                 "--store", str(city_store.path)]) == 0
    assert "全市平安晾晒通报" in capsys.readouterr().out
    import openpyxl
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["通报说明", "区县排名", "区县红黑榜", "红色镇街", "逾期清单"]
    assert [c.value for c in book["区县排名"][1]][:3] == ["排名", "较上期", "区县"]
    pdf = tmp_path / "乙县.pdf"
    assert main(["report", "--period", "2022-12", "--as-of", "2022-12-31", "--out", str(pdf), "--scope", "乙县",
                 "--store", str(city_store.path)]) == 0
    assert pdf.read_bytes()[:4] == b"%PDF"


def test_a_district_is_seen_as_of_the_citys_now(store, capsys):
    # Y's last date is 12-20 (h5 found); X's h3 is rectified on 12-20 too — add X's closing on 12-28 so the city's
    # now is later than Y's own
    commit(store, "districts", DISTRICTS)
    commit(store, "towns", TOWNS)
    commit(store, "hazards", [h for h in HAZARDS if h["town_code"] in ("C", "E")]
           + [dict(hazard_id="x1", town_code="A", found_date=d("2022-12-01"), closed_date=d("2022-12-28"),
                   rectified_date=d("2022-12-27"))])
    assert main(["metrics", "--period", "2022-12", "--district", "Y", "--store", str(store.path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2022-12-28"
    # as of 12-28, h6 (deadline 12-10) is 18 days overdue
    assert out["district"]["overdue_days_max"] == 18


def test_board_demo_city_makes_the_demo_city_the_stand_in(monkeypatch):
    from board import store as store_mod

    monkeypatch.setenv("BOARD_DEMO", "city")
    assert store_mod.demo_path() == store_mod.demo_city_path()
    monkeypatch.delenv("BOARD_DEMO")
    assert store_mod.demo_path() != store_mod.demo_city_path()


def test_a_districts_notice_map_holds_its_own_towns(city_store):
    from render import report

    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"town_code": c, "town_name": n}, "geometry": None}
        for c, n in (("A", "城关镇"), ("B", "乙街道"), ("C", "城关镇"), ("E", "东镇"))]}
    own = report._own_towns(doc, db.connect(city_store.state(), districts=("Y",)))
    assert [f["properties"]["town_code"] for f in own["features"]] == ["C", "E"]


def test_a_districts_grids_are_seen_as_of_the_citys_now(city_store, capsys):
    commit(city_store, "grids", [dict(grid_code="g1", grid_name="一网格", town_code="A"),
                                 dict(grid_code="g2", grid_name="二网格", town_code="C")])
    commit(city_store, "grid_events", [dict(event_id="e1", grid_code="g1", reported_date=d("2022-12-20")),
                                       dict(event_id="e2", grid_code="g2", reported_date=d("2022-12-03"))])
    assert main(["grids", "--period", "2022-12", "--district", "Y", "--store", str(city_store.path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2022-12-20"   # X's event, not Y's own last one


def test_a_hostile_district_name_or_colour_reaches_no_html_unescaped():
    from render import charts, format as fmt, meeting_charts as mc

    evil = '<img src="http://example.com/x.png" onerror="alert(1)">'
    for out in (charts.legend_html([(evil, "#123456"), ("甲区", 'red;background:url(http://example.com/y)')]),
                mc.district_legend_html([(evil, "#123456"), ("乙县", "url(http://example.com/z)")])):
        assert "<img" not in out and "&lt;img" in out and "http://example.com/y" not in out \
            and "http://example.com/z" not in out
    assert fmt.colour("#c62828") == "#c62828" and fmt.colour("rgb(1, 2, 3)") == "rgb(1, 2, 3)"
    assert fmt.colour("red;x:y") == "#888888"
