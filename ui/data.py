"""The Streamlit seam: one cached connection per store version and scope, cached query results.

Every cache key carries the store's path and manifest seq, so a newly committed
batch (or a rollback) shows on the next rerun without restarting anything, and the
scope (a city's store: the whole city, or one district through a connection scoped to
it), so that a district's figures are never served to the city's board or another's.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from board import city, db, definitions as defs, figures, maps, metrics
from board.store import State, Store, shown
from render import city_charts
from ui import scope as scope_
from ui.i18n import lang, t


def store() -> Store:
    """The store the board shows: BOARD_STORE or data/store, else (before any upload) the demo district."""
    shown_store, is_demo = shown()
    return Store(_demo_path()) if is_demo else shown_store


@st.cache_resource(show_spinner="正在生成示例区县（首次启动约需半分钟）…")
def _demo_path() -> str:
    from tools import demo_store
    return str(demo_store.ensure())


def state() -> State:
    """The store as of the batch chosen in 批次记录 (session), else now."""
    s = store()
    return s.state(st.session_state.get("as_of_seq"))


def _key(st_: State) -> tuple[str, int, str]:
    """(store, version, scope): the scope is a district code, or "" for the whole store."""
    return str(st_.root), st_.seq, _scope(st_)[0] or ""


def _store_key(st_: State) -> tuple[str, int]:
    """(store, version) for what a store holds whatever the scope: its districts, definitions, its now."""
    return str(st_.root), st_.seq


# a store version seen as the city and as a few of its districts, and the version before it
@st.cache_resource(max_entries=8, show_spinner=False)
def _connection(root: str, seq: int, scope: str = ""):
    return db.connect(Store(root).state(seq), materialise=True, districts=(scope,) if scope else None)


@st.cache_data(max_entries=64, show_spinner=False)
def _districts(root: str, seq: int) -> tuple[tuple[str, str], ...]:
    listed = db.run(_connection(root, seq), "district_list")
    return tuple(zip(listed["district_code"], listed["district_name"]))


def districts() -> list[tuple[str, str]]:
    """The districts (code, name) a city's store lists, by code; empty for a one-district store."""
    return list(_districts(*_store_key(state())))


def _scope(st_: State) -> tuple[str | None, str | None]:
    return scope_.decide(list(_districts(*_store_key(st_))), scope_.asked(), scope_.allowed())


def scope() -> str | None:
    """The district the board shows (its code), or None for the whole store: the one the session or the URL
    asks for, if the account may see it (ui.scope.decide)."""
    return _scope(state())[0]


def scope_refusal() -> str | None:
    """Why the scope asked for is not the one shown (in the viewer's language, as markdown), or None."""
    return _scope(state())[1]


def is_city() -> bool:
    """Whether the board shows a whole city: a store listing districts, not scoped to one of them."""
    return bool(districts()) and scope() is None


def scope_name() -> str | None:
    """The name of what the board shows in a city's store: 全市 or the district's name; None otherwise."""
    if not districts():
        return None
    code = scope()
    return dict(districts()).get(code, t("全市") if code is None else "—")


def connection():
    return _connection(*_key(state()))


@st.cache_data(max_entries=1024, show_spinner=False)
def _query(root: str, seq: int, scope: str, name: str, params: tuple) -> pd.DataFrame:
    return db.run(_connection(root, seq, scope), name, **dict(params))


def query(name: str, **params) -> pd.DataFrame:
    """queries/<name>.sql for the shown store state, cached per version, scope and parameters."""
    return _query(*_key(state()), name, tuple(sorted(params.items())))


def store_query(name: str, **params) -> pd.DataFrame:
    """queries/<name>.sql over the whole store, whatever district is shown: what the store lists (its districts
    and the names they go by), which decides the scope and so cannot wait for it."""
    return _query(*_store_key(state()), "", name, tuple(sorted(params.items())))


@st.cache_data(max_entries=64, show_spinner=False)
def _definitions(root: str, seq: int) -> dict:
    s = Store(root)
    return defs.load(s, s.state(seq))


def definitions() -> dict:
    return _definitions(*_store_key(state()))


@st.cache_data(max_entries=64, show_spinner=False)
def _as_of(root: str, seq: int) -> date | None:
    return metrics.default_as_of(_connection(root, seq))


def as_of() -> date | None:
    """The ledger's own now (DESIGN §3): the whole store's, also when one district of a city is shown, so that
    a district's board counts as of the same date as its row in the city's league."""
    return _as_of(*_store_key(state()))


@st.cache_data(max_entries=256, show_spinner=False)
def _league(root: str, seq: int, scope: str, period_code: str, as_of_: date, weights: tuple | None):
    d = _definitions(root, seq)
    if weights:
        d = dict(d, components=[dict(c, weight=dict(weights).get(c["code"], c["weight"]))
                                for c in d["components"]])
    return metrics.league(_connection(root, seq, scope), metrics.parse_period(period_code), as_of_, d)


def league(period: metrics.Period, weights: dict | None = None, at: date | None = None):
    """(towns, components, district) for the period as of the ledger's now (or `at`); weights override for
    what-if. rank_change compares like for like (metrics.league)."""
    return _league(*_key(state()), period.code, at or as_of(), tuple(sorted(weights.items())) if weights else None)


def ledger(period: metrics.Period, at: date | None = None) -> pd.DataFrame:
    """ledger_metrics for the period as of the ledger's now, or as of `at` (a period seen like for like)."""
    at = at or as_of()
    return query("ledger_metrics", start=period.start, end=period.end, as_of=at, fast=_fast(at, period))


@st.cache_data(max_entries=256, show_spinner=False)
def _rollup_applies(root: str, seq: int, scope: str, as_of_: date | None, period_code: str | None) -> bool:
    period = metrics.parse_period(period_code) if period_code else None
    return as_of_ is not None and metrics.rollup_applies(_connection(root, seq, scope), as_of_, period)


def _fast(at: date | None = None, period: metrics.Period | None = None) -> bool:
    """Whether ledger_rollup answers this period as of this date (metrics.rollup_applies)."""
    return _rollup_applies(*_key(state()), at or as_of(), period.code if period else None)


def comparison(period: metrics.Period) -> tuple[metrics.Period, date]:
    """(P′, D′): the period the changes on screen compare with and the date it is seen as of."""
    return metrics.like_for_like(period, as_of())


def comparison_note(period: metrics.Period) -> str:
    """与上月同口径比较：9月数据截至9月30日 (metrics.comparison_note), in the viewer's language."""
    if lang() == "en":
        other, then = metrics.like_for_like(period, as_of())
        return f"compared like for like with {other.code} as of {then:%Y-%m-%d}"
    return metrics.comparison_note(period, as_of())


def periods(kind: str) -> list[metrics.Period]:
    """Every period of this kind that has hazards, newest first."""
    starts = query("ledger_weeks")["week"] if kind == "week" else query("ledger_months")["month"]
    seen = []
    for m in starts:
        p = metrics.period_of(pd.Timestamp(m).date(), kind)
        if p not in seen:
            seen.append(p)
    return seen


def is_demo() -> bool:
    return state().is_demo


# -- the leaders' pages ------------------------------------------------------------
# Every function below hands cached query results to the core (board/figures.py, board/metrics.py),
# which computes the figure; nothing here does arithmetic on a metric.


@st.cache_data(max_entries=16, show_spinner=False)
def _boundaries(root: str, seq: int, scope: str) -> dict | None:
    rel = Store(root).state(seq).boundaries
    if not rel:
        return None
    path = Path(root) / rel
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(doc, dict) and doc.get("features")):
        return None
    if scope:
        # a district's map holds its own towns, framed on them, as a one-district store's does
        mine = set(db.run(_connection(root, seq, scope), "town_list")["town_code"])
        doc = dict(doc, features=[f for f in doc["features"]
                                  if isinstance(f, dict) and (f.get("properties") or {}).get("town_code") in mine])
    return doc if doc.get("features") else None


def boundaries() -> dict | None:
    """The town-boundaries GeoJSON in force (features carry town_code, town_name), or None; in a district's
    scope, its towns' only."""
    return _boundaries(*_key(state()))


def towns() -> pd.DataFrame:
    """One row per town: code, name, population, centre (as listed)."""
    return query("town_list")


def kpis(period: metrics.Period) -> pd.DataFrame:
    """The headline KPIs against the previous period seen at the same age (figures.kpis)."""
    before, then = comparison(period)
    return figures.kpis(ledger(period), ledger(before, then))


def ledger_trend(period: metrics.Period, n: int = 12) -> pd.DataFrame:
    """The last n periods, each at the same age as this one (figures.ledger_trend)."""
    return figures.ledger_trend(ledger, period, as_of(), n)


def outcomes(period: metrics.Period) -> pd.DataFrame:
    """The outcome indicators this period and a year earlier (figures.outcomes)."""
    last = period.year_earlier()
    values = query("indicator_values", start=period.start, end=period.end, last_start=last.start,
                   last_end=last.end)
    return figures.outcomes(values, definitions(), period)


def why(period: metrics.Period, town_code: str, weights: dict | None = None) -> pd.DataFrame:
    _, comps, _ = league(period, weights)
    return figures.why(comps, town_code)


def behind_median(period: metrics.Period, town_code: str, top: int | None = None) -> pd.DataFrame:
    """The components on which a town is behind the median town, most first (figures.behind_median)."""
    return figures.behind_median(why(period, town_code), top)


def what_if(period: metrics.Period, weights: dict) -> pd.DataFrame:
    return figures.what_if(league(period)[0], league(period, weights)[0])


def departments(period: metrics.Period) -> pd.DataFrame:
    df = query("department_metrics", start=period.start, end=period.end, as_of=as_of(), fast=_fast(None, period))
    return figures.departments(df, definitions())


def rank_history(town_code: str, period: metrics.Period, n: int = 12) -> pd.DataFrame:
    return figures.rank_history(lambda p, at: league(p, at=at)[0], town_code, period, as_of(), n)


def boards(period: metrics.Period, group: str | None = None):
    """(红榜, 黑榜) of the period, overall or of one group, as many as the definitions say (figures.boards)."""
    return figures.boards(league(period)[0], defs.board_size(definitions()), group)


def board_size() -> int:
    """How many towns 红榜 and 黑榜 each list (the definitions' board_size)."""
    return defs.board_size(definitions())


def group_league(period: metrics.Period):
    """[(group, its towns in group-rank order)] (figures.group_league)."""
    return figures.group_league(league(period)[0], definitions())


def no_data(period: metrics.Period) -> pd.DataFrame:
    """The towns with no hazards in the period and what they have no data for (figures.no_data)."""
    return figures.no_data(league(period)[0], definitions(), period)


def enforcement() -> pd.DataFrame:
    """Every hazard at 执法 found by now, whatever its period, by enforcement outcome: the same scope as the
    overdue list beside it."""
    return query("enforcement_outcomes", as_of=as_of())


OVERDUE_ROWS = 1_000  # the overdue list on screen: the worst ones; the download has them all
filter_points = maps.filter_rows


def hazard_tally(period: metrics.Period) -> pd.DataFrame:
    """How many of the period's hazards with coordinates there are per town, status, severity, category, source."""
    return maps.tally(query, period.start, period.end, as_of(), _fast(period=period))


def map_hazards(period: metrics.Period, *, cell: float = 0.005, **chosen) -> tuple[str, pd.DataFrame]:
    """What the map draws for the chosen filters (town_code=[…], status=[…], …; empty keeps all): see maps.draw."""
    return maps.draw(query, hazard_tally(period), period.start, period.end, as_of(), cell=cell,
                     now=_fast(period=period), **chosen)


def overdue_list(town_code: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """The hazards overdue as of the ledger's now (optionally one town's), most days overdue first;
    the first `limit` of them (None: all)."""
    if town_code is None:
        return figures.overdue_list(query, as_of(), limit, _fast())
    df = figures.overdue_list(query, as_of(), None, _fast())
    df = df[df["town_code"] == town_code].reset_index(drop=True)
    return df if limit is None else df.head(limit)


def overdue_list_later():
    """A callable giving every hazard overdue as of now for the store state shown now: deferred downloads
    run on a thread without the session, so the state is fixed here."""
    key, at, now = _key(state()), as_of(), _fast()
    return lambda: figures.overdue_list(lambda name, **params: _query(*key, name, tuple(sorted(params.items()))),
                                        at, None, now)


def backlog_trend(period: metrics.Period, n: int = 12) -> pd.DataFrame:
    """The open backlog at the end of each of the n months ending with `period` (figures.backlog_trend)."""
    return figures.backlog_trend(lambda days: query("backlog_days", days=days), period, as_of(), n)


def overdue_ageing() -> pd.DataFrame:
    """Overdue hazards as of now by town, severity and age bucket (1–7, 8–30, 31–90, >90 days)."""
    return query("overdue_ageing", as_of=as_of())


def escalations(period: metrics.Period) -> pd.DataFrame:
    return query("escalations", start=period.start, end=period.end, as_of=as_of())


def aired_notices(period: metrics.Period) -> pd.DataFrame:
    return query("aired_notices", start=period.start, end=period.end, as_of=as_of())


def leader_items(period: metrics.Period) -> pd.DataFrame:
    return query("leader_items", start=period.start, end=period.end, as_of=as_of())


def recurrences(period: metrics.Period) -> pd.DataFrame:
    return query("recurrences", start=period.start, end=period.end, as_of=as_of())


status_counts = figures.status_counts


# -- inspection coverage ------------------------------------------------------------


def coverage(period: metrics.Period, types: list[str] | None = None) -> tuple[pd.DataFrame, dict]:
    """Inspection coverage per town in the period, of the chosen inspector types (figures.coverage)."""
    return figures.coverage(coverage_visits(period), types)


def coverage_visits(period: metrics.Period) -> pd.DataFrame:
    """inspection_coverage rows for the period as of the ledger's now: town × inspector type."""
    return query("inspection_coverage", start=period.start, end=period.end, as_of=as_of())


def inspector_types(period: metrics.Period) -> list[str]:
    """The inspector types that visited in the period (figures.inspector_types)."""
    return figures.inspector_types(coverage_visits(period))


# -- the grid level (issue 14) -------------------------------------------------------------
# The counts come from queries/grid_metrics.sql, cached per store version; board/grids.py rates them.


@st.cache_data(max_entries=64, show_spinner=False)
def _grid_as_of(root: str, seq: int) -> date | None:
    from board import grids
    return grids.default_as_of(_connection(root, seq))


def grid_as_of() -> date | None:
    """The grid events' own now: the latest reported or closed date (the whole store's, as as_of())."""
    return _grid_as_of(*_store_key(state()))


def grid_counts(period: metrics.Period, as_of_: date) -> pd.DataFrame:
    """One row per grid, town and the district: the grid metrics of the period as of the date."""
    return query("grid_metrics", start=period.start, end=period.end, as_of=as_of_)


def grid_rule() -> dict:
    """The star rule in force (definitions' grid_stars)."""
    from board import grids
    return grids.star_rule(definitions())


def grid_view(period: metrics.Period) -> dict | None:
    """The grid level for the period as of the grid events' now (board.grids.view); None without events."""
    from board import grids
    at = grid_as_of()
    return None if at is None else grids.view(grid_counts, period, at, grid_rule())


def grid_history(grid_code: str, month: metrics.Period, n: int = 12) -> pd.DataFrame:
    """A grid's (its worker's) stars over the n months ending with `month`, each seen at the same age."""
    from board import grids
    h = grids.history(grid_counts, grid_code, month, grid_as_of(), grid_rule(), n)
    return h.assign(label=h["period"]) if lang() == "en" else h   # English labels a period by its code


def grid_town_stars(view: dict) -> pd.DataFrame:
    """Per town, how many grids hold one to five stars (board.grids.town_stars)."""
    from board import grids
    return grids.town_stars(view["grids"], view["towns"])


def grids_moved(view: dict, **by) -> pd.DataFrame:
    """The grids whose stars fell (fell_by=2) or rose (rose_by=2) by at least that many (board.grids.moved)."""
    from board import grids
    return grids.moved(view["grids"], **by)


def grid_league(view: dict, town_code: str) -> pd.DataFrame:
    """A town's grids, best first, ties sharing a rank (board.grids.town_league)."""
    from board import grids
    return grids.town_league(view["grids"], town_code)


def grid_rule_lines() -> list[str]:
    """The star rule's lines in the viewer's language (component names are the definitions', translated)."""
    from board import grids
    return grids.rule_lines(grid_rule(), english=lang() == "en", name=t)


# -- the city level (issue 15) ------------------------------------------------------------
# A city's store seen whole: its districts ranked against each other by board.city, counted as of the city's
# own now on the city's connection (whatever district the board shows).


@st.cache_data(max_entries=256, show_spinner=False)
def _city_league(root: str, seq: int, period_code: str, as_of_: date):
    return city.league(_connection(root, seq), metrics.parse_period(period_code), as_of_, _definitions(root, seq))


def city_league(period: metrics.Period, at: date | None = None):
    """(districts, components, the city row) of a city's store (board.city.league): one row per district with
    every metric, score, rank, rank_change (like for like), tier, has_data, pulled_down and its towns, in rank
    order; the towns without a district (city.UNASSIGNED, district_code empty) unranked, last."""
    return _city_league(*_store_key(state()), period.code, at or as_of())


def districts_ranked(period: metrics.Period) -> pd.DataFrame:
    """The city league's districts, the towns without a district left out."""
    rows = city_league(period)[0]
    return rows[rows["district_code"].notna()].reset_index(drop=True)


def unassigned(period: metrics.Period) -> pd.Series | None:
    """The row of the towns that have no district (counted in the city, ranked nowhere), or None."""
    rows = city_league(period)[0]
    rows = rows[rows["district_code"].isna()]
    return None if rows.empty else rows.iloc[0]


def district_definitions() -> dict:
    """The definitions as the district level reads them (weights, tiers, board_size may differ per level)."""
    return city.level_definitions(definitions(), "district")


def district_board_size() -> int:
    """How many districts 红榜 and 黑榜 each list (the district level's board_size)."""
    return defs.board_size(district_definitions())


def district_boards(period: metrics.Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(红榜, 黑榜) of the districts, as many as the district level's board_size (figures.boards: in rank order,
    the worst district last); rows keep district_code and district_name."""
    back = {"town_code": "district_code", "town_name": "district_name"}
    best, worst = figures.boards(city_charts.as_towns(districts_ranked(period)), district_board_size())
    return best.rename(columns=back), worst.rename(columns=back)


def district_why(period: metrics.Period, district_code: str) -> pd.DataFrame:
    """One row per index component for one district against the city's median district (figures.why)."""
    comps = city_league(period)[1]
    return figures.why(comps.rename(columns={"district_code": "town_code"}), district_code)


def district_no_data(period: metrics.Period) -> pd.DataFrame:
    """The districts with no hazards in the period (ranked last, no tier, no rank change)."""
    rows = districts_ranked(period)
    return rows[~rows["has_data"]].reset_index(drop=True)


def town_districts(period: metrics.Period) -> pd.DataFrame:
    """One row per town of the city: town_code, town_name, district_code, district_name (empty for a town
    without a district)."""
    towns = ledger(period).query("not is_district")[["town_code", "town_name", "district_code"]]
    names = dict(districts())
    return towns.assign(district_name=towns["district_code"].map(names)).reset_index(drop=True)


def town_district(period: metrics.Period, town_code: str) -> str | None:
    """The district a town of the city belongs to, or None."""
    towns = town_districts(period)
    hit = towns.loc[towns["town_code"] == town_code, "district_code"]
    return hit.iloc[0] if len(hit) and isinstance(hit.iloc[0], str) else None


def district_values(period: metrics.Period, metric: str) -> pd.DataFrame:
    """Each town of the city with its district's value of a metric of the city league: town_code, value,
    district_name (the city map paints each district's towns with the district's figure)."""
    towns = town_districts(period)
    rows = districts_ranked(period).set_index("district_code")[metric]
    return towns.assign(value=towns["district_code"].map(rows))[["town_code", "value", "district_name"]]


def district_red_towns(period: metrics.Period) -> pd.DataFrame:
    """Each district's towns with a red tier in its own league (as the city notice lists them), district by
    district in the city's order: the town league's columns plus district_code and district_name."""
    root, seq = _store_key(state())
    at = as_of()
    red = []
    for code, name in districts():
        towns = _league(root, seq, code, period.code, at, None)[0]   # the district's own league, cached
        red.append(towns[towns["tier"] == "red"].assign(district_code=code, district_name=name))
    return pd.concat(red, ignore_index=True) if red else pd.DataFrame(
        columns=["town_code", "town_name", "rank", "district_code", "district_name"])


@st.cache_data(max_entries=16, show_spinner=False)
def _city_notice(root: str, seq: int, period_code: str, as_of_: date):
    from render import city_report

    return city_report.build(Store(root).state(seq), metrics.parse_period(period_code), _definitions(root, seq),
                             as_of_)


def city_notice(period: metrics.Period):
    """The city's notice (render.city_report.build) for the store state shown, as of the ledger's now."""
    return _city_notice(*_store_key(state()), period.code, as_of())
