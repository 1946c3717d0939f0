"""Every metric of DESIGN §3 against a ledger small enough to count by hand."""

from datetime import timedelta

import pandas as pd
import pytest

from board import db, definitions as defs, metrics
from board.metrics import Period, parse_period
from conftest import commit, d

TOWNS = [
    {"town_code": "A", "town_name": "甲镇", "population": 10000},
    {"town_code": "B", "town_name": "乙街道", "population": 20000},
    {"town_code": "C", "town_name": "丙园区", "population": 5000},
]

# Period 2022-12, as of D = 2022-12-31.
HAZARDS = [
    # A: rectified and closed in time, aired
    dict(hazard_id="h1", town_code="A", unit_name="甲厂", category="消防安全", found_date=d("2022-12-01"),
         deadline=d("2022-12-10"), rectified_date=d("2022-12-05"), closed_date=d("2022-12-08"), notice_no=3),
    # A: rectified after its deadline (due, not on time, not overdue)
    dict(hazard_id="h2", town_code="A", found_date=d("2022-12-02"), deadline=d("2022-12-20"),
         rectified_date=d("2022-12-25")),
    # A: deadline on the as-of day: due, but not yet overdue
    dict(hazard_id="h3", town_code="A", unit_name="甲厂", category="消防安全", found_date=d("2022-12-03"),
         deadline=d("2022-12-31")),
    # A: open past its deadline: overdue by 16 days, aired
    dict(hazard_id="h4", town_code="A", found_date=d("2022-12-04"), deadline=d("2022-12-15"), notice_no=3),
    # A: found last month, still overdue: only in the backlog
    dict(hazard_id="h5", town_code="A", found_date=d("2022-11-20"), deadline=d("2022-11-30")),
    # A: rectified after D: not rectified as of D; deadline after D: not due
    dict(hazard_id="h6", town_code="A", found_date=d("2022-12-06"), deadline=d("2023-01-10"),
         rectified_date=d("2023-01-02")),
    # B: closed 12-19, and the same unit and category found again 12-28: recurred
    dict(hazard_id="h7", town_code="B", unit_name="乙店", category="燃气安全", found_date=d("2022-12-10"),
         deadline=d("2022-12-20"), rectified_date=d("2022-12-18"), closed_date=d("2022-12-19")),
    dict(hazard_id="h8", town_code="B", unit_name="乙店", category="燃气安全", found_date=d("2022-12-28")),
]
INSPECTIONS = [
    dict(inspection_id="i1", date=d("2022-12-05"), town_code="A", points_checked=10, hazards_found=2),
    dict(inspection_id="i2", date=d("2022-11-30"), town_code="A", points_checked=99, hazards_found=9),
    dict(inspection_id="i3", date=d("2022-12-31"), town_code="B", points_checked=5, hazards_found=0),
]
D = d("2022-12-31")
DEC = parse_period("2022-12")


@pytest.fixture
def ledger_store(store):
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    commit(store, "inspections", INSPECTIONS)
    return store


def rows(store, period=DEC, as_of=D, at=None):
    df = metrics.ledger(db.connect(store.state(at)), period, as_of)
    df = df.set_index(df["town_code"].fillna("district"))
    return df


def test_town_a_counts_and_rates(ledger_store):
    a = rows(ledger_store).loc["A"]
    # cohort h1 h2 h3 h4 h6 (h5 was found in November)
    assert a.found == 5
    assert a.rectified == 2 and a.rectification_rate == pytest.approx(2 / 5)   # h1 h2; h6 after D
    assert a.closed == 1 and a.closure_rate == pytest.approx(1 / 5)            # h1
    assert a.due == 4                                                          # h1 h2 h3 (deadline = D) h4
    assert a.on_time == 1 and a.on_time_rate == pytest.approx(1 / 4)           # h1 only
    assert a.overdue == 1 and a.overdue_days_total == 16 and a.overdue_days_max == 16  # h4: 12-31 − 12-15
    assert a.overdue_per_10k == pytest.approx(1.0)                             # 1 × 10000 / 10000
    assert a.backlog_overdue == 2                                              # h4 and November's h5
    assert a.recurred == 0 and a.recurrence_rate == 0.0                        # h3 was found before h1 closed
    assert a.aired == 2 and a.aired_closed == 1 and a.aired_closure_rate == pytest.approx(0.5)
    assert a.points_checked == 10 and a.hazards_found_by_inspection == 2       # i2 is November's


def test_deadline_on_the_as_of_day_is_due_but_not_overdue(ledger_store):
    a = rows(ledger_store, as_of=d("2022-12-31")).loc["A"]
    b = rows(ledger_store, as_of=d("2023-01-01")).loc["A"]
    # h3's deadline is 12-31: on that day it is due, not overdue; a day later it is overdue
    assert (a.due, a.overdue) == (4, 1)
    assert (b.due, b.overdue) == (4, 2)


def test_recurrence_in_town_b_and_district(ledger_store):
    df = rows(ledger_store)
    b = df.loc["B"]
    assert (b.found, b.rectified, b.closed, b.due, b.on_time) == (2, 1, 1, 1, 1)
    assert b.recurred == 1 and b.recurrence_rate == 1.0     # h8 found 9 days after h7 closed
    assert b.aired == 0 and pd.isna(b.aired_closure_rate)   # nothing aired: empty, not 0 or 100 %
    dist = df.loc["district"]
    assert dist.is_district and dist.town_name == "全区"
    assert (dist.found, dist.rectified, dist.closed, dist.due, dist.on_time) == (7, 3, 2, 5, 2)
    assert dist.rectification_rate == pytest.approx(3 / 7)
    assert dist.on_time_rate == pytest.approx(2 / 5)
    assert dist.recurrence_rate == pytest.approx(1 / 2)
    assert (dist.overdue, dist.backlog_overdue, dist.points_checked) == (1, 2, 15)
    assert dist.population == 35000


def test_town_without_hazards_has_empty_rates(ledger_store):
    c = rows(ledger_store).loc["C"]
    assert c.found == 0 and c.overdue == 0
    for rate in metrics.RATES:
        assert pd.isna(c[rate]), rate


def test_later_batch_replaces_hazard_by_id(ledger_store):
    # h4 re-exported a batch later: rectified on 12-30, so no longer overdue
    fixed = dict(HAZARDS[3], rectified_date=d("2022-12-30"))
    commit(ledger_store, "hazards", [fixed], "hazards-later.csv")
    a = rows(ledger_store).loc["A"]
    assert a.found == 5                      # replaced, not added
    assert (a.rectified, a.overdue, a.backlog_overdue) == (3, 0, 1)
    assert a.on_time == 1                    # 12-30 is after h4's deadline 12-15


def test_rollback_restores_the_earlier_figures(ledger_store):
    before = rows(ledger_store)
    fixed = dict(HAZARDS[3], rectified_date=d("2022-12-30"))
    batch = commit(ledger_store, "hazards", [fixed], "hazards-later.csv")
    assert rows(ledger_store).loc["A"].rectified == 3
    ledger_store.rollback(batch, "tester")
    pd.testing.assert_frame_equal(rows(ledger_store), before)


def test_as_of_an_earlier_batch(ledger_store):
    seq_before = ledger_store.version()
    commit(ledger_store, "hazards", [dict(HAZARDS[3], rectified_date=d("2022-12-30"))], "later.csv")
    assert rows(ledger_store, at=seq_before).loc["A"].rectified == 2
    assert rows(ledger_store).loc["A"].rectified == 3


@pytest.mark.parametrize("gap, counted", [(60, True), (61, False), (0, False)])
def test_recurrence_at_60_and_61_days(store, gap, counted):
    closed = d("2022-01-01")
    again = closed + timedelta(days=gap)
    commit(store, "towns", TOWNS[:1])
    commit(store, "hazards", [
        dict(hazard_id="x1", town_code="A", unit_name="丁厂", category="危化品", found_date=closed,
             rectified_date=closed, closed_date=closed),
        dict(hazard_id="x2", town_code="A", unit_name="丁厂", category="危化品", found_date=again),
    ])
    a = rows(store, parse_period("2022-01"), as_of=d("2022-12-31")).loc["A"]
    assert a.recurred == (1 if counted else 0)


def test_recurrence_needs_a_unit_name_and_the_same_category(store):
    commit(store, "towns", TOWNS[:1])
    commit(store, "hazards", [
        dict(hazard_id="y1", town_code="A", unit_name=None, category="危化品", found_date=d("2022-01-01"),
             rectified_date=d("2022-01-01"), closed_date=d("2022-01-02")),
        dict(hazard_id="y2", town_code="A", unit_name=None, category="危化品", found_date=d("2022-01-10")),
        dict(hazard_id="y3", town_code="A", unit_name="戊店", category="消防安全", found_date=d("2022-01-01"),
             rectified_date=d("2022-01-01"), closed_date=d("2022-01-02")),
        dict(hazard_id="y4", town_code="A", unit_name="戊店", category="燃气安全", found_date=d("2022-01-10")),
    ])
    assert rows(store, parse_period("2022-01"), as_of=d("2022-03-31")).loc["A"].recurred == 0


def test_default_as_of_is_latest_ledger_date_not_deadline(ledger_store):
    con = db.connect(ledger_store.state())
    # latest found/rectified/closed is h6's rectification 2023-01-02; h6's deadline 2023-01-10 does not count
    assert metrics.default_as_of(con) == d("2023-01-02")


@pytest.mark.parametrize("text, start, end", [
    ("2022-12", "2022-12-01", "2022-12-31"), ("2022-Q4", "2022-10-01", "2022-12-31"),
    ("2022-H2", "2022-07-01", "2022-12-31"), ("2022", "2022-01-01", "2022-12-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
])
def test_periods(text, start, end):
    p = parse_period(text)
    assert (p.start, p.end, p.code) == (d(start), d(end), text)


def test_previous_and_year_earlier_periods():
    assert parse_period("2023-01").previous().code == "2022-12"
    assert parse_period("2023-Q1").previous().code == "2022-Q4"
    assert parse_period("2023-H1").previous().code == "2022-H2"
    assert parse_period("2023").previous().code == "2022"
    assert parse_period("2023-Q2").year_earlier().code == "2022-Q2"


@pytest.mark.parametrize("bad", ["2022-13", "22-12", "2022Q5", "十二月", ""])
def test_bad_period_is_a_chinese_error(bad):
    with pytest.raises(ValueError, match="统计期"):
        parse_period(bad)


# -- composite index, rank, tier ------------------------------------------------------

TWO = {"components": [
    {"code": "rectification_rate", "name": "整改率", "source": "ledger", "direction": "higher", "weight": 60},
    {"code": "overdue_per_10k", "name": "每万人逾期", "source": "ledger", "direction": "lower", "weight": 40},
], "tiers": {"green": 70, "yellow": 50}}


def test_scores_ranks_ties_and_tiers():
    values = pd.DataFrame({
        "rectification_rate": [1.0, 0.5, 0.5, 0.0],
        "overdue_per_10k": [2.0, 1.0, 1.0, 0.0],
    }, index=["P", "Q", "R", "S"])
    towns, comps = metrics.composite(values, TWO)
    # rectification scores 100, 50, 50, 0; overdue (lower better) 0, 50, 50, 100
    # P = .6×100 + .4×0 = 60; Q = R = .6×50 + .4×50 = 50; S = .6×0 + .4×100 = 40
    assert towns["score"].tolist() == pytest.approx([60, 50, 50, 40])
    assert towns["rank"].tolist() == [1, 2, 2, 4]            # Q and R tie and share rank 2
    assert towns["tier"].tolist() == ["yellow", "yellow", "yellow", "red"]
    assert towns.loc["P", "pulled_down"] == ["overdue_per_10k"]
    assert towns.loc["S", "pulled_down"] == ["rectification_rate"]
    p = comps[(comps.town_code == "P") & (comps.code == "overdue_per_10k")].iloc[0]
    assert p.shortfall == pytest.approx(40)                   # 40 index points lost to overdue


def test_empty_component_drops_out_and_weights_renormalise():
    values = pd.DataFrame({"rectification_rate": [1.0, 0.0, float("nan")],
                           "overdue_per_10k": [0.0, 0.0, 5.0]}, index=["P", "Q", "R"])
    towns, _ = metrics.composite(values, TWO)
    # overdue: 100, 100, 0. R has no rectification rate, so its index is its overdue score alone
    assert towns.loc["P", "score"] == pytest.approx(100)
    assert towns.loc["Q", "score"] == pytest.approx(40)       # .6×0 + .4×100
    assert towns.loc["R", "score"] == pytest.approx(0)


def test_all_equal_component_scores_100_and_no_data_has_no_rank():
    values = pd.DataFrame({"rectification_rate": [0.5, 0.5, float("nan")],
                           "overdue_per_10k": [1.0, 1.0, float("nan")]}, index=["P", "Q", "R"])
    towns, _ = metrics.composite(values, TWO)
    assert towns.loc["P", "score"] == 100 and towns.loc["Q", "score"] == 100
    assert towns["rank"].tolist()[:2] == [1, 1]
    assert pd.isna(towns.loc["R", "score"]) and pd.isna(towns.loc["R", "rank"]) and towns.loc["R", "tier"] is None


def test_board_metrics_json_shape_and_rank_change(ledger_store):
    # B also has a November hazard, overdue since 11-10 (backlog only, not in December's cohort)
    commit(ledger_store, "hazards", [dict(hazard_id="h9", town_code="B", found_date=d("2022-11-05"),
                                          deadline=d("2022-11-10"))], "november.csv")
    con = db.connect(ledger_store.state())
    out = metrics.board_metrics(con, DEC, D, TWO)
    assert out["period"] == "2022-12" and out["as_of"] == "2022-12-31"
    assert out["district"]["found"] == 7
    towns = {t["town_code"]: t for t in out["towns"]}
    # A: rect .4, overdue/10k 1.0; B: rect .5, overdue 0; C found nothing in December: no data, so it is
    # neither scored nor allowed to rank first on its 0 overdue (it used to share rank 1 with B)
    # rect scores A 0, B 100; overdue A 0, B 100 → A 0, B 100
    assert towns["B"]["score"] == pytest.approx(100) and towns["B"]["rank"] == 1
    assert towns["A"]["score"] == pytest.approx(0) and towns["A"]["rank"] == 2
    assert towns["C"]["score"] is None and towns["C"]["rank"] == 3 and towns["C"]["tier"] is None
    assert towns["C"]["has_data"] is False and towns["C"]["rank_change"] is None
    assert towns["C"]["rectification_rate"] is None
    # like for like: November as of 11-30 (= 11-30 + (12-31 − 12-31)), not recounted as of 12-31.
    # h5 (A, deadline 11-30) is due on 11-30 but not yet overdue; h9 (B, deadline 11-10) is overdue.
    # rect A 0/1, B 0/1 (tie: both 100); overdue/10k A 0, B 1 × 10000 / 20000 = 0.5 → A 100, B 0
    # → A = 60 + 40 = 100, B = 60 + 0 = 60: November ranks A 1, B 2 (C no data)
    # December ranks B 1, A 2 → B moved up one (2 − 1), A down one (1 − 2)
    assert (towns["B"]["rank_change"], towns["A"]["rank_change"]) == (1, -1)
    assert out["previous"]["period"] == "2022-11" and out["previous"]["as_of"] == "2022-11-30"
    assert out["previous"]["district"]["found"] == 2 and out["previous"]["district"]["overdue"] == 1  # h9
    assert out["previous"]["district"] == metrics.board_metrics(con, parse_period("2022-11"), d("2022-11-30"),
                                                                TWO)["district"]
    assert out["district"]["backlog_overdue"] == 3           # h4, h5, h9
    # the backlog from earlier periods: A h5 overdue 12-31 − 11-30 = 31 days; B h9 12-31 − 11-10 = 51 days
    assert (towns["A"]["earlier_overdue"], towns["A"]["earlier_overdue_days_max"]) == (1, 31)
    assert (towns["B"]["earlier_overdue"], towns["B"]["earlier_overdue_days_max"]) == (1, 51)
    assert (towns["C"]["earlier_overdue"], towns["C"]["earlier_overdue_days_max"]) == (0, None)
    assert towns["B"]["earlier_overdue_per_10k"] == pytest.approx(0.5)  # 1 × 10000 / 20000
    assert set(towns["A"]) >= {"town_code", "town_name", "score", "rank", "rank_change", "tier", "group",
                               "group_rank", *metrics.METRICS}
    assert set(out["previous"]["district"]) == set(out["district"])


def test_hazard_found_after_the_as_of_date_is_not_yet_in_the_cohort(ledger_store):
    a = rows(ledger_store, as_of=d("2022-12-05")).loc["A"]
    # known on 12-05: h1..h4 (h6 was found 12-06); h1 rectified 12-05; inspection i1 on 12-05 counts
    assert (a.found, a.rectified, a.points_checked) == (4, 1, 10)
    b = rows(ledger_store, as_of=d("2022-12-05")).loc["B"]
    assert b.found == 0 and b.points_checked == 0            # h7 found 12-10; i3 dated 12-31


def test_district_per_capita_needs_every_population(store):
    commit(store, "towns", [dict(TOWNS[0]), {"town_code": "N", "town_name": "无人口镇"}])
    commit(store, "hazards", [dict(HAZARDS[3])])                 # h4: A, overdue on D
    df = rows(store)
    assert df.loc["A"].overdue_per_10k == pytest.approx(1.0)
    assert pd.isna(df.loc["N"].overdue_per_10k)                # no population, no per-capita figure
    assert pd.isna(df.loc["district"].population) and pd.isna(df.loc["district"].overdue_per_10k)


# -- the fast path: ledger_rollup's month sums ---------------------------------------------


def both_paths(con, query, period, as_of):
    slow = db.run(con, query, start=period.start, end=period.end, as_of=as_of, fast=False)
    fast = db.run(con, query, start=period.start, end=period.end, as_of=as_of, fast=True)
    return slow, fast


def test_rollup_applies_only_as_of_its_own_date(ledger_store):
    con = db.connect(ledger_store.state())
    now = metrics.default_as_of(con)
    assert now == d("2023-01-02")  # h6's rectified date, the ledger's latest
    assert metrics.rollup_applies(con, now)
    assert not metrics.rollup_applies(con, D)


@pytest.mark.parametrize("materialise", [False, True])
def test_rollup_gives_the_same_figures_as_counting_the_hazards(ledger_store, materialise):
    con = db.connect(ledger_store.state(), materialise=materialise)
    now = metrics.default_as_of(con)
    for code in ("2022-11", "2022-12", "2023-01", "2022-Q4", "2022-H2", "2022", "2023", "2021-05"):
        for query in ("ledger_metrics", "department_metrics"):
            slow, fast = both_paths(con, query, parse_period(code), now)
            pd.testing.assert_frame_equal(slow, fast, obj=f"{query} {code}")
    # hand-counted as of 2023-01-02: A's December rectified h1 h2 h6 (on 01-02); overdue h3 (deadline
    # 12-31 has now passed) and h4; the backlog adds November's h5
    dec = metrics.ledger(con, DEC, now).set_index("town_code")
    assert (dec.loc["A", "rectified"], dec.loc["A", "overdue"], dec.loc["A", "backlog_overdue"]) == (3, 2, 3)
    assert dec.loc["A", "overdue_days_max"] == 18  # h4: deadline 12-15 → 01-02


def test_rollup_equals_counting_on_every_demo_period():
    from tools import demo_store
    from board.store import Store

    store = Store(demo_store.ensure())
    con = db.connect(store.state(), materialise=True)
    now = metrics.default_as_of(con)
    first = db.run(con, "ledger_months")
    periods = {metrics.period_of(pd.Timestamp(m).date(), kind)
               for m in pd.date_range("2023-11-01", now, freq="MS") for kind in ("month", "quarter", "year")}
    assert len(periods) > 40
    for p in sorted(periods, key=str):
        for query in ("ledger_metrics", "department_metrics"):
            slow, fast = both_paths(con, query, p, now)
            pd.testing.assert_frame_equal(slow, fast, obj=f"{query} {p}")


def test_the_same_ledger_gives_the_same_index_to_the_last_digit():
    # float sums in parallel threads once moved scores in the 14th digit from one run to the next
    from tools import demo_store
    from board.store import Store

    store = Store(demo_store.ensure())
    year = parse_period("2025")
    runs = [metrics.board_metrics(db.connect(store.state()), year, None, defs.load(store, store.state()))
            for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
