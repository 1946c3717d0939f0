"""Comparisons like for like (DESIGN §3), ISO weeks, group leagues and towns without data, on ledgers small
enough to count by hand."""

import json
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from board import db, definitions as defs, figures, metrics
from board.metrics import Period, parse_period
from conftest import ROOT, commit, d

# -- like for like: the rule ------------------------------------------------------------


@pytest.mark.parametrize("period, as_of, other, seen", [
    ("2026-10", "2026-10-31", "2026-09", "2026-09-30"),   # D = E: September as of its own end
    ("2026-10", "2026-10-20", "2026-09", "2026-09-19"),   # D − E = −11 (the month still running)
    ("2026-10", "2026-11-15", "2026-09", "2026-10-15"),   # D − E = +15: September 15 days after its end
    ("2026-03", "2026-03-31", "2026-02", "2026-02-28"),   # E′ is February's own end
    ("2026-Q4", "2026-12-31", "2026-Q3", "2026-09-30"),
    ("2026-W44", "2026-10-31", "2026-W43", "2026-10-24"),  # W44 ends 11-01: D − E = −1; W43 ends 10-25
    ("2027-W01", "2027-01-05", "2026-W53", "2026-12-29"),  # W01 ends 01-10: −5; W53 ends 01-03 → 12-29
])
def test_the_previous_period_is_seen_at_the_same_age(period, as_of, other, seen):
    assert metrics.like_for_like(parse_period(period), d(as_of)) == (parse_period(other), d(seen))


def test_the_comparison_is_said_in_chinese():
    assert metrics.comparison_note(parse_period("2026-10"), d("2026-10-31")) == "与上月同口径比较：9月数据截至9月30日"
    assert metrics.comparison_note(parse_period("2026-W44"), d("2026-10-31")) == "与上周同口径比较：第43周数据截至10月24日"
    # January compared with December of the year before names the year
    assert metrics.comparison_note(parse_period("2027-01"), d("2027-01-31")) == \
        "与上月同口径比较：2026年12月数据截至2026年12月31日"


# -- the hand-made ledger of the done-when: 2026-10 against 2026-09 -------------------------

TOWNS = [
    {"town_code": "A", "town_name": "甲镇", "town_type": "镇", "population": 10000},
    {"town_code": "B", "town_name": "乙街道", "town_type": "街道", "population": 10000},
    {"town_code": "C", "town_name": "丙镇", "town_type": "镇", "population": 10000},
]
# No deadlines (nothing due or overdue), nothing closed or aired: of the default index only 整改率 tells the
# towns apart (销号率 all 0 and 每万人逾期 all 0 score 100 each; the rates with no denominator drop out).
HAZARDS = [
    # September
    dict(hazard_id="a1", town_code="A", found_date=d("2026-09-10"), rectified_date=d("2026-09-15")),
    dict(hazard_id="a2", town_code="A", found_date=d("2026-09-20"), rectified_date=d("2026-10-05")),  # after 09-30
    dict(hazard_id="b1", town_code="B", found_date=d("2026-09-05"), rectified_date=d("2026-09-12")),
    dict(hazard_id="b2", town_code="B", found_date=d("2026-09-08"), rectified_date=d("2026-09-25")),
    dict(hazard_id="c1", town_code="C", found_date=d("2026-09-03"), rectified_date=d("2026-09-29")),
    dict(hazard_id="c2", town_code="C", found_date=d("2026-09-04"), rectified_date=d("2026-10-20")),  # after 09-30
    # October
    dict(hazard_id="a3", town_code="A", found_date=d("2026-10-05"), rectified_date=d("2026-10-10")),
    dict(hazard_id="a4", town_code="A", found_date=d("2026-10-25")),
    dict(hazard_id="b3", town_code="B", found_date=d("2026-10-03")),
    dict(hazard_id="b4", town_code="B", found_date=d("2026-10-28")),
    dict(hazard_id="c3", town_code="C", found_date=d("2026-10-02"), rectified_date=d("2026-10-08")),
    dict(hazard_id="c4", town_code="C", found_date=d("2026-10-31"), rectified_date=d("2026-10-31")),  # D = 10-31
]


@pytest.fixture
def two_months(store):
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    return store


def cli(*args, store):
    r = subprocess.run([sys.executable, "-m", "board", *args, "--store", str(store.path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=300,
                       env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_cli_previous_is_september_as_of_its_month_end_and_rank_change_compares_like_for_like(two_months):
    october = cli("metrics", "--period", "2026-10", "--json", store=two_months)
    september = cli("metrics", "--period", "2026-09", "--as-of", "2026-09-30", "--json", store=two_months)
    assert october["as_of"] == "2026-10-31"                    # c4's dates, the ledger's latest
    assert october["previous"] == {"period": "2026-09", "as_of": "2026-09-30", "district": september["district"]}
    # September as of 09-30: 6 found, rectified a1 b1 b2 c1 (a2 and c2 only in October) → 4/6
    assert september["district"]["found"] == 6 and september["district"]["rectified"] == 4
    assert september["district"]["rectification_rate"] == pytest.approx(4 / 6)
    # October: 6 found, rectified a3 c3 c4 → 1/2; the change is 1/2 − 4/6 = −1/6 (recounting September as
    # of 10-31, 6/6, would have made it −1/2)
    assert october["district"]["rectification_rate"] == pytest.approx(0.5)

    now = {t["town_code"]: t for t in october["towns"]}
    then = {t["town_code"]: t for t in september["towns"]}
    # October 整改率: C 2/2, A 1/2, B 0/2 → scores 100, 50, 0 → ranks C 1, A 2, B 3
    # index = (15 × score + 10 × 100 + 15 × 100) / 40: C 100, A 81.25, B 62.5
    assert [now[c]["rank"] for c in "CAB"] == [1, 2, 3]
    assert [now[c]["score"] for c in "CAB"] == pytest.approx([100, 81.25, 62.5])
    # September as of 09-30: B 2/2, A 1/2, C 1/2 → B 1, A 2, C 2 (a tie shares the rank)
    assert [then[c]["rank"] for c in "BAC"] == [1, 2, 2]
    # rank_change = September's rank as of 09-30 − October's: A 2 − 2 = 0, B 1 − 3 = −2, C 2 − 1 = +1
    # (as of 10-31 every town had rectified all of September: all rank 1, and A would have shown ▼1)
    assert {c: now[c]["rank_change"] for c in "ABC"} == {"A": 0, "B": -2, "C": 1}
    for c in "ABC":
        assert now[c]["rank_change"] == then[c]["rank"] - now[c]["rank"]
    # groups: 甲镇 and 丙镇 are 镇乡, 乙街道 街道. In 镇乡 October C 1, A 2; September (A .5, C .5) both 1
    assert {c: (now[c]["group"], now[c]["group_rank"], now[c]["group_rank_change"]) for c in "ABC"} == {
        "A": ("镇乡", 2, -1), "B": ("街道", 1, 0), "C": ("镇乡", 1, 0)}


def test_kpi_changes_compare_with_the_previous_period_at_the_same_age(two_months):
    con = db.connect(two_months.state())
    period, as_of = parse_period("2026-10"), d("2026-10-31")
    before, then = metrics.like_for_like(period, as_of)
    k = figures.kpis(metrics.ledger(con, period, as_of), metrics.ledger(con, before, then)).set_index("metric")
    assert k.loc["rectification_rate", "previous"] == pytest.approx(4 / 6)
    assert k.loc["rectification_rate", "change"] == pytest.approx(0.5 - 4 / 6)   # −16.67 points, not −50


def test_trend_plots_each_period_at_the_same_age(two_months):
    con = db.connect(two_months.state())
    trend = figures.ledger_trend(lambda p, at: metrics.ledger(con, p, at), parse_period("2026-10"),
                                 d("2026-10-31"), n=3)
    assert list(trend["period"]) == ["2026-08", "2026-09", "2026-10"]
    assert list(trend["as_of"]) == [d("2026-08-31"), d("2026-09-30"), d("2026-10-31")]
    assert list(trend["rectification_rate"].iloc[1:]) == pytest.approx([4 / 6, 0.5])
    assert pd.isna(trend["rectification_rate"].iloc[0])        # August found nothing: empty, not 0


def test_a_previous_period_seen_earlier_never_uses_the_rollup(two_months):
    con = db.connect(two_months.state(), materialise=True)
    assert metrics.rollup_applies(con, d("2026-10-31"), parse_period("2026-10"))
    assert not metrics.rollup_applies(con, d("2026-09-30"), parse_period("2026-09"))


def test_demo_previous_and_rank_changes_are_like_for_like():
    from tools import demo_store
    from board.store import Store

    store = Store(demo_store.ensure())
    october = cli("metrics", "--period", "2026-10", "--json", store=store)
    september = cli("metrics", "--period", "2026-09", "--as-of", "2026-09-30", "--json", store=store)
    assert october["previous"] == {"period": "2026-09", "as_of": "2026-09-30", "district": september["district"]}
    then = {t["town_code"]: t["rank"] for t in september["towns"]}
    for t in october["towns"]:
        assert t["rank_change"] == then[t["town_code"]] - t["rank"], t["town_name"]
    # the figures: October 75.52% and 59.64% against September as of 09-30 (78.15%, 64.94%)
    now, before = october["district"], october["previous"]["district"]
    assert round((now["rectification_rate"] - before["rectification_rate"]) * 100, 2) == -2.63
    assert round((now["closure_rate"] - before["closure_rate"]) * 100, 2) == -5.30
    names = {t["town_name"]: t for t in october["towns"]}
    assert then[names["双桥镇"]["town_code"]] == 10 and then[names["明月街道"]["town_code"]] == 8


# -- ISO weeks ------------------------------------------------------------------------------

WEEK_TOWNS = [{"town_code": "A", "town_name": "甲镇", "town_type": "镇", "population": 10000},
              {"town_code": "B", "town_name": "乙街道", "town_type": "街道", "population": 20000}]
WEEK_HAZARDS = [
    # 2026-W40 runs Monday 09-28 to Sunday 10-04: across September and October
    dict(hazard_id="w1", town_code="A", found_date=d("2026-09-28"), deadline=d("2026-10-02"),
         rectified_date=d("2026-10-01")),                                   # on time
    dict(hazard_id="w2", town_code="A", found_date=d("2026-10-04"), deadline=d("2026-10-06")),  # open
    dict(hazard_id="w3", town_code="B", found_date=d("2026-09-30"), deadline=d("2026-10-03"),
         rectified_date=d("2026-10-05"), closed_date=d("2026-10-06")),      # late, closed
    dict(hazard_id="x1", town_code="A", found_date=d("2026-09-27")),          # Sunday of W39
    dict(hazard_id="x2", town_code="B", found_date=d("2026-10-05"), rectified_date=d("2026-10-10")),  # W41
    # 2026-W53 runs Monday 2026-12-28 to Sunday 2027-01-03: across the year end
    dict(hazard_id="y1", town_code="A", found_date=d("2026-12-28"), rectified_date=d("2027-01-02")),
    dict(hazard_id="y2", town_code="B", found_date=d("2027-01-03"), deadline=d("2027-01-10")),
    dict(hazard_id="z1", town_code="A", found_date=d("2026-12-27")),          # Sunday of W52
    dict(hazard_id="z2", town_code="B", found_date=d("2027-01-04")),          # Monday of 2027-W01
]


@pytest.fixture
def weeks(store):
    commit(store, "towns", WEEK_TOWNS)
    commit(store, "hazards", WEEK_HAZARDS)
    return store


def week_rows(store, code, as_of):
    df = metrics.ledger(db.connect(store.state(), materialise=True), parse_period(code), d(as_of))
    return df.set_index(df["town_code"].fillna("district"))


@pytest.mark.parametrize("code, start, end, label", [
    ("2026-W43", "2026-10-19", "2026-10-25", "2026年第43周（10月19日–10月25日）"),
    ("2026-W40", "2026-09-28", "2026-10-04", "2026年第40周（9月28日–10月4日）"),
    ("2026-W53", "2026-12-28", "2027-01-03", "2026年第53周（2026年12月28日–2027年1月3日）"),
    ("2026-W01", "2025-12-29", "2026-01-04", "2026年第1周（2025年12月29日–2026年1月4日）"),
])
def test_iso_weeks(code, start, end, label):
    p = parse_period(code)
    assert (p.start, p.end, p.code, p.label) == (d(start), d(end), code, label)
    assert metrics.period_of(d(start), "week") == p == metrics.period_of(d(end), "week")


def test_week_53_and_its_neighbours():
    w53 = parse_period("2026-W53")
    assert metrics.weeks_in(2026) == 53 and metrics.weeks_in(2025) == 52
    assert w53.shift(1).code == "2027-W01" and w53.previous().code == "2026-W52"
    assert parse_period("2026-W01").previous().code == "2025-W52"
    assert w53.year_earlier().code == "2025-W52"                          # 2025 has no week 53
    assert parse_period("2026-w43") == parse_period("2026W43")
    with pytest.raises(ValueError, match="2025 年没有第 53 周"):
        parse_period("2025-W53")


def test_a_week_across_two_months_counts_its_seven_days(weeks):
    w = week_rows(weeks, "2026-W40", "2026-10-10")
    # cohort w1 (09-28) w2 (10-04) w3 (09-30); x1 (09-27) and x2 (10-05) are other weeks
    assert w.loc["district", "found"] == 3
    assert w.loc["district", "rectified"] == 2            # w1 10-01, w3 10-05
    assert w.loc["district", "closed"] == 1               # w3
    assert w.loc["district", "due"] == 3                  # deadlines 10-02, 10-06, 10-03 ≤ 10-10
    assert w.loc["district", "on_time"] == 1              # w1; w3 rectified after its deadline
    assert w.loc["A", "overdue"] == 1 and w.loc["A", "overdue_days_max"] == 4   # w2: 10-10 − 10-06
    assert w.loc["A", "found"] == 2 and w.loc["B", "found"] == 1
    # x1 (found 09-27, the week before, no deadline) is not overdue: nothing from earlier weeks is
    assert w.loc["A", "earlier_overdue"] == 0


def test_a_week_across_the_year_end_counts_its_seven_days(weeks):
    w = week_rows(weeks, "2026-W53", "2027-01-05")
    # cohort y1 (2026-12-28) y2 (2027-01-03); z1 (12-27) and z2 (01-04) are other weeks
    assert w.loc["district", "found"] == 2
    assert w.loc["district", "rectified"] == 1 and w.loc["district", "rectification_rate"] == 0.5  # y1
    assert w.loc["district", "due"] == 0 and pd.isna(w.loc["district", "on_time_rate"])  # y2 due 01-10
    assert (w.loc["A", "found"], w.loc["B", "found"]) == (1, 1)


def test_the_monthly_rollup_never_answers_a_week(weeks):
    con = db.connect(weeks.state(), materialise=True)
    now = metrics.default_as_of(con)
    assert now == d("2027-01-04")                         # z2, the ledger's latest
    assert metrics.rollup_applies(con, now, parse_period("2026-10"))
    assert not metrics.rollup_applies(con, now, parse_period("2026-W40"))
    w40 = parse_period("2026-W40")
    counted = metrics.ledger(con, w40, now).query("is_district").iloc[0]
    assert counted["found"] == 3                          # w1 w2 w3
    # the month sums would answer October's hazards (w2 and x2) for this week, which is why they may not
    summed = db.run(con, "ledger_metrics", start=w40.start, end=w40.end, as_of=now, fast=True)
    assert summed.query("is_district").iloc[0]["found"] != 3


def test_cli_takes_a_week(weeks):
    out = cli("metrics", "--period", "2026-W53", "--as-of", "2027-01-05", "--json", store=weeks)
    assert out["period"] == "2026-W53" and out["district"]["found"] == 2
    # W52 (12-21 to 12-27) seen as of 12-27 + (01-05 − 01-03) = 12-29: z1 only
    assert out["previous"]["period"] == "2026-W52" and out["previous"]["as_of"] == "2026-12-29"
    assert out["previous"]["district"]["found"] == 1


# -- groups of town types, ties inside a group, towns without data ----------------------------

GROUP_TOWNS = [
    {"town_code": "S1", "town_name": "东街道", "town_type": "街道", "population": 10000},
    {"town_code": "S2", "town_name": "西街道", "town_type": "街道", "population": 10000},
    {"town_code": "S3", "town_name": "南街道", "population": 10000},          # no type: by its name
    {"town_code": "T1", "town_name": "甲镇", "town_type": "镇", "population": 10000},
    {"town_code": "T2", "town_name": "乙乡", "town_type": "乡", "population": 10000},
    {"town_code": "P1", "town_name": "高新园区", "town_type": "园区", "population": 10000},
    {"town_code": "F1", "town_name": "东方农场", "town_type": "农场", "population": 10000},  # no group
    {"town_code": "N1", "town_name": "空镇", "town_type": "镇", "population": 10000},     # no hazards
]
# 整改率 as of 10-31: S1 2/2, S2 1/2, S3 1/2, T1 2/2, T2 0/2, P1 1/2, F1 0/2, N1 none
RECTIFIED = {"S1": 2, "S2": 1, "S3": 1, "T1": 2, "T2": 0, "P1": 1, "F1": 0}
ONE = {"components": [{"code": "rectification_rate", "name": "整改率", "source": "ledger", "direction": "higher",
                       "weight": 100}], "tiers": {"green": 70, "yellow": 50}}


@pytest.fixture
def grouped(store):
    commit(store, "towns", GROUP_TOWNS)
    rows = []
    for code, done in RECTIFIED.items():
        for i in range(2):
            rows.append(dict(hazard_id=f"{code}-{i}", town_code=code, found_date=d("2026-10-0%d" % (i + 1)),
                             rectified_date=d("2026-10-20") if i < done else None))
    commit(store, "hazards", rows)
    return db.connect(store.state())


def league_of(con, definitions):
    towns, comps, _ = metrics.league(con, parse_period("2026-10"), d("2026-10-31"), definitions)
    return towns.set_index("town_code"), comps


def test_group_ranks_share_ties_inside_a_group(grouped):
    towns, _ = league_of(grouped, ONE)
    # scores (0 … 1 → 0 … 100): S1 T1 100; S2 S3 P1 50; T2 F1 0 → ranks 1 1 3 3 3 6 6; N1 no data → 8
    assert towns["rank"].to_dict() == {"S1": 1, "T1": 1, "P1": 3, "S2": 3, "S3": 3, "F1": 6, "T2": 6, "N1": 8}
    assert towns["group"].to_dict() == {"S1": "街道", "S2": "街道", "S3": "街道", "T1": "镇乡", "T2": "镇乡",
                                        "P1": "园区", "F1": "其他", "N1": "镇乡"}
    # 街道: S1 1, S2 and S3 tie at 2; 镇乡: T1 1, T2 2, N1 (no data) after them; 园区 P1 1; 其他 F1 1
    assert towns["group_rank"].to_dict() == {"S1": 1, "S2": 2, "S3": 2, "T1": 1, "T2": 2, "N1": 3, "P1": 1,
                                             "F1": 1}


def test_a_town_type_may_be_regrouped(grouped):
    towns, _ = league_of(grouped, dict(ONE, groups={"城区": ["街道", "园区"], "乡镇": ["镇", "乡", "农场"]}))
    assert set(towns.loc[["S1", "S2", "S3", "P1"], "group"]) == {"城区"}
    # 城区: S1 100 → 1; S2 S3 P1 50 → all 2; 乡镇: T1 1, T2 F1 tie at 2, N1 4
    assert towns.loc[["S1", "S2", "S3", "P1"], "group_rank"].tolist() == [1, 2, 2, 2]
    assert towns.loc[["T1", "T2", "F1", "N1"], "group_rank"].tolist() == [1, 2, 2, 4]


def test_boards_are_in_rank_order_worst_last_overall_and_per_group(grouped):
    towns, _ = league_of(grouped, ONE)
    towns = towns.reset_index().sort_values(["rank", "town_code"])
    best, worst = figures.boards(towns, 3)
    assert list(best["town_code"]) == ["S1", "T1", "P1"]          # rank 1, 1, then 3 (ties by code)
    assert list(worst["town_code"]) == ["S3", "F1", "T2"]         # ranks 3, 6, 6: the worst last; N1 has no data
    best, worst = figures.boards(towns, 2, group="街道")
    assert list(best["town_code"]) == ["S1", "S2"] and list(worst["town_code"]) == ["S3"]  # never on both
    groups = [g for g, _ in figures.group_league(towns, ONE)]
    assert groups == ["街道", "镇乡", "园区", "其他"]


def test_a_town_without_data_ranks_after_the_others_and_says_what_it_lacks(grouped):
    towns, _ = league_of(grouped, ONE)
    n1 = towns.loc["N1"]
    assert not n1["has_data"] and pd.isna(n1["score"]) and n1["tier"] is None and n1["rank"] == 8
    empty = figures.no_data(towns.reset_index(), ONE, parse_period("2026-10"))
    assert empty.to_dict("records") == [{"town_code": "N1", "town_name": "空镇", "what": "2026年10月没有隐患记录",
                                         "missing": ["整改率"]}]


TWO = {"components": [
    {"code": "rectification_rate", "name": "整改率", "source": "ledger", "direction": "higher", "weight": 60},
    {"code": "overdue_per_10k", "name": "每万人逾期", "source": "ledger", "direction": "lower", "weight": 40},
], "tiers": {"green": 70, "yellow": 50}}


@pytest.mark.parametrize("policy, rank", [("last", 8), ("none", None), ("rank", 1)])
def test_no_data_policy_from_the_definitions(grouped, policy, rank):
    towns, _ = league_of(grouped, dict(TWO, no_data=policy))
    # N1 has 0 overdue and no 整改率: scored on that alone (policy "rank", the old behaviour) it takes
    # first place with 100; by default it goes last
    got = towns.loc["N1", "rank"]
    assert (None if pd.isna(got) else int(got)) == rank


def test_definitions_validate_groups_board_size_and_no_data():
    base = defs.load()
    assert defs.problems(base) == []
    assert any("同时在" in p for p in defs.problems(dict(base, groups={"甲": ["镇"], "乙": ["镇", "乡"]})))
    assert any("board_size" in p for p in defs.problems(dict(base, board_size=0)))
    assert any("no_data" in p for p in defs.problems(dict(base, no_data="first")))
    assert any("至少一个" in p for p in defs.problems(dict(base, groups={"甲": []})))
    # the backlog component ships with weight 0: the index does not change unless an analyst chooses it
    backlog = next(c for c in base["components"] if c["code"] == "earlier_overdue_per_10k")
    assert backlog["weight"] == 0 and backlog["direction"] == "lower"


def test_the_group_editor_text_reads_back_in_either_language():
    base = defs.load()
    chinese, english = defs.groups_text(base), defs.groups_text(base, english=True)
    assert chinese.splitlines()[1] == "镇乡：镇、乡" and english.splitlines()[1] == "镇乡: 镇, 乡"
    assert defs.parse_groups(chinese) == defs.parse_groups(english) == base["groups"]


def test_earlier_backlog_can_be_weighted_into_the_index(store):
    commit(store, "towns", WEEK_TOWNS)
    commit(store, "hazards", [
        # A: this month's hazard rectified; an old one overdue since 2026-08-10 (a backlog of 1)
        dict(hazard_id="o1", town_code="A", found_date=d("2026-08-01"), deadline=d("2026-08-10")),
        dict(hazard_id="n1", town_code="A", found_date=d("2026-10-02"), rectified_date=d("2026-10-03")),
        dict(hazard_id="n2", town_code="B", found_date=d("2026-10-02"), rectified_date=d("2026-10-03")),
    ])
    con = db.connect(store.state())
    both = {"components": ONE["components"] + [
        {"code": "earlier_overdue_per_10k", "name": "前期逾期积压（每万人）", "source": "ledger",
         "direction": "lower", "weight": 0}], "tiers": ONE["tiers"]}
    towns, _ = league_of(con, both)
    # weight 0: both 1/1 rectified, 100 each, tied first
    assert towns["rank"].tolist() == [1, 1] and towns.loc["A", "earlier_overdue"] == 1
    assert towns.loc["A", "earlier_overdue_days_max"] == 82          # 10-31 − 08-10
    both["components"][1]["weight"] = 50
    towns, _ = league_of(con, both)
    # backlog per 10k: A 1 × 10000 / 10000 = 1 → 0; B 0 → 100; weights 100 and 50
    # → A (100 × 100 + 50 × 0) / 150 = 66.67, B 100
    assert towns.loc["A", "score"] == pytest.approx(200 / 3) and towns.loc["B", "score"] == pytest.approx(100)
    assert towns.loc["A", "rank"] == 2


# -- the 执法 panel and the overdue list: one scope -----------------------------------------------


def test_enforcement_panel_counts_what_the_overdue_list_lists(store):
    commit(store, "towns", WEEK_TOWNS)
    commit(store, "hazards", [
        # found in August, at 执法 and still overdue: the list shows it whatever the period
        dict(hazard_id="e1", town_code="A", found_date=d("2026-08-01"), deadline=d("2026-08-10"), escalation=3,
             enforcement="罚款"),
        dict(hazard_id="e2", town_code="B", found_date=d("2026-10-05"), deadline=d("2026-10-08"), escalation=1),
        dict(hazard_id="e3", town_code="B", found_date=d("2026-07-05"), deadline=d("2026-07-08"), escalation=3,
             enforcement="关停", rectified_date=d("2026-07-20"), closed_date=d("2026-07-25")),
    ])
    con = db.connect(store.state())
    as_of = d("2026-10-31")
    october = db.run(con, "escalations", start=d("2026-10-01"), end=d("2026-10-31"), as_of=as_of)
    assert (october["escalation"] == 3).sum() == 0                # the old panel: "本期没有升级到执法的隐患"
    panel = db.run(con, "enforcement_outcomes", as_of=as_of).set_index("enforcement")
    listed = db.run(con, "overdue_list", as_of=as_of, limit=None)
    assert panel["hazards"].to_dict() == {"罚款": 1, "关停": 1}
    assert panel.loc["罚款", "overdue"] == 1 and panel.loc["关停", "closed"] == 1
    assert panel["overdue"].sum() == (listed["escalation"] == 3).sum() == 1   # e1
