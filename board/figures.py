"""The figures a page, the notice or the CLI shows beside the league: KPI changes, trends, outcomes year
on year, why a town scored as it did, what-if weights, the departments' league, rank history, the backlog.

Each takes the query results (or a function that fetches them, so the app can serve them from its cache)
and computes the figure here, once; the pages only lay them out.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

import pandas as pd

from board import metrics, vocab

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


def kpis(ledger_now: pd.DataFrame, ledger_before: pd.DataFrame) -> pd.DataFrame:
    """One row per headline KPI: the district's value in a period, in the period compared with, and the
    change, from the two ledger_metrics results: P as of D and P′ as of D′ (metrics.like_for_like)."""
    now = ledger_now.query("is_district").iloc[0]
    before = ledger_before.query("is_district").iloc[0]
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


def ledger_trend(ledger: Callable[[metrics.Period, date], pd.DataFrame], period: metrics.Period, as_of: date,
                 n: int = 12) -> pd.DataFrame:
    """The district row of the ledger for the n periods ending at `period`, oldest first, each seen at the
    same age as `period` as of `as_of` (period k as of its end + (D − E); the last as of D); `ledger(p, d)`
    runs ledger_metrics."""
    rows = []
    for k in range(n - 1, -1, -1):
        p = period.shift(-k)
        seen = metrics.same_age(period, as_of, p)
        row = ledger(p, seen).query("is_district").iloc[0].to_dict()
        rows.append(dict(row, period=p.code, label=_axis_label(p), as_of=seen))
    return pd.DataFrame(rows)


def _axis_label(p: metrics.Period) -> str:
    """A period on a chart axis: 2026年10月, or for a week 2026-W43 (the full label does not fit)."""
    return p.code if p.kind == "week" else p.label


def outcomes(values: pd.DataFrame, definitions: dict, period: metrics.Period | None = None) -> pd.DataFrame:
    """One row per outcome indicator: the district's value this period and a year earlier, and the change,
    from indicator_values. Counts are totals over the period; percentages (and indicators defined as a
    mean) are monthly means. Indicators are monthly figures: a week has none.

    Outcome indicators are not seen "as of" a date (a month's figure is final when reported), so the same
    period a year earlier is already like for like."""
    df = values[values["is_district"]].set_index("indicator")
    rows = []
    if period is not None and not period.whole_months:
        df = df.iloc[0:0]
    for c in definitions["components"]:
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


def why(components: pd.DataFrame, town_code: str) -> pd.DataFrame:
    """One row per index component for one town (from metrics.league's components): its value, score, the
    district median score, the index points it adds (contribution), the points it loses against a perfect
    score (shortfall) and against a town scoring the median (versus_median). The one source for every
    screen that explains an index: the league's 得分分析, the town page and the meeting's red-town slide."""
    c = components[components["town_code"] == town_code].copy()
    c["median_contribution"] = c["share"] * c["median_score"]
    c["versus_median"] = c["contribution"] - c["median_contribution"]
    return c.reset_index(drop=True)


def behind_median(why_: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """The components on which a town is behind the median town (versus_median < 0), most points first."""
    behind = why_[why_["versus_median"].fillna(0) < -1e-9].sort_values(["versus_median", "code"])
    return (behind.head(top) if top else behind).reset_index(drop=True)


def boards(towns: pd.DataFrame, n: int = 3, group: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """红榜 and 黑榜: the n best and the n worst ranked towns with data (of one group, by group_rank, when
    `group` is given), both in rank order, best first, so the worst town is the last of 黑榜 on every
    screen, notice and pack. A town with no data in the period is on neither."""
    rank_col = "group_rank" if group is not None else "rank"
    ranked = towns[towns[rank_col].notna() & towns["score"].notna()]
    if group is not None:
        ranked = ranked[ranked["group"] == group]
    ranked = ranked.sort_values([rank_col, "town_code"])
    best = ranked.head(n)
    worst = ranked.iloc[max(len(best), len(ranked) - n):] if len(ranked) > n else ranked.iloc[0:0]
    return best.reset_index(drop=True), worst.reset_index(drop=True)


def group_league(towns: pd.DataFrame, definitions: dict) -> list[tuple[str, pd.DataFrame]]:
    """(group, its towns in group-rank order) for every group of the definitions that has towns, then 其他."""
    names = list(metrics.groups(definitions)) + [definitions.get("other_group") or metrics.OTHER_GROUP]
    out = []
    for g in dict.fromkeys(names):
        part = towns[towns["group"] == g]
        if len(part):
            out.append((g, part.sort_values(["group_rank", "town_code"], na_position="last").reset_index(drop=True)))
    return out


def no_data(towns: pd.DataFrame, definitions: dict, period: metrics.Period) -> pd.DataFrame:
    """The towns with no hazards in the period and what they have no data for: one row per town with
    `missing`, the ledger components of the index (weight above 0) it cannot be scored on."""
    ledger_parts = [c["name"] for c in definitions["components"]
                    if c["source"] == "ledger" and float(c["weight"]) > 0]
    empty = towns[~towns["has_data"].astype(bool)]
    rows = [{"town_code": t.town_code, "town_name": t.town_name, "what": f"{period.label}没有隐患记录",
             "missing": list(ledger_parts)} for t in empty.itertuples()]
    return pd.DataFrame(rows, columns=["town_code", "town_name", "what", "missing"])


def what_if(saved: pd.DataFrame, trial: pd.DataFrame) -> pd.DataFrame:
    """The league re-ranked with other weights (`trial`, nothing saved), beside the saved ranking."""
    out = trial[["town_code", "town_name", "score", "rank", "tier"]].merge(
        saved[["town_code", "score", "rank"]].rename(columns={"score": "saved_score", "rank": "saved_rank"}),
        on="town_code", how="left")
    out["rank_shift"] = (out["saved_rank"] - out["rank"]).astype("Int64")
    return out


def departments(df: pd.DataFrame, definitions: dict) -> pd.DataFrame:
    """One row per responsible department (department_metrics) with an index over the ledger rates,
    scored and ranked exactly as the towns' (metrics.composite, the saved weights)."""
    rates = dict(definitions, components=[c for c in definitions["components"]
                                          if c["source"] == "ledger" and c["code"] in df])
    if df.empty:
        return df.assign(score=pd.Series(dtype="float64"), rank=pd.Series(dtype="Int64"),
                         tier=pd.Series(dtype=object))
    scored, _ = metrics.composite(df.set_index("department")[[c["code"] for c in rates["components"]]], rates)
    out = df.merge(scored[["score", "rank", "tier"]], left_on="department", right_index=True)
    return out.sort_values(["rank", "department"], na_position="last").reset_index(drop=True)


def rank_history(league: Callable[[metrics.Period, date], pd.DataFrame], town_code: str, period: metrics.Period,
                 as_of: date, n: int = 12) -> pd.DataFrame:
    """One town's score, rank and tier over the n periods ending at `period`, oldest first, each seen at the
    same age as `period` as of `as_of`; `league(p, d)` gives the towns of metrics.league for p as of d."""
    rows = []
    for k in range(n - 1, -1, -1):
        p = period.shift(-k)
        towns_ = league(p, metrics.same_age(period, as_of, p))
        r = towns_[towns_["town_code"] == town_code]
        rank_ = r["rank"].iloc[0] if len(r) else pd.NA
        rows.append({"period": p.code, "label": _axis_label(p), "score": r["score"].iloc[0] if len(r) else None,
                     "rank": rank_, "tier": r["tier"].iloc[0] if len(r) else None, "towns": len(towns_)})
    out = pd.DataFrame(rows)
    out["rank"] = out["rank"].astype("Int64")
    return out


def backlog_trend(backlog_days: Callable[[list[date]], pd.DataFrame], period: metrics.Period, as_of: date,
                  n: int = 12) -> pd.DataFrame:
    """The open backlog at the end of each of the n months ending with `period` (the last one as of now);
    `backlog_days(days)` runs queries/backlog_days.sql."""
    end = min(period.end, as_of)
    last = metrics.period_of(end, "month")
    months = [last.shift(-k) for k in range(n - 1, -1, -1)]
    days = [min(m.end, end) for m in months]
    counted = {pd.Timestamp(r["day"]).date(): r for r in backlog_days(days).to_dict("records")}
    zero = {"open": 0, "overdue": 0, "rectified_not_closed": 0}  # a day before the first hazard has no row
    return pd.DataFrame([{**zero, **{k: counted[day][k] for k in zero if day in counted}, "month": m.code,
                          "as_of": day} for m, day in zip(months, days)])


def status_counts(tally: pd.DataFrame) -> dict:
    """How many hazards a tally (hazard_tally rows, filtered or not) counts in all ("total") and per status."""
    by = tally.groupby("status")["hazards"].sum()
    return {"total": int(tally["hazards"].sum()), **{s: int(by.get(s, 0)) for s in vocab.STATUSES}}


def overdue_list(run: Callable[..., pd.DataFrame], as_of: date, limit: int | None, now: bool) -> pd.DataFrame:
    """The hazards overdue as of D, most days overdue first, the first `limit` (None: all). `now` says D is the
    ledger's own now (metrics.rollup_applies): the list kept with the hazards (derived/overdue_now) is then
    exactly it; any other D is counted from the hazards. `run(name, **params)` runs a query."""
    if now:
        return run("overdue_now_list", limit=limit)
    return run("overdue_list", as_of=as_of, limit=limit)


def escalations_due(overdue: pd.DataFrame) -> pd.DataFrame:
    """The overdue hazards (overdue_list rows) whose escalation is below the level their days overdue call
    for (vocab.ESCALATE_AFTER), with that level as `suggested`."""
    esc = overdue.copy()
    esc["suggested"] = [vocab.suggested_level(int(d)) for d in esc["overdue_days"]]
    return esc[esc["suggested"] > esc["escalation"]].reset_index(drop=True)


def coverage(visits: pd.DataFrame, types: list[str] | None = None) -> tuple[pd.DataFrame, dict]:
    """Inspection coverage in a period from inspection_coverage rows (town × inspector type): one row per town
    (inspections, points_checked, hazards_found_by_inspection, last_inspected, covered), and the summary
    {"covered", "towns", "missing": [town names], plus those three sums over the towns}. `types` keeps only
    those inspector types (None or empty: every type); a town is covered when a kept visit was made in it."""
    kept = visits if not types else visits[visits["inspector_type"].isin(list(types))]
    towns_ = visits[["town_code", "town_name"]].drop_duplicates("town_code")
    sums = kept.groupby("town_code").agg(inspections=("inspections", "sum"), points_checked=("points_checked", "sum"),
                                         hazards_found_by_inspection=("hazards_found_by_inspection", "sum"),
                                         last_inspected=("last_inspected", "max"))
    out = towns_.merge(sums, left_on="town_code", right_index=True, how="left")
    for c in ("inspections", "points_checked", "hazards_found_by_inspection"):
        out[c] = out[c].fillna(0).astype("int64")
    out["covered"] = out["inspections"] > 0
    out = out.sort_values("town_code").reset_index(drop=True)
    summary = {"covered": int(out["covered"].sum()), "towns": len(out),
               "missing": out.loc[~out["covered"], "town_name"].tolist(),
               **{c: int(out[c].sum()) for c in ("inspections", "points_checked", "hazards_found_by_inspection")}}
    return out, summary


def inspector_types(visits: pd.DataFrame) -> list[str]:
    """The inspector types that visited anywhere in the period (inspection_coverage rows), in name order."""
    return sorted(visits.loc[visits["inspections"] > 0, "inspector_type"].dropna().unique().tolist())
