"""The leaders' pages' queries against a ledger small enough to count by hand (period 2022-12, D = 2022-12-31)."""

from datetime import date

import pandas as pd
import pytest

from board import db
from conftest import commit, d

TOWNS = [
    {"town_code": "A", "town_name": "甲镇", "population": 10000, "lon": 121.0, "lat": 29.0},
    {"town_code": "B", "town_name": "乙街道", "population": 20000, "lon": 121.1, "lat": 29.1},
]
HAZARDS = [
    # A: closed, aired in notice 3, leader-owned
    dict(hazard_id="h1", town_code="A", unit_name="甲厂", category="消防安全", severity="一般", source="网格上报",
         department="消防救援大队", leader="王", lon=121.0, lat=29.0, found_date=d("2022-12-01"),
         deadline=d("2022-12-10"), rectified_date=d("2022-12-05"), closed_date=d("2022-12-08"), notice_no=3),
    # A: overdue 16 days (deadline 12-15), aired in notice 3, escalated to 警示, leader-owned
    dict(hazard_id="h4", town_code="A", severity="较大", source="暗访", department="住建局", leader="王",
         lon=121.01, lat=29.01, found_date=d("2022-12-04"), deadline=d("2022-12-15"), notice_no=3, escalation=2),
    # A: found last month, overdue 31 days (deadline 11-30), escalated to 执法 with a fine: backlog only
    dict(hazard_id="h5", town_code="A", severity="一般", department="住建局", found_date=d("2022-11-20"),
         deadline=d("2022-11-30"), escalation=3, enforcement="罚款"),
    # A: found 2022-08, overdue 140 days (deadline 08-13): backlog only
    dict(hazard_id="h9", town_code="A", severity="重大", found_date=d("2022-08-01"), deadline=d("2022-08-13")),
    # B: closed 12-19 and the same unit and category found again 12-28 (h8): h7 recurred
    dict(hazard_id="h7", town_code="B", unit_name="乙店", category="燃气安全", severity="一般", department="住建局",
         lon=121.1, lat=29.1, found_date=d("2022-12-10"), deadline=d("2022-12-20"),
         rectified_date=d("2022-12-18"), closed_date=d("2022-12-19")),
    # B: open, deadline after D: 整改中; no coordinates (not on the map); no department
    dict(hazard_id="h8", town_code="B", unit_name="乙店", category="燃气安全", found_date=d("2022-12-28"),
         deadline=d("2023-01-05")),
    # B: rectified, not closed: 已整改待销号
    dict(hazard_id="h10", town_code="B", department="消防救援大队", lon=121.11, lat=29.11,
         found_date=d("2022-12-12"), deadline=d("2022-12-30"), rectified_date=d("2022-12-29")),
]
DEC = dict(start=date(2022, 12, 1), end=date(2022, 12, 31), as_of=date(2022, 12, 31))


@pytest.fixture
def con(store):
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    return db.connect(store.state())


ALL = dict(towns=[], statuses=[], severities=[], categories=[], sources=[])


def test_hazard_points_are_the_period_hazards_with_coordinates_and_their_status(con):
    df = db.run(con, "hazard_points", **DEC, **ALL, limit=100).set_index("hazard_id")
    # December cohort h1 h4 h7 h8 h10; h8 has no coordinates
    assert sorted(df.index) == ["h1", "h10", "h4", "h7"]
    assert df["status"].to_dict() == {"h1": "已销号", "h10": "已整改待销号", "h4": "逾期", "h7": "已销号"}
    assert df.loc["h4", "overdue_days"] == 16 and df.loc["h4", "town_name"] == "甲镇"


def test_hazard_points_filters_are_bound_lists_and_limit_caps_the_rows(con):
    def ids(limit=100, **chosen):
        return list(db.run(con, "hazard_points", **DEC, **dict(ALL, **chosen), limit=limit)["hazard_id"])
    assert ids(statuses=["已销号"]) == ["h1", "h7"]
    assert ids(towns=["A"], severities=["较大"]) == ["h4"]
    assert ids(towns=["B"], statuses=["逾期"]) == []
    assert ids(sources=["暗访", "网格上报"]) == ["h1", "h4"]
    assert ids(towns=["A'); drop table hazards; --"]) == []  # a value, never SQL
    assert ids(limit=2) == ["h1", "h10"]  # ordered by id: h1 < h10 < h4 < h7


def test_hazard_tally_counts_what_the_points_would_show(con):
    df = db.run(con, "hazard_tally", **DEC)
    assert df["hazards"].sum() == 4
    assert df.groupby("status")["hazards"].sum().to_dict() == {"已销号": 2, "已整改待销号": 1, "逾期": 1}
    assert df.groupby("town_code")["hazards"].sum().to_dict() == {"A": 2, "B": 2}


def test_hazard_cells_count_each_status_in_each_grid_cell(con):
    # with 1-degree cells all four points (121.0–121.11, 29.0–29.11) fall in cell (121, 29)
    df = db.run(con, "hazard_cells", **DEC, **ALL, cell=1.0).set_index("status")
    assert set(zip(df["cell_x"], df["cell_y"])) == {(121, 29)}
    assert df["hazards"].to_dict() == {"已销号": 2, "已整改待销号": 1, "逾期": 1}
    assert df.loc["已销号", "lon"] == pytest.approx((121.0 + 121.1) / 2)  # h1 and h7
    assert df["major"].sum() == 0  # h4 is 较大, not 重大
    only_a = db.run(con, "hazard_cells", **DEC, **dict(ALL, towns=["A"]), cell=1.0)
    assert only_a["hazards"].sum() == 2


def test_overdue_list_is_every_overdue_hazard_as_of_d_most_days_first(con):
    df = db.run(con, "overdue_list", as_of=date(2022, 12, 31), limit=None)
    # h9: 12-31 − 08-13 = 140 days; h5: 12-31 − 11-30 = 31; h4: 12-31 − 12-15 = 16
    assert list(df["hazard_id"]) == ["h9", "h5", "h4"]
    assert list(df["overdue_days"]) == [140, 31, 16]
    assert list(df["escalation"].fillna(0)) == [0, 3, 2]


def test_backlog_days_counts_open_overdue_and_rectified_not_closed_on_each_day(con):
    df = db.run(con, "backlog_days", days=[date(2022, 7, 31), date(2022, 11, 30), date(2022, 12, 31)])
    got = {pd.Timestamp(r.day).date(): (r.open, r.overdue, r.rectified_not_closed) for r in df.itertuples()}
    # 12-31: not rectified h4 h5 h9 h8 → 4, of which overdue h4 h5 h9 → 3; rectified not closed: h10
    # 11-30: only h9 (overdue since 08-13) and h5 (deadline 11-30 not yet passed) are known
    # 07-31: nothing was found yet, so there is no row (the page shows zeros)
    assert got == {date(2022, 12, 31): (4, 3, 1), date(2022, 11, 30): (2, 1, 0)}


def test_backlog_days_equals_hazard_flags_as_of_each_day():
    # backlog_days writes hazard_flags' conditions on a day column; on the demo ledger they must agree
    from board import metrics
    from tools import demo_store
    from board.store import Store

    con = db.connect(Store(demo_store.ensure()).state(), materialise=True)
    now = metrics.default_as_of(con)
    days = [date(2024, 2, 29), date(2025, 6, 30), date(2025, 12, 31), now]
    df = db.run(con, "backlog_days", days=days).set_index("day")
    for day in days:
        flags = con.execute("""
            select count(*) filter (where known and not is_rectified),
                   count(*) filter (where known and is_overdue),
                   count(*) filter (where known and is_rectified and not is_closed)
            from hazard_flags($d, $d, $d)""", {"d": day}).fetchone()
        assert tuple(df.loc[pd.Timestamp(day)]) == flags, day


def test_overdue_ageing_puts_each_overdue_hazard_in_one_bucket(con):
    df = db.run(con, "overdue_ageing", as_of=date(2022, 12, 31))
    got = {(r.severity, r.bucket): r.hazards for r in df.itertuples()}
    # h4 16 days 较大 → 8–30; h5 31 days 一般 → 31–90; h9 140 days 重大 → >90
    assert got == {("较大", "8–30天"): 1, ("一般", "31–90天"): 1, ("重大", "90天以上"): 1}
    assert set(df["town_name"]) == {"甲镇"}


def test_escalations_count_the_period_hazards_per_level(con):
    df = db.run(con, "escalations", **DEC)
    got = {(r.escalation, r.enforcement): (r.hazards, r.open) for r in df.itertuples()}
    # December: h1 h7 h8 h10 at level 0 (h8 open), h4 at 警示 (open); h5 (执法) was found in November
    assert got == {(0, None): (4, 1), (2, None): (1, 1)}
    year = db.run(con, "escalations", start=date(2022, 1, 1), end=date(2022, 12, 31), as_of=date(2022, 12, 31))
    assert ((year["escalation"] == 3) & (year["enforcement"] == "罚款")).sum() == 1


def test_aired_notices_count_closure_per_notice(con):
    df = db.run(con, "aired_notices", **DEC)
    # notice 3 aired h1 (closed) and h4 (overdue): 1/2 closed
    assert df.to_dict("records") == [{"notice_no": 3, "aired": 2, "rectified": 1, "closed": 1,
                                      "closure_rate": 0.5, "overdue": 1}]


def test_leader_items_are_per_leader_with_overdue(con):
    df = db.run(con, "leader_items", **DEC)
    r = df.iloc[0]
    assert len(df) == 1 and r["leader"] == "王"
    assert (r["items"], r["rectified"], r["closed"], r["overdue"], r["towns"]) == (2, 1, 1, 1, "甲镇")


def test_recurrences_list_the_recurred_closed_hazards(con):
    df = db.run(con, "recurrences", **DEC)
    assert list(df["hazard_id"]) == ["h7"]


def test_department_metrics_use_the_ledger_definitions(con):
    df = db.run(con, "department_metrics", **DEC, fast=False).set_index("department")
    # 住建局: h4 (overdue), h7 (closed, recurred); h5 is in its backlog only
    z = df.loc["住建局"]
    assert (z["found"], z["rectified"], z["closed"], z["overdue"], z["backlog_overdue"], z["recurred"]) == \
        (2, 1, 1, 1, 2, 1)
    assert z["rectification_rate"] == 0.5 and z["recurrence_rate"] == 1.0
    # 消防救援大队: h1 (closed, on time) and h10 (deadline 12-30 ≤ D, rectified 12-29: due and on time)
    f = df.loc["消防救援大队"]
    assert (f["found"], f["rectified"], f["closed"], f["due"], f["on_time"]) == (2, 2, 1, 2, 2)
    assert df.loc["未填写", "found"] == 1  # h8 has no department
    # the departments' found add up to the district's
    district = db.run(con, "ledger_metrics", **DEC, fast=False).query("is_district").iloc[0]
    assert df["found"].sum() == district["found"] and df["overdue"].sum() == district["overdue"]


def test_town_list_lists_every_town(con):
    assert list(db.run(con, "town_list")["town_name"]) == ["甲镇", "乙街道"]


def test_backlog_days_from_the_events_equals_counting_the_hazards_on_every_day(store):
    # the definition counted straight from the hazards, as backlog_days did before derived/backlog_events
    from datetime import timedelta

    from conftest import commit, d
    from test_metrics import HAZARDS, TOWNS

    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS + [
        # rectified and closed before it was found (refused by the ingest, but a store may hold it)
        dict(hazard_id="odd", town_code="C", found_date=d("2022-12-05"), deadline=d("2022-12-01"),
             rectified_date=d("2022-11-30"), closed_date=d("2022-12-01")),
        # overdue the day after its deadline, rectified and closed later
        dict(hazard_id="late", town_code="B", found_date=d("2022-11-01"), deadline=d("2022-11-10"),
             rectified_date=d("2022-12-20"), closed_date=d("2023-01-05"))])
    days = [d("2022-11-01") + timedelta(days=k) for k in range(80)]
    for materialise in (False, True):
        con = db.connect(store.state(), materialise=materialise)
        got = db.run(con, "backlog_days", days=days)
        want = con.execute("""
            select d.day,
                   count(*) filter (where h.rectified_date is null or h.rectified_date > d.day),
                   count(*) filter (where (h.rectified_date is null or h.rectified_date > d.day) and h.deadline < d.day),
                   count(*) filter (where h.rectified_date <= d.day and (h.closed_date is null or h.closed_date > d.day))
            from (select unnest($days::date[]) as day) d join hazards h on h.found_date <= d.day
            group by d.day order by d.day""", {"days": days}).fetchall()
        assert [(pd.Timestamp(r[0]).date(), *r[1:]) for r in got.itertuples(index=False)] == want


def test_the_overdue_list_kept_with_the_hazards_is_the_counted_one_as_of_now(store):
    from board import figures, metrics
    from conftest import commit
    from test_metrics import HAZARDS, TOWNS
    from tools import demo_store
    from board.store import Store

    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    for state in (store.state(), Store(demo_store.ensure()).state()):
        for materialise in (False, True):
            con = db.connect(state, materialise=materialise)
            now = metrics.default_as_of(con)
            assert metrics.rollup_applies(con, now)
            kept = db.run(con, "overdue_now_list", limit=None)
            counted = db.run(con, "overdue_list", as_of=now, limit=None)
            assert len(counted) > 0
            # an all-empty column comes back as None or as NaN depending on its Arrow type: compare the values
            same = lambda df: df.astype(object).where(df.notna(), None)  # noqa: E731
            pd.testing.assert_frame_equal(same(kept), same(counted))
            run = lambda name, **kw: db.run(con, name, **kw)  # noqa: E731
            pd.testing.assert_frame_equal(same(figures.overdue_list(run, now, 5, True)), same(counted.head(5)))
            # any other date is counted
            earlier = now - pd.Timedelta(days=40).to_pytimedelta()
            pd.testing.assert_frame_equal(figures.overdue_list(run, earlier, None, False),
                                          db.run(con, "overdue_list", as_of=earlier, limit=None))


def test_the_map_summed_from_its_rollups_is_the_counted_map_as_of_now(monkeypatch):
    from board import maps, metrics
    from tools import demo_store
    from board.store import Store

    state = Store(demo_store.ensure()).state()
    for materialise in (False, True):
        con = db.connect(state, materialise=materialise)
        run = lambda name, **kw: db.run(con, name, **kw)  # noqa: E731
        now = metrics.default_as_of(con)
        for kind in ("month", "quarter", "year"):
            p = metrics.period_of(now, kind)
            assert metrics.rollup_applies(con, now, p)
            kept, counted = maps.tally(run, p.start, p.end, now, True), maps.tally(run, p.start, p.end, now, False)
            assert len(counted) > 0
            pd.testing.assert_frame_equal(kept, counted, check_dtype=False)
            a = run("hazard_cells_now", start=p.start, end=p.end)
            b = run("hazard_cells", start=p.start, end=p.end, as_of=now, towns=[], statuses=[], severities=[],
                    categories=[], sources=[], cell=maps.CELL)
            key = ["status", "cell_x", "cell_y", "hazards", "major"]
            pd.testing.assert_frame_equal(a[key], b[key], check_dtype=False)
            assert (a["lon"] - b["lon"]).abs().max() < 1e-6 and (a["lat"] - b["lat"]).abs().max() < 1e-6
        # drawn as the page draws it: cells from the rollup, the same as counted (the demo's year is under
        # MAP_POINTS, so the map is told to draw cells sooner)
        monkeypatch.setattr(maps, "MAP_POINTS", 1_000)
        year = metrics.period_of(now, "year")
        t = maps.tally(run, year.start, year.end, now, True)
        assert int(t["hazards"].sum()) > maps.MAP_POINTS
        kind_a, cells_a = maps.draw(run, t, year.start, year.end, now, now=True)
        kind_b, cells_b = maps.draw(run, t, year.start, year.end, now, now=False)
        assert kind_a == kind_b == "cells" and cells_a["hazards"].sum() == cells_b["hazards"].sum()
        # a filter is always counted
        town = t["town_code"].iloc[0]
        kind_c, part = maps.draw(run, t, year.start, year.end, now, now=True, town_code=[town])
        kind_d, counted_part = maps.draw(run, t, year.start, year.end, now, now=False, town_code=[town])
        assert kind_c == kind_d and len(part) > 0
        pd.testing.assert_frame_equal(part, counted_part)
