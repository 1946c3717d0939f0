"""The grid level (issue 14) against grids and events small enough to count by hand: the datasets through the
normal ingest, every grid metric per grid, town and district, the star rule, 升降星 like for like."""

import json
import pandas as pd
import pytest

from board import cli, db, definitions as defs, grids
from board.ingest import ingest
from board.metrics import parse_period
from conftest import commit, d

TOWNS = [{"town_code": "A", "town_name": "甲镇"}, {"town_code": "B", "town_name": "乙镇"}]
GRIDS = [
    {"grid_code": "g1", "grid_name": "一网格", "town_code": "A", "worker": "张三", "households": 400},
    {"grid_code": "g2", "grid_name": "二网格", "town_code": "A", "worker": "李四", "households": 500},
    {"grid_code": "g6", "grid_name": "六网格", "town_code": "A", "worker": "孙七", "households": 300},
    {"grid_code": "g3", "grid_name": "三网格", "town_code": "B", "worker": "王五"},  # households unknown
    {"grid_code": "g4", "grid_name": "四网格", "town_code": "B", "worker": "赵六", "households": 200},  # no events
    {"grid_code": "g5", "grid_name": "五网格", "town_code": "B", "worker": "周八", "households": 100},
]


def ev(event_id, grid, reported, deadline=None, closed=None, valid=True):
    return {"event_id": event_id, "grid_code": grid, "reported_date": d(reported),
            "deadline": d(deadline) if deadline else None, "closed_date": d(closed) if closed else None,
            "valid": valid}


EVENTS = [
    # g1, December, seen as of D = 2022-12-31
    ev("e1", "g1", "2022-12-01", "2022-12-10", "2022-12-05"),               # closed on time
    ev("e2", "g1", "2022-12-02", "2022-12-20", "2022-12-25"),               # closed after its deadline
    ev("e3", "g1", "2022-12-03", "2022-12-31", None, valid=False),          # deadline = D: due, not overdue
    ev("e4", "g1", "2022-12-04", "2022-12-15", None, valid=None),           # open past deadline; validity not judged
    ev("e5", "g1", "2022-12-06", "2023-01-10", "2023-01-02"),               # closed after D, not due by D
    ev("e6", "g1", "2022-11-20", "2022-11-30", "2022-11-25"),               # November: not in December's cohort
    # g2: 20 events 12-01…12-20, deadline 12-25; 17 valid, 17 closed on 12-24, 3 open → every rate 17/20
    *[ev(f"f{i:02d}", "g2", f"2022-12-{i + 1:02d}", "2022-12-25", "2022-12-24" if i < 17 else None, valid=i < 17)
      for i in range(20)],
    # g6: 7 events 12-01…12-07, deadline 12-20; 3 valid; 2 closed 12-15 (on time), 4 closed 12-28 (late), 1 open
    *[ev(f"s{i}", "g6", f"2022-12-0{i + 1}", "2022-12-20",
         "2022-12-15" if i < 2 else "2022-12-28" if i < 6 else None, valid=i < 3) for i in range(7)],
    # g3 and g5 alike: 5 events 12-01…12-05, deadline 12-08, closed 12-07 → everything on time (a tie)
    *[ev(f"t{i}", "g3", f"2022-12-0{i + 1}", "2022-12-08", "2022-12-07") for i in range(5)],
    *[ev(f"u{i}", "g5", f"2022-12-0{i + 1}", "2022-12-08", "2022-12-07") for i in range(5)],
    # g3 in January 2023: 5 valid events 01-02…01-06, deadline 01-09, none closed
    *[ev(f"j{i}", "g3", f"2023-01-0{i + 2}", "2023-01-09") for i in range(5)],
]
D = d("2022-12-31")
DEC, JAN = parse_period("2022-12"), parse_period("2023-01")
RULE = defs.load()["grid_stars"]


@pytest.fixture
def grid_store(store):
    commit(store, "towns", TOWNS)
    commit(store, "grids", GRIDS)
    commit(store, "grid_events", EVENTS)
    return store


def counts(store, period=DEC, as_of=D, at=None):
    df = grids.counted(db.connect(store.state(at)), period, as_of)
    return df.set_index(df["grid_code"].fillna(df["town_code"]).fillna("district"))


def rated(store, period=DEC, as_of=D):
    return grids.rated(db.connect(store.state()), period, as_of, defs.load()).set_index("grid_code")


# -- the metrics ------------------------------------------------------------------------


def test_grid_counts_and_rates(grid_store):
    g = counts(grid_store).loc["g1"]
    assert g.events == 5                                              # e1–e5; e6 is November's
    assert g.valid_events == 3 and g.valid_rate == pytest.approx(3 / 5)   # e1 e2 e5; e3 无效, e4 not judged
    assert g.closed == 2 and g.closure_rate == pytest.approx(2 / 5)      # e1 e2; e5 closed after D
    assert g.due == 4                                                 # e1 e2 e3 (deadline = D) e4; e5 after D
    assert g.on_time == 1 and g.on_time_rate == pytest.approx(1 / 4)     # e1 only; e2 closed late
    assert g.overdue == 1                                             # e4; e3's deadline is D itself
    assert g.events_per_1k_households == pytest.approx(12.5)          # 5 × 1000 / 400


def test_a_grid_with_no_events_has_its_row_and_empty_rates(grid_store):
    g = counts(grid_store).loc["g4"]
    assert (g.events, g.valid_events, g.closed, g.due, g.on_time, g.overdue) == (0, 0, 0, 0, 0, 0)
    assert pd.isna(g.valid_rate) and pd.isna(g.closure_rate) and pd.isna(g.on_time_rate)
    assert g.events_per_1k_households == 0.0                          # 0 × 1000 / 200
    r = rated(grid_store).loc["g4"]
    assert pd.isna(r.score) and r.stars == 1                          # no events: no score, 1 star


def test_town_and_district_rows_sum_their_grids(grid_store):
    c = counts(grid_store)
    a, b, dist = c.loc["A"], c.loc["B"], c.loc["district"]
    assert a.events == 32 and a.valid_events == 23                    # g1 5 + g2 20 + g6 7; 3 + 17 + 3
    assert a.closed == 25 and a.due == 31 and a.on_time == 20 and a.overdue == 5  # 2+17+6, 4+20+7, 1+17+2, 1+3+1
    assert a.closure_rate == pytest.approx(25 / 32) and a.on_time_rate == pytest.approx(20 / 31)
    assert a.households == 1200 and a.events_per_1k_households == pytest.approx(32 * 1000 / 1200)
    assert b.events == 10 and b.on_time == 10 and b.overdue == 0      # g3 5 + g4 0 + g5 5
    assert pd.isna(b.households) and pd.isna(b.events_per_1k_households)  # g3 lists no households
    assert dist.events == 42 and dist.valid_events == 33 and dist.closed == 35  # 32 + 10, 23 + 10, 25 + 10
    assert dist.due == 41 and dist.on_time == 30 and dist.overdue == 5
    assert dist.valid_rate == pytest.approx(33 / 42) and pd.isna(dist.events_per_1k_households)


def test_events_reported_after_the_as_of_date_are_not_known(grid_store):
    g = counts(grid_store, as_of=d("2022-12-03")).loc["g1"]
    assert g.events == 3                                              # e1 e2 e3; e4 (12-04) not yet reported
    assert g.closed == 0 and g.due == 0                               # e1 closed 12-05, its deadline 12-10
    assert pd.isna(g.on_time_rate)


def test_a_quarter_counts_its_three_months(grid_store):
    g = counts(grid_store, parse_period("2022-Q4")).loc["g1"]
    assert g.events == 6 and g.closed == 3                            # e1–e6; e6 closed 11-25


def test_a_later_grids_upload_moves_a_grid_and_its_events_to_another_town(grid_store):
    batch = commit(grid_store, "grids", [dict(GRIDS[1], town_code="B")], name="grids-later.csv")
    c = counts(grid_store)
    assert c.loc["g2"].town_code == "B"
    assert c.loc["A"].events == 12 and c.loc["B"].events == 30         # A: 5 + 7; B: 5 + 0 + 5 + g2's 20
    assert c.loc["A"].households == 700                               # 400 + 300
    assert rated(grid_store).loc["g2"].town_code == "B"
    grid_store.rollback(batch, "tester")
    assert counts(grid_store).loc["A"].events == 32                   # rolled back: g2 is A's again


# -- the star rule ----------------------------------------------------------------------


def test_the_shipped_rule_is_valid():
    assert grids.rule_problems(RULE) == []
    assert grids.rule_problems(dict(RULE, thresholds={"5": 80, "4": 85, "3": 70, "2": 50}))  # 5★ below 4★


def test_stars_per_grid_in_december(grid_store):
    r = rated(grid_store)
    # g1: 30×3/5 + 30×2/5 + 40×1/4 = 18 + 12 + 10 = 40 < 50 → 1★
    assert r.loc["g1"].score == pytest.approx(40) and r.loc["g1"].stars == 1
    # g2: every rate 17/20 → 85 exactly, on the 4★ threshold → 4★ (17 valid events ≥ 5)
    assert r.loc["g2"].score == 85 and r.loc["g2"].stars == 4
    # g3, g5: every rate 1 → 100 → 5★
    assert r.loc["g3"].stars == 5 and r.loc["g5"].stars == 5


def test_a_score_exactly_on_a_threshold_gets_that_star_despite_float_arithmetic(grid_store):
    r = rated(grid_store).loc["g6"]
    # g6: 30×3/7 + 30×6/7 + 40×2/7 = (90 + 180 + 80)/7 = 50 exactly; in floating point 49.99999999999999
    assert r.score == 50
    assert r.stars == 2


def test_fewer_valid_events_than_the_minimum_caps_the_stars():
    row = pd.DataFrame([{"valid_rate": 1.0, "closure_rate": 1.0, "on_time_rate": 1.0}])
    score = grids.scores(row, RULE).iloc[0]
    assert score == 100
    assert grids.stars_of(score, 5, RULE) == 5                        # 5 valid events: the minimum
    assert grids.stars_of(score, 4, RULE) == 2                        # 4 < 5: at most 2★


def test_an_empty_rate_drops_out_and_the_other_weights_grow():
    row = pd.DataFrame([{"valid_rate": 1.0, "closure_rate": 0.5, "on_time_rate": None}])
    assert grids.scores(row, RULE).iloc[0] == pytest.approx(75)       # (30×1 + 30×0.5) / 60 × 100


def test_ties_share_stars_and_rank_in_the_town_league(grid_store):
    league = grids.town_league(rated(grid_store).reset_index(), "B")
    assert list(league["grid_code"]) == ["g3", "g5", "g4"]
    assert list(league["rank"]) == [1, 1, 3]                          # g3 and g5: 100 each, 5★ each


def test_star_distribution_per_town(grid_store):
    dist = grids.town_stars(rated(grid_store).reset_index(), pd.DataFrame(TOWNS)).set_index("town_code")
    # A: g1 1★, g6 2★, g2 4★; B: g4 1★, g3 5★, g5 5★
    assert list(dist.loc["A", [f"stars_{s}" for s in range(1, 6)]]) == [1, 1, 0, 1, 0]
    assert list(dist.loc["B", [f"stars_{s}" for s in range(1, 6)]]) == [1, 0, 0, 0, 2]
    assert dist.loc["A", "grids"] == 3 and dist.loc["B", "grids"] == 3


# -- 升降星 ------------------------------------------------------------------------------


def test_same_age_across_a_year_end():
    assert grids.same_age(JAN, d("2023-01-31")) == (DEC, d("2022-12-31"))
    assert grids.same_age(JAN, d("2023-01-10")) == (DEC, d("2022-12-10"))    # 21 days before the month end
    assert grids.same_age(parse_period("2023-03"), d("2023-04-05")) == (parse_period("2023-02"), d("2023-03-05"))


def test_star_change_across_a_year_end_at_the_month_end(grid_store):
    r = rated(grid_store, JAN, d("2023-01-31"))
    # January: g3 5 valid, 0 closed, 5 due, 0 on time → 30×1 = 30 → 1★; the rest have no events → 1★
    assert list(r.loc[["g1", "g2", "g3", "g4", "g5", "g6"], "stars"]) == [1] * 6
    # December as of 12-31: 1, 4, 5, 1, 5, 2
    assert list(r.loc[["g1", "g2", "g3", "g4", "g5", "g6"], "previous_stars"]) == [1, 4, 5, 1, 5, 2]
    assert list(r.loc[["g1", "g2", "g3", "g4", "g5", "g6"], "star_change"]) == [0, -3, -4, 0, -4, -1]
    fell = grids.moved(r.reset_index(), fell_by=2)
    assert list(fell["grid_code"]) == ["g3", "g5", "g2"]               # −4, −4, −3


def test_star_change_compares_like_for_like_mid_month(grid_store):
    r = rated(grid_store, JAN, d("2023-01-10"))
    # December seen as of 12-10, not 12-31:
    # g1: e1–e5 known, 3 valid, closed e1 only, due e1 only (on time) → 18 + 6 + 40 = 64 → 2★ (3 valid: cap 2)
    assert r.loc["g1"].previous_stars == 2 and r.loc["g1"].star_change == -1   # January: no events, 1★
    # g2: f00–f09 known, all valid, none closed, none due → (30 + 0) / 60 = 50 → 2★
    assert r.loc["g2"].previous_stars == 2
    # g3: January as of 01-10: 5 due (01-09), none closed → 30 → 1★; December as of 12-10: 5★
    assert r.loc["g3"].stars == 1 and r.loc["g3"].star_change == -4
    assert list(grids.moved(r.reset_index(), fell_by=2)["grid_code"]) == ["g3", "g5"]


def test_a_workers_stars_over_twelve_months(grid_store):
    con = db.connect(grid_store.state())
    h = grids.history(lambda p, a: grids.counted(con, p, a), "g3", JAN, d("2023-01-31"), RULE)
    assert list(h["period"])[-2:] == ["2022-12", "2023-01"] and len(h) == 12
    assert list(h["stars"])[-2:] == [5, 1]
    assert list(h["stars"])[:10] == [1] * 10                          # no events Feb–Nov 2022


# -- the command line ----------------------------------------------------------------------


def test_cli_grids_json(grid_store, capsys):
    assert cli.main(["grids", "--period", "2023-01", "--as-of", "2023-01-31", "--store", str(grid_store.path),
                     "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == "2023-01" and out["as_of"] == "2023-01-31"
    assert out["previous"] == {"period": "2022-12", "as_of": "2022-12-31"}
    g3 = next(g for g in out["grids"] if g["grid_code"] == "g3")
    assert {k: g3[k] for k in grids.JSON_FIELDS} == {
        "grid_code": "g3", "grid_name": "三网格", "town_code": "B", "worker": "王五", "events": 5,
        "valid_events": 5, "valid_rate": 1.0, "closed": 0, "closure_rate": 0.0, "due": 5, "on_time": 0,
        "on_time_rate": 0.0, "overdue": 5, "stars": 1, "star_change": -4}
    g4 = next(g for g in out["grids"] if g["grid_code"] == "g4")
    assert g4["valid_rate"] is None and g4["on_time_rate"] is None and g4["stars"] == 1


def test_cli_grids_for_one_town_named_by_name(grid_store, capsys):
    assert cli.main(["grids", "--period", "2022-12", "--town", "甲镇", "--as-of", "2022-12-31",
                     "--store", str(grid_store.path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(g["grid_code"] for g in out["grids"]) == ["g1", "g2", "g6"]
    assert out["towns"][0]["events"] == 32


def test_cli_grids_default_as_of_is_the_events_own_now(grid_store, capsys):
    assert cli.main(["grids", "--period", "2022-12", "--store", str(grid_store.path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2023-01-06"   # j4 reported 01-06; e5 closed 01-02


def test_cli_grids_unknown_town_is_said_in_chinese(grid_store, capsys):
    assert cli.main(["grids", "--period", "2022-12", "--town", "丙镇", "--store", str(grid_store.path)]) == 2
    assert "没有镇街“丙镇”" in capsys.readouterr().err


# -- the datasets through the normal ingest -------------------------------------------------

GRIDS_CSV = "网格编码,网格名称,所属镇街,网格员,户数\ng1,一网格,甲镇,张三,400\ng2,二网格,B,李四,\n"
EVENTS_CSV = ("事件编号,所属网格,上报时间,事件类型,来源,办理时限,办结时间,办理状态,是否有效,上报人\n"
              "e1,g1,2022/12/1,消防,网格员巡查,2022-12-10,2022-12-05,已办结,有效,张三\n"
              "e2,二网格,2022年12月2日,消防,群众上报,2022-12-20,,处置中,无效,李四\n"
              "e3,g2,2022.12.03,燃气,智能感知,2022-12-04,,已超期,,李四\n")


def upload(store, text, name, **kw):
    return ingest(store, text.encode("utf-8"), name, today=d("2023-02-01"), user="tester", **kw)


@pytest.fixture
def uploaded(store):
    commit(store, "towns", TOWNS)
    assert upload(store, GRIDS_CSV, "网格.csv").committed
    report = upload(store, EVENTS_CSV, "事件.csv")
    assert report.committed, report.text()
    assert report.dataset == "grid_events" and report.added == 3
    return store


def test_grids_and_events_load_with_chinese_headers(uploaded):
    c = counts(uploaded)
    assert c.loc["g1"].town_code == "A" and c.loc["g2"].town_code == "B"   # 甲镇 by name, B by code
    assert c.loc["g1"].events == 1 and c.loc["g2"].events == 2             # e2 named its grid 二网格
    assert c.loc["g2"].valid_events == 0                                  # 无效 and empty
    assert c.loc["g2"].overdue == 2                                        # e2 (12-20), e3 (12-04) open at 12-31


def test_an_event_of_an_unknown_grid_is_rejected_and_the_store_unchanged(uploaded):
    before = (uploaded.path / "manifest.json").read_bytes()
    report = upload(uploaded, EVENTS_CSV.replace("e3,g2", "e9,九网格"), "坏.csv")
    assert not report.committed
    assert any("网格不在网格名单中" in p.reason and p.row == 4 for p in report.problems)
    assert (uploaded.path / "manifest.json").read_bytes() == before


def test_closed_before_reported_and_odd_validity_are_rejected(uploaded):
    bad = EVENTS_CSV.replace("2022-12-10,2022-12-05", "2022-12-10,2022-11-05").replace(",无效,", ",也许,")
    reasons = {p.reason for p in upload(uploaded, bad, "坏2.csv").problems}
    assert "办结时间早于上报时间" in reasons and "只能填 是/否 或 有效/无效" in reasons


def test_a_later_events_upload_updates_by_event_id(uploaded):
    report = upload(uploaded, EVENTS_CSV.splitlines()[0] + "\ne3,g2,2022-12-03,燃气,智能感知,2022-12-04,2022-12-30,"
                    "已办结,是,李四\n", "事件-更新.csv")
    assert report.committed and report.updated == 1 and report.added == 0
    g2 = counts(uploaded).loc["g2"]
    assert g2.closed == 1 and g2.valid_events == 1 and g2.overdue == 1   # e3 now closed (late) and valid
    uploaded.rollback(report.batch_id, "tester")
    assert counts(uploaded).loc["g2"].closed == 0                        # rolled back: e3 open again


def test_cli_ingest_takes_the_grid_datasets(store, tmp_path):
    commit(store, "towns", TOWNS)
    f = tmp_path / "网格名单.csv"
    f.write_text(GRIDS_CSV, encoding="gb18030")
    assert cli.main(["ingest", str(f), "--dataset", "grids", "--store", str(store.path)]) == 0
    assert counts(store).loc["A"].households == 400


def test_a_grid_name_two_towns_share_cannot_name_an_event(store):
    commit(store, "towns", TOWNS)
    commit(store, "grids", [dict(GRIDS[0], grid_name="一网格"), dict(GRIDS[3], grid_name="一网格")])
    report = upload(store, "事件编号,所属网格,上报时间\nx1,一网格,2022-12-01\nx2,g3,2022-12-01\n", "x.csv",
                    dataset="grid_events")
    assert not report.committed and [p.row for p in report.problems] == [2]


def test_deadlines_do_not_move_the_default_as_of(grid_store):
    # e5's deadline (2023-01-10) is later than every reported or closed date (latest: j4 on 01-06)
    assert grids.default_as_of(db.connect(grid_store.state())) == d("2023-01-06")
