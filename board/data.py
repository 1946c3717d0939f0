"""The Streamlit seam: one cached connection per store version, cached query results.

Every cache key carries the store's path and manifest seq, so a newly committed
batch (or a rollback) shows on the next rerun without restarting anything.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from board import db, definitions as defs, maps, metrics
from board.store import State, Store, shown


def store() -> Store:
    """The store the board shows: BOARD_STORE or data/store, else (before any upload) the demo district."""
    shown_store, is_demo = shown()
    return Store(_demo_path()) if is_demo else shown_store


@st.cache_resource(show_spinner="正在生成示例区县（首次启动约需半分钟）…")
def _demo_path() -> str:
    from board import demo_store
    return str(demo_store.ensure())


def state() -> State:
    """The store as of the batch chosen in 批次记录 (session), else now."""
    s = store()
    return s.state(st.session_state.get("as_of_seq"))


def _key(st_: State) -> tuple[str, int]:
    return str(st_.root), st_.seq


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(root: str, seq: int):
    return db.connect(Store(root).state(seq), materialise=True)


def connection():
    return _connection(*_key(state()))


@st.cache_data(max_entries=1024, show_spinner=False)
def _query(root: str, seq: int, name: str, params: tuple) -> pd.DataFrame:
    return db.run(_connection(root, seq), name, **dict(params))


def query(name: str, **params) -> pd.DataFrame:
    """queries/<name>.sql for the shown store state, cached per version and parameters."""
    return _query(*_key(state()), name, tuple(sorted(params.items())))


@st.cache_data(max_entries=64, show_spinner=False)
def _definitions(root: str, seq: int) -> dict:
    s = Store(root)
    return defs.load(s, s.state(seq))


def definitions() -> dict:
    return _definitions(*_key(state()))


@st.cache_data(max_entries=64, show_spinner=False)
def _as_of(root: str, seq: int) -> date | None:
    return metrics.default_as_of(_connection(root, seq))


def as_of() -> date | None:
    """The ledger's own now (DESIGN §3)."""
    return _as_of(*_key(state()))


@st.cache_data(max_entries=256, show_spinner=False)
def _league(root: str, seq: int, period_code: str, as_of_: date, weights: tuple | None):
    d = _definitions(root, seq)
    if weights:
        d = dict(d, components=[dict(c, weight=dict(weights).get(c["code"], c["weight"]))
                                for c in d["components"]])
    return metrics.league(_connection(root, seq), metrics.parse_period(period_code), as_of_, d)


def league(period: metrics.Period, weights: dict | None = None):
    """(towns, components, district) for the period as of the ledger's now; weights override for what-if."""
    return _league(*_key(state()), period.code, as_of(), tuple(sorted(weights.items())) if weights else None)


def ledger(period: metrics.Period) -> pd.DataFrame:
    return query("ledger_metrics", start=period.start, end=period.end, as_of=as_of(), fast=_fast())


@st.cache_data(max_entries=64, show_spinner=False)
def _rollup_applies(root: str, seq: int, as_of_: date | None) -> bool:
    return as_of_ is not None and metrics.rollup_applies(_connection(root, seq), as_of_)


def _fast() -> bool:
    """Whether ledger_rollup answers as of the board's date (metrics.rollup_applies)."""
    return _rollup_applies(*_key(state()), as_of())


def periods(kind: str) -> list[metrics.Period]:
    """Every period of this kind that has hazards, newest first."""
    months = query("ledger_months")
    seen = []
    for m in months["month"]:
        p = metrics.period_of(pd.Timestamp(m).date(), kind)
        if p not in seen:
            seen.append(p)
    return seen


def is_demo() -> bool:
    return state().is_demo


# -- the leaders' pages ------------------------------------------------------------
# Every function below returns figures the core computed (SQL in queries/, the index in
# metrics); the only arithmetic here is comparing two of those figures (change, median gap).


@st.cache_data(max_entries=16, show_spinner=False)
def _boundaries(root: str, seq: int) -> dict | None:
    rel = Store(root).state(seq).boundaries
    if not rel:
        return None
    path = Path(root) / rel
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and doc.get("features") else None


def boundaries() -> dict | None:
    """The town-boundaries GeoJSON in force (features carry town_code, town_name), or None."""
    return _boundaries(*_key(state()))


def towns() -> pd.DataFrame:
    """One row per town: code, name, population, centre (as listed)."""
    return query("town_list")


def previous_ledger(period: metrics.Period) -> pd.DataFrame:
    return ledger(period.previous())


KPIS = (  # (metric, label, kind, better); backlog_overdue is as of now whatever the period, so no change
    ("found", "发现隐患", "count", None),
    ("rectification_rate", "整改率", "rate", "higher"),
    ("closure_rate", "销号率", "rate", "higher"),
    ("on_time_rate", "按期整改率", "rate", "higher"),
    ("overdue", "逾期隐患", "count", "lower"),
    ("backlog_overdue", "累计逾期", "count", "lower"),
    ("recurrence_rate", "复发率", "rate", "lower"),
    ("aired_closure_rate", "晾晒问题销号率", "rate", "higher"),
    ("points_checked", "检查点位", "count", None),
    ("hazards_found_by_inspection", "检查发现隐患", "count", None),
)


def kpis(period: metrics.Period) -> pd.DataFrame:
    """One row per headline KPI: this period's district value, the previous period's, and the change."""
    now = ledger(period).query("is_district").iloc[0]
    before = previous_ledger(period).query("is_district").iloc[0]
    rows = []
    for code, label, kind, better in KPIS:
        v, p = _num(now[code]), _num(before[code])
        if code == "backlog_overdue":
            p = None
        rows.append({"metric": code, "label": label, "kind": kind, "better": better, "value": v,
                     "previous": p, "change": None if v is None or p is None else v - p})
    return pd.DataFrame(rows)


def _num(v):
    return None if v is None or pd.isna(v) else float(v)


def ledger_trend(period: metrics.Period, n: int = 12) -> pd.DataFrame:
    """The district row of the ledger for the n periods ending at `period`, oldest first."""
    rows = []
    for k in range(n - 1, -1, -1):
        p = period.shift(-k)
        row = ledger(p).query("is_district").iloc[0].to_dict()
        rows.append(dict(row, period=p.code, label=p.label))
    return pd.DataFrame(rows)


def outcomes(period: metrics.Period) -> pd.DataFrame:
    """One row per outcome indicator: the district's value this period and a year earlier, and the change.

    Counts are totals over the period; percentages (and indicators defined as a mean) are monthly means.
    """
    last = period.year_earlier()
    df = query("indicator_values", start=period.start, end=period.end, last_start=last.start,
               last_end=last.end)
    df = df[df["is_district"]].set_index("indicator")
    rows = []
    for c in definitions()["components"]:
        if c["source"] != "indicator" or c["code"] not in df.index:
            continue
        r = df.loc[c["code"]]
        mean = c.get("unit") == "%" or c.get("aggregate") == "mean"
        v = _num(r["mean"] if mean else r["total"]) if r["months"] else None
        p = _num(r["last_mean"] if mean else r["last_total"]) if r["last_months"] else None
        rows.append({"indicator": c["code"], "name": c["name"], "unit": c.get("unit", ""),
                     "direction": c["direction"], "value": v, "last_year": p,
                     "change": None if v is None or p is None else v - p,
                     "change_rate": None if v is None or not p else (v - p) / p})
    return pd.DataFrame(rows, columns=["indicator", "name", "unit", "direction", "value", "last_year",
                                       "change", "change_rate"])


def why(period: metrics.Period, town_code: str, weights: dict | None = None) -> pd.DataFrame:
    """One row per index component for one town: its value, score, the district median score, and the
    index points it adds (contribution) against a town scoring the median (versus_median)."""
    _, comps, _ = league(period, weights)
    c = comps[comps["town_code"] == town_code].copy()
    c["median_contribution"] = c["share"] * c["median_score"]
    c["versus_median"] = c["contribution"] - c["median_contribution"]
    return c.reset_index(drop=True)


def what_if(period: metrics.Period, weights: dict) -> pd.DataFrame:
    """The league re-ranked with other weights (nothing saved), beside the saved ranking."""
    saved, _, _ = league(period)
    trial, _, _ = league(period, weights)
    out = trial[["town_code", "town_name", "score", "rank", "tier"]].merge(
        saved[["town_code", "score", "rank"]].rename(columns={"score": "saved_score", "rank": "saved_rank"}),
        on="town_code", how="left")
    out["rank_shift"] = (out["saved_rank"] - out["rank"]).astype("Int64")
    return out


def departments(period: metrics.Period) -> pd.DataFrame:
    """One row per responsible department with the ledger metrics and an index over the ledger rates,
    scored and ranked exactly as the towns' (metrics.composite, the saved weights)."""
    df = query("department_metrics", start=period.start, end=period.end, as_of=as_of(), fast=_fast())
    d = definitions()
    rates = dict(d, components=[c for c in d["components"] if c["source"] == "ledger" and c["code"] in df])
    if df.empty:
        return df.assign(score=pd.Series(dtype="float64"), rank=pd.Series(dtype="Int64"),
                         tier=pd.Series(dtype=object))
    scored, _ = metrics.composite(df.set_index("department")[[c["code"] for c in rates["components"]]], rates)
    out = df.merge(scored[["score", "rank", "tier"]], left_on="department", right_index=True)
    return out.sort_values(["rank", "department"], na_position="last").reset_index(drop=True)


def rank_history(town_code: str, period: metrics.Period, n: int = 12) -> pd.DataFrame:
    """One town's score, rank and tier over the n periods ending at `period`, oldest first."""
    rows = []
    for k in range(n - 1, -1, -1):
        p = period.shift(-k)
        towns_, _, _ = league(p)
        r = towns_[towns_["town_code"] == town_code]
        rank_ = r["rank"].iloc[0] if len(r) else pd.NA
        rows.append({"period": p.code, "label": p.label, "score": r["score"].iloc[0] if len(r) else None,
                     "rank": rank_, "tier": r["tier"].iloc[0] if len(r) else None, "towns": len(towns_)})
    out = pd.DataFrame(rows)
    out["rank"] = out["rank"].astype("Int64")
    return out


OVERDUE_ROWS = 1_000  # the overdue list on screen: the worst ones; the download has them all
filter_points = maps.filter_rows


def hazard_tally(period: metrics.Period) -> pd.DataFrame:
    """How many of the period's hazards with coordinates there are per town, status, severity, category, source."""
    return query("hazard_tally", start=period.start, end=period.end, as_of=as_of())


def map_hazards(period: metrics.Period, *, cell: float = 0.005, **chosen) -> tuple[str, pd.DataFrame]:
    """What the map draws for the chosen filters (town_code=[…], status=[…], …; empty keeps all): see maps.draw."""
    return maps.draw(query, hazard_tally(period), period.start, period.end, as_of(), cell=cell, **chosen)


def overdue_list(town_code: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """The hazards overdue as of the ledger's now (optionally one town's), most days overdue first;
    the first `limit` of them (None: all)."""
    if town_code is None:
        return query("overdue_list", as_of=as_of(), limit=limit)
    df = query("overdue_list", as_of=as_of(), limit=None)
    df = df[df["town_code"] == town_code].reset_index(drop=True)
    return df if limit is None else df.head(limit)


def overdue_list_later():
    """A callable giving every hazard overdue as of now for the store state shown now: deferred downloads
    run on a thread without the session, so the state is fixed here."""
    key, params = _key(state()), tuple(sorted({"as_of": as_of(), "limit": None}.items()))
    return lambda: _query(*key, "overdue_list", params)


def backlog_trend(period: metrics.Period, n: int = 12) -> pd.DataFrame:
    """The open backlog at the end of each of the n months ending with `period` (the last one as of now)."""
    end = min(period.end, as_of())
    last = metrics.period_of(end, "month")
    months = [last.shift(-k) for k in range(n - 1, -1, -1)]
    days = [min(m.end, end) for m in months]
    counted = {pd.Timestamp(r["day"]).date(): r for r in query("backlog_days", days=days).to_dict("records")}
    zero = {"open": 0, "overdue": 0, "rectified_not_closed": 0}  # a day before the first hazard has no row
    return pd.DataFrame([{**zero, **{k: counted[day][k] for k in zero if day in counted}, "month": m.code,
                          "as_of": day} for m, day in zip(months, days)])


def overdue_ageing() -> pd.DataFrame:
    """Overdue hazards as of now by town, severity and age bucket (1–7, 8–30, 31–90, >90 days)."""
    return query("overdue_ageing", as_of=as_of())


AGE_BUCKETS = ("1–7天", "8–30天", "31–90天", "90天以上")
ESCALATION_LEVELS = {0: "无", 1: "提醒", 2: "警示", 3: "执法"}


def escalations(period: metrics.Period) -> pd.DataFrame:
    return query("escalations", start=period.start, end=period.end, as_of=as_of())


def aired_notices(period: metrics.Period) -> pd.DataFrame:
    return query("aired_notices", start=period.start, end=period.end, as_of=as_of())


def leader_items(period: metrics.Period) -> pd.DataFrame:
    return query("leader_items", start=period.start, end=period.end, as_of=as_of())


def recurrences(period: metrics.Period) -> pd.DataFrame:
    return query("recurrences", start=period.start, end=period.end, as_of=as_of())


def status_counts(tally: pd.DataFrame) -> dict:
    """How many hazards a tally (hazard_tally rows, filtered or not) counts in all ("total") and per status."""
    from board.schema import STATUSES
    by = tally.groupby("status")["hazards"].sum()
    return {"total": int(tally["hazards"].sum()), **{s: int(by.get(s, 0)) for s in STATUSES}}
